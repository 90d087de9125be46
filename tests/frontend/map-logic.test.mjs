// Front-end unit tests for api/static/map-logic.js: cluster cells, choropleth classes, URLs, stale answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cellDegForZoom, classBreaks, classOf, choroplethColor, CHOROPLETH_COLORS, clusterLabel, clusterRadius, debounce,
  dominant, latestOnly, mapCasesUrl,
} from "../../api/static/map-logic.js";

test("a cluster cell spans 60 screen pixels and halves with each zoom step, as the server cuts it", () => {
  // cases.map_view.cell_deg_for_zoom(13) in Python: 60 * 360 / (256 * 2 ** 13).
  assert.equal(cellDegForZoom(13), 0.010299682617187500);
  assert.equal(cellDegForZoom(14) * 2, cellDegForZoom(13));
  assert.equal(cellDegForZoom(0, 256), 360);
});

test("cluster circles grow with the log of their count and labels shorten thousands", () => {
  assert.equal(clusterRadius(1), 14);
  assert.ok(clusterRadius(100) > clusterRadius(10));
  assert.equal(clusterRadius(10_000_000), 34);
  assert.deepEqual([7, 999, 1000, 1234, 15_400].map(clusterLabel), ["7", "999", "1k", "1.2k", "15k"]);
  assert.equal(dominant({ market: 3, governance: 5, unrouted: 5 }), "governance");
  assert.equal(dominant({}), null);
});

test("choropleth breaks rise strictly, zero has no class and the top count has the last", () => {
  const counts = [0, 0, 1, 1, 1, 2, 3, 5, 8, 13, 21, 34];
  const breaks = classBreaks(counts, 5);
  assert.deepEqual(breaks, [1, 2, 5, 13, 34]);
  assert.equal(classOf(0, breaks), 0);
  assert.equal(classOf(1, breaks), 1);
  assert.equal(classOf(6, breaks), 4);
  assert.equal(classOf(34, breaks), 5);
  assert.equal(classOf(99, breaks), 5, "a count above the last break (a live increase) stays in the top class");
  assert.deepEqual(classBreaks([0, 0]), []);
  assert.deepEqual(classBreaks([4, 4, 4, 4]), [4], "equal counts make one class, not five equal bounds");
  assert.equal(choroplethColor(4, [4]), CHOROPLETH_COLORS.at(-1), "the only class is the hottest colour");
  assert.equal(choroplethColor(0, breaks), "transparent");
});

test("the map's request names the clipped bbox, a quarter zoom and only the filters given", () => {
  const url = mapCasesUrl({ west: -200, south: 31.9, east: 120.123456789, north: 32.1 }, 13.37, { platform: "market", open: false });
  const q = new URL(url, "http://x").searchParams;
  assert.equal(q.get("bbox"), "-180.000000,31.900000,120.123457,32.100000");
  assert.equal(q.get("zoom"), "13.25");
  assert.equal(q.get("platform"), "market");
  assert.equal(q.get("open"), "false");
  assert.equal(q.get("status"), null);
});

test("only the latest view's answer is drawn: calls made while one is out coalesce into one more request", async () => {
  const asked = [];
  const drawn = [];
  const waiters = [];
  const load = (v) => new Promise((resolve) => { asked.push(v); waiters.push(() => resolve(`answer ${v}`)); });
  const refresh = latestOnly(load, (answer) => drawn.push(answer));
  refresh(1);
  refresh(2);
  refresh(3);
  assert.deepEqual(asked, [1], "one request at a time");
  waiters.shift()();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(drawn, [], "the answer for view 1 came after view 3 was asked: dropped");
  assert.deepEqual(asked, [1, 3], "view 2 was never asked for");
  waiters.shift()();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(drawn, ["answer 3"]);
});

test("debounce calls once after the calls stop", () => {
  const timers = { t: null, setTimeout(fn) { this.t = fn; return 1; }, clearTimeout() { this.t = null; } };
  let calls = 0;
  const f = debounce(() => calls++, 300, timers);
  f(); f(); f();
  assert.equal(calls, 0);
  timers.t();
  assert.equal(calls, 1);
});

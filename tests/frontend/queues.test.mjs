// Front-end unit tests for api/static/queues-logic.js (the queues and dashboard views' pure logic), run by node's test
// runner (tests/unit/test_frontend_logic.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { setLang } from "../../api/static/i18n.js";
import {
  QUEUES, countsByQueue, keyToMove, moveIndex, periodLabel, queueCasesUrl, queuesUrl, rateText, satisfactionText,
  stepBody, windowText,
} from "../../api/static/queues-logic.js";

test("keys map to the operator's moves", () => {
  assert.deepEqual(keyToMove("j"), { move: 1 });
  assert.deepEqual(keyToMove("ArrowDown"), { move: 1 });
  assert.deepEqual(keyToMove("k"), { move: -1 });
  assert.deepEqual(keyToMove("ArrowUp"), { move: -1 });
  assert.deepEqual(keyToMove("Enter"), { open: true });
  assert.deepEqual(keyToMove("a"), { action: "accept" });
  assert.deepEqual(keyToMove("r"), { action: "route" });
  assert.deepEqual(keyToMove("x"), { action: "reject" });
  assert.deepEqual(keyToMove("?"), { help: true });
  assert.deepEqual(keyToMove("Escape"), { escape: true });
});

test("digits 1 to 6 switch queue in the API's order; 0, 7 and other keys do nothing", () => {
  assert.deepEqual(QUEUES, ["to_accept", "to_route", "overdue", "escalated", "to_verify", "triage"]);
  QUEUES.forEach((queue, i) => assert.deepEqual(keyToMove(String(i + 1)), { queue }));
  for (const key of ["0", "7", "9", "b", "A", " ", "Tab"]) assert.equal(keyToMove(key), null, key);
});

test("a key with Ctrl, Alt or Meta is left to the browser", () => {
  assert.equal(keyToMove("a", { ctrlKey: true }), null);
  assert.equal(keyToMove("r", { metaKey: true }), null);
  assert.equal(keyToMove("1", { altKey: true }), null);
});

test("moving is clamped to the list, and starts at the first or last row", () => {
  assert.equal(moveIndex(-1, 1, 5), 0);
  assert.equal(moveIndex(-1, -1, 5), 4);
  assert.equal(moveIndex(0, -1, 5), 0);
  assert.equal(moveIndex(3, 1, 5), 4);
  assert.equal(moveIndex(4, 1, 5), 4);
  assert.equal(moveIndex(9, 1, 5), 0, "a selection past a shrunken list starts again");
  assert.equal(moveIndex(0, 1, 0), -1, "an empty list selects nothing");
});

test("queue URLs carry only the filters given and refuse an unknown queue", () => {
  assert.equal(queuesUrl(), "/api/queues");
  assert.equal(queuesUrl({ platform: "market", grid: "" }), "/api/queues?platform=market");
  assert.equal(queueCasesUrl("overdue", { grid: "V01", offset: 50 }), "/api/cases?queue=overdue&grid=V01&limit=50&offset=50");
  assert.throws(() => queueCasesUrl("later"), /unknown queue later/);
});

test("counts come by name, a missing queue as null", () => {
  const counts = countsByQueue({ at: "x", queues: [{ queue: "overdue", count: 3 }, { queue: "nonsense", count: 9 }] });
  assert.equal(counts.overdue, 3);
  assert.equal(counts.to_accept, null);
  assert.equal("nonsense" in counts, false);
});

test("the steps' bodies: route to the case's platform, reject only with a reason", () => {
  assert.deepEqual(stepBody("accept", { id: 1 }), {});
  assert.deepEqual(stepBody("route", { id: 1, platform: "market" }), { platform: "market" });
  assert.equal(stepBody("route", { id: 1, platform: null }), null);
  assert.deepEqual(stepBody("reject", { id: 1 }, "  not ours "), { note: "not ours" });
  assert.equal(stepBody("reject", { id: 1 }, "   "), null);
  assert.throws(() => stepBody("close", { id: 1 }), /no queue shortcut/);
});

test("rates are percentages with one decimal, nothing counted is a dash", () => {
  assert.equal(rateText(0.875), "87.5%");
  assert.equal(rateText(1), "100%");
  assert.equal(rateText(2 / 3), "66.7%");
  assert.equal(rateText(null), "—");
  assert.equal(satisfactionText(4.25), "4.3 / 5");
  assert.equal(satisfactionText(null), "—");
  assert.equal(windowText(0, 50, 1234), "1–50 / 1,234");
  assert.equal(windowText(0, 0, 0), "0 / 0");
});

test("a period's label names it and its span in Beijing time, in the language chosen", () => {
  // 16:00 UTC on Sunday 2 June is Monday 3 June 00:00 in Beijing: the ISO week's first moment there.
  assert.equal(periodLabel("week", "2024-06-02T16:00:00Z", "2024-06-05T02:00:00Z"), "本周 · 2024/06/03 – 2024/06/05 10:00");
  assert.equal(periodLabel("today"), "今日");
  setLang("en");
  try {
    assert.equal(periodLabel("month"), "This month");
  } finally {
    setLang("zh");
  }
  assert.throws(() => periodLabel("year"), /unknown period year/);
});

// Front-end unit tests for api/static/basemap.js: the tile layer built from /api/basemap's answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addBasemap, basemapLayerSpec, whenLoggedIn } from "../../api/static/basemap.js";

const CONFIGURED = { configured: true, format: "png", kind: "mbtiles", minzoom: 10, maxzoom: 16,
  bounds: [120.1, 29.9, 120.9, 30.2], attribution: "天地图 GS(2024)0650", tile_url: "/basemap/{z}/{x}/{y}" };

test("no basemap configured gives no layer", () => {
  assert.equal(basemapLayerSpec({ configured: false, tile_url: null }), null);
  assert.equal(basemapLayerSpec(null), null);
});

test("a configured basemap stretches past its zooms and is bounded in lat, lon order", () => {
  const spec = basemapLayerSpec(CONFIGURED);
  assert.equal(spec.url, "/basemap/{z}/{x}/{y}");
  assert.equal(spec.options.minNativeZoom, 10);
  assert.equal(spec.options.maxNativeZoom, 16);
  assert.equal(spec.options.pane, "tilePane");
  assert.deepEqual(spec.options.bounds, [[29.9, 120.1], [30.2, 120.9]]);
});

test("addBasemap adds the layer and the attribution to the map, and nothing when the server has none", async () => {
  const added = [];
  const fakeL = {
    tileLayer: (url, options) => ({
      url, options, addTo: (map) => { added.push(["tiles", url, map]); return { url }; },
    }),
    control: {
      attribution: () => ({ addAttribution: (text) => ({ addTo: () => added.push(["attribution", text]) }) }),
    },
  };
  const now = async () => {};
  const layer = await addBasemap("the-map", { load: async () => CONFIGURED, leaflet: fakeL, ready: now });
  assert.equal(layer.url, "/basemap/{z}/{x}/{y}");
  assert.deepEqual(added, [["tiles", "/basemap/{z}/{x}/{y}", "the-map"], ["attribution", "天地图 GS(2024)0650"]]);
  added.length = 0;
  const none = async () => ({ configured: false });
  const down = async () => { throw new Error("HTTP 503"); };
  assert.equal(await addBasemap("the-map", { load: none, leaflet: fakeL, ready: now }), null);
  assert.equal(await addBasemap("the-map", { load: down, leaflet: fakeL, ready: now }), null);
  assert.deepEqual(added, []);
});

test("the basemap waits for a login before it asks the server anything", async () => {
  const root = { dataset: { auth: "in" } };
  await whenLoggedIn(root);
  let asked = false;
  let letIn;
  const loggedIn = new Promise((resolve) => { letIn = resolve; });
  const adding = addBasemap("the-map", { load: async () => { asked = true; return { configured: false }; },
    leaflet: {}, ready: () => loggedIn });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(asked, false);
  letIn();
  await adding;
  assert.equal(asked, true);
});

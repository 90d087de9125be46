// The operator's local basemap (GRIDWATCH_BASEMAP), under every other layer; the map looks complete without it.
/* global L */
import { getJSON } from "./api.js";

/** Return the Leaflet tile layer's URL and options for an /api/basemap answer, or null when none is configured. */
export function basemapLayerSpec(info) {
  if (!info || !info.configured || !info.tile_url) return null;
  const options = {
    // Below the grids (panes 410+) and Leaflet's overlays (400): the default tile pane sits at 200.
    pane: "tilePane",
    zIndex: 1,
    // Past the file's deepest zoom Leaflet stretches its tiles rather than asking for ones that do not exist.
    minNativeZoom: info.minzoom ?? 0,
    maxNativeZoom: info.maxzoom ?? 18,
    maxZoom: 19,
    attribution: info.attribution || "",
    keepBuffer: 2,
    crossOrigin: false,
  };
  if (Array.isArray(info.bounds) && info.bounds.length === 4) {
    const [west, south, east, north] = info.bounds;
    // Leaflet's bounds are [lat, lon]: outside them no tile is asked for (no stream of 404s).
    options.bounds = [[south, west], [north, east]];
  }
  return { url: info.tile_url, options };
}

/** Resolve once someone is logged in (login.js sets body[data-auth="in"]): the page fetches nothing before. */
export function whenLoggedIn(root = globalThis.document && globalThis.document.body) {
  if (!root || root.dataset.auth === "in") return Promise.resolve();
  return new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (root.dataset.auth !== "in") return;
      watch.disconnect();
      resolve();
    });
    watch.observe(root, { attributes: true, attributeFilter: ["data-auth"] });
  });
}

/** After login, ask for the local basemap and add it under everything on map; resolve to the layer or null. */
export async function addBasemap(map, { load = () => getJSON("/api/basemap"), leaflet = globalThis.L,
  ready = whenLoggedIn } = {}) {
  let spec = null;
  try {
    await ready();
    spec = basemapLayerSpec(await load());
  } catch (error) {
    // No basemap is a normal state of this page: say why in the console, draw the map without it.
    console.warn("basemap unavailable:", error && error.message ? error.message : error);
    return null;
  }
  if (!spec || !leaflet) return null;
  const layer = leaflet.tileLayer(spec.url, spec.options).addTo(map);
  if (spec.options.attribution) {
    // The page hides Leaflet's attribution control; a supplied basemap's licence (天地图's GS number) must show.
    const control = leaflet.control.attribution({ prefix: false, position: "bottomleft" });
    control.addAttribution(spec.options.attribution).addTo(map);
  }
  return layer;
}

// The map's pure logic (no DOM, no Leaflet): cluster cells, sizes, choropleth classes, request URLs, coalescing.

export const CLUSTER_PX = 60;
const TILE_PX = 256;

/** Degrees of longitude spanned by `pixels` screen pixels at a zoom (Web Mercator, 256-px tiles): the server's rule. */
export function cellDegForZoom(zoom, pixels = CLUSTER_PX) {
  return (pixels * 360) / (TILE_PX * 2 ** zoom);
}

/** The radius in pixels of a cluster's circle: grows with the log of its count, 14..34. */
export function clusterRadius(count) {
  const n = Math.max(1, Number(count) || 1);
  return Math.round(Math.min(34, 14 + 6 * Math.log10(n)));
}

/** A count as a cluster shows it: 1234 -> "1.2k", 15000 -> "15k". */
export function clusterLabel(count) {
  const n = Number(count) || 0;
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, "")}k`;
  return `${Math.round(n / 1000)}k`;
}

/** The platform most of a cluster's cases belong to (ties: the first by name), or null. */
export function dominant(byPlatform) {
  let best = null;
  for (const [key, n] of Object.entries(byPlatform || {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (best === null || n > best[1]) best = [key, n];
  }
  return best ? best[0] : null;
}

/**
 * Class breaks for a choropleth: up to `classes` upper bounds taken at quantiles of the non-zero counts, strictly
 * increasing; a count of 0 is class 0 (no fill), a count above 0 the first class whose bound holds it (1-based).
 */
export function classBreaks(counts, classes = 5) {
  const values = counts.map(Number).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (!values.length) return [];
  const breaks = [];
  for (let k = 1; k <= classes; k++) {
    const v = values[Math.min(values.length - 1, Math.ceil((k * values.length) / classes) - 1)];
    if (!breaks.length || v > breaks[breaks.length - 1]) breaks.push(v);
  }
  return breaks;
}

export function classOf(count, breaks) {
  const n = Number(count) || 0;
  if (n <= 0 || !breaks.length) return 0;
  const i = breaks.findIndex((b) => n <= b);
  return i === -1 ? breaks.length : i + 1;
}

// Dark theme: cool (few) to hot (many); index 0 is "none".
export const CHOROPLETH_COLORS = ["transparent", "#24507a", "#2f8f9d", "#e0b43c", "#f07b3f", "#e5383b"];

export function choroplethColor(count, breaks) {
  const cls = classOf(count, breaks);
  // Fewer breaks than colours: spread them so the top class is always the hottest colour.
  if (cls === 0) return CHOROPLETH_COLORS[0];
  const top = CHOROPLETH_COLORS.length - 1;
  return CHOROPLETH_COLORS[top - Math.round(((breaks.length - cls) * (top - 1)) / Math.max(1, breaks.length - 1))];
}

/** The query of /api/map/cases for a view: bbox clipped to the world, zoom rounded to a quarter, filters kept. */
export function mapCasesUrl({ west, south, east, north }, zoom, filters = {}) {
  const clip = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const bbox = [clip(west, -180, 180), clip(south, -90, 90), clip(east, -180, 180), clip(north, -90, 90)];
  const params = new URLSearchParams({ bbox: bbox.map((v) => v.toFixed(6)).join(","), zoom: String(Math.round(zoom * 4) / 4) });
  for (const key of ["status", "platform", "category"]) if (filters[key]) params.set(key, filters[key]);
  if (filters.open === false) params.set("open", "false");
  return `/api/map/cases?${params}`;
}

/**
 * Run `load` for the latest call only: while one request is out, later calls just mark the view stale and one
 * more request goes when it returns; an answer that a newer call made stale is dropped (`apply` never sees it).
 */
export function latestOnly(load, apply, onError = (err) => console.warn(err)) {
  let running = false;
  let pending = null;
  let generation = 0;
  const run = async (args) => {
    running = true;
    const mine = ++generation;
    try {
      const result = await load(...args);
      if (mine === generation && pending === null) apply(result, ...args);
    } catch (err) {
      if (mine === generation) onError(err);
    } finally {
      running = false;
      if (pending !== null) {
        const next = pending;
        pending = null;
        run(next);
      }
    }
  };
  return (...args) => {
    if (running) {
      pending = args;
      generation++;
      return;
    }
    run(args);
  };
}

/** Call fn once calls stop for `ms` (a pan fires many moveends). */
export function debounce(fn, ms, timers = globalThis) {
  let timer = null;
  return (...args) => {
    timers.clearTimeout(timer);
    timer = timers.setTimeout(() => fn(...args), ms);
  };
}

// The page's one copy of what it knows: cases, teams and grids, plus a tiny publish/subscribe.
import { lang } from "./i18n.js";
import { isFinished } from "./labels.js";

export const store = {
  cases: new Map(), // id -> case properties + lon, lat
  teams: new Map(), // id -> team properties + lon, lat
  grids: new Map(), // code -> grid properties
  categories: new Map(), // code -> Chinese label
  assignments: new Map(), // id -> active assignment (team sent to a case)
  // Cases closed while this page was open stay listed (dimmed) so they can still be evaluated.
  closedHere: new Set(),
  selectedId: null,
  // The first load filled the list to api.js CASES_LIMIT: older cases exist beyond it.
  casesTruncated: false,
};

const listeners = new Map();

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
}

export function emit(topic, payload) {
  for (const fn of listeners.get(topic) || []) {
    try {
      fn(payload);
    } catch (err) {
      console.error(`listener for ${topic} failed`, err);
    }
  }
}

/** Flatten a GeoJSON Point feature into its properties plus lon, lat. */
export function fromFeature(feature) {
  const props = { ...(feature.properties || {}) };
  if (props.id == null && feature.id != null) props.id = feature.id;
  const coords = feature.geometry && feature.geometry.type === "Point" ? feature.geometry.coordinates : null;
  if (coords) {
    props.lon = coords[0];
    props.lat = coords[1];
  }
  return props;
}

export function hasPosition(item) {
  return item && Number.isFinite(Number(item.lon)) && Number.isFinite(Number(item.lat));
}

/** Merge a (possibly partial) case into the store; report whether it is new and what it was. */
export function upsertCase(partial) {
  if (!partial || partial.id == null) return null;
  const key = String(partial.id);
  const before = store.cases.get(key);
  const merged = { ...(before || {}), ...stripUndefined(partial) };
  if (!hasPosition(merged) && before) {
    merged.lon = before.lon;
    merged.lat = before.lat;
  }
  store.cases.set(key, merged);
  if (isFinished(merged.status) && before && !isFinished(before.status)) store.closedHere.add(key);
  return { case: merged, before: before ? { ...before } : null, isNew: !before };
}

export function upsertTeam(partial) {
  if (!partial || partial.id == null) return null;
  const key = String(partial.id);
  const before = store.teams.get(key);
  const merged = { ...(before || {}), ...stripUndefined(partial) };
  store.teams.set(key, merged);
  return { team: merged, before: before ? { ...before } : null, isNew: !before };
}

/** Keep an assignment while it holds its team; drop it once released. Return whether it is active. */
export function setAssignment(a) {
  if (!a || a.id == null) return false;
  const key = String(a.id);
  if (a.released_at) {
    store.assignments.delete(key);
    return false;
  }
  store.assignments.set(key, a);
  return true;
}

/** Ids of the teams whose active assignments hold them for a case. */
export function caseTeamIds(caseId) {
  const id = String(caseId);
  return [...store.assignments.values()].filter((a) => String(a.case_id) === id).map((a) => String(a.team_id));
}

function stripUndefined(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export function gridName(code) {
  const g = store.grids.get(String(code));
  return g ? g.name : code;
}

/** Village and natural village names for a grid path (coarsest first), skipping the town level. */
export function gridPathText(path) {
  if (!Array.isArray(path) || path.length === 0) return "—";
  const names = path.slice(path.length > 2 ? 1 : 0).map(gridName);
  return names.join(" · ");
}

export function teamName(id) {
  if (id == null || id === "") return "";
  const t = store.teams.get(String(id));
  return t ? t.name : String(id);
}

/** A category's name in the page's language (its code when the taxonomy does not name it). */
export function categoryLabel(code) {
  if (!code) return "";
  const names = store.categories.get(String(code));
  return (names && names[lang()]) || String(code);
}

export function isOpen(c) {
  return !isFinished(c.status);
}

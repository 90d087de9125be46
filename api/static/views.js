// The page's views (map, queues, dashboard): one shown at a time, chosen by the header's buttons and kept in
// location.hash (#view=queues) so a reload or a shared link opens the same one.

export const VIEWS = ["map", "queues", "dashboard"];
export const DEFAULT_VIEW = "map";
const listeners = new Set();
let current = null;

/** The view a location hash names ("#view=queues" or "#queues"); the map for anything else. */
export function viewFromHash(hash) {
  const text = String(hash || "").replace(/^#/, "");
  const params = new URLSearchParams(text);
  const name = params.get("view") ?? (text.includes("=") ? null : text);
  return VIEWS.includes(name) ? name : DEFAULT_VIEW;
}

/** The hash that remembers a view, keeping any other hash parameters. */
export function hashForView(hash, name) {
  const text = String(hash || "").replace(/^#/, "");
  const params = new URLSearchParams(text.includes("=") ? text : "");
  params.set("view", name);
  return `#${params}`;
}

/** The view on screen. */
export function currentView() {
  return current ?? DEFAULT_VIEW;
}

/** Show one view's section and press its button; remember it in the hash; tell the listeners when it changed. */
export function showView(name) {
  if (!VIEWS.includes(name)) throw new Error(`unknown view ${name}; one of ${VIEWS.join(", ")}`);
  for (const panel of document.querySelectorAll("section[data-view-panel]")) panel.hidden = panel.dataset.viewPanel !== name;
  for (const button of document.querySelectorAll("button[data-view]")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === name));
  }
  document.body.dataset.view = name;
  if (viewFromHash(location.hash) !== name) history.replaceState(null, "", hashForView(location.hash, name));
  const before = current;
  current = name;
  if (before !== name) for (const fn of listeners) fn(name, before);
}

/** Call fn(name, previous) whenever the view changes; returns the function that stops it. */
export function onViewChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Wire the header's buttons and the hash, and show the view the hash names. */
export function startViews() {
  document.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-view]");
    if (button && VIEWS.includes(button.dataset.view)) showView(button.dataset.view);
  });
  window.addEventListener("hashchange", () => showView(viewFromHash(location.hash)));
  showView(viewFromHash(location.hash));
}

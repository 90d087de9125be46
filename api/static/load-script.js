// Load a vendored classic script (a UMD library) on first use, once per page: what a view needs only when shown
// (Chart.js for the dashboard, leaflet.heat for the heatmap) stays off the page's start-up.
const loading = new Map();

/** Resolve once the script at src has run; a failed load rejects and may be tried again. */
export function loadScript(src) {
  if (!loading.has(src)) {
    loading.set(src, new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.onload = resolve;
      el.onerror = () => {
        loading.delete(src);
        el.remove();
        reject(new Error(`${src} failed to load`));
      };
      document.head.append(el);
    }));
  }
  return loading.get(src);
}

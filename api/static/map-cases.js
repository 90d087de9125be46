// The cases layer: what /api/map/cases answers for the view, as markers (few) or numbered clusters (many).
// The server decides which; a moveend reloads (debounced, stale answers dropped); live changes patch markers
// at once and reload the view shortly after, so a cluster's count follows the feed.
/* global L */
import { getJSON } from "./api.js";
import { caseIcon, caseTip, clusterIcon, clusterTip, isRecent } from "./markers.js";
import { debounce, latestOnly, mapCasesUrl } from "./map-logic.js";
import { isFinished } from "./labels.js";
import { gridPathText, hasPosition } from "./store.js";

const MOVE_DEBOUNCE_MS = 250;
const LIVE_RELOAD_MS = 1500;

export class ServerCaseLayer {
  constructor(map, { onCaseClick, onDrawn, onLiveChange = () => {} }) {
    this.map = map;
    this.layer = L.layerGroup();
    this.markers = new Map(); // case id -> marker (points mode)
    this.known = new Map(); // case id -> the richest record seen (the store's, the feed's or the map's)
    this.fresh = new Set(); // ids that arrived live: they pulse
    this.mode = null;
    this.total = 0;
    this.filters = {};
    this.selectedId = null;
    this.started = false;
    this.onCaseClick = onCaseClick;
    this.onDrawn = onDrawn;
    this.onLiveChange = onLiveChange;
    const load = () => getJSON(mapCasesUrl(this._bounds(), this.map.getZoom(), this.filters));
    this.reloadNow = latestOnly(load, (answer) => this._draw(answer), (err) => console.warn("map cases failed to load", err));
    this.reload = debounce(() => this.reloadNow(), MOVE_DEBOUNCE_MS);
    this.reloadSoon = debounce(() => this.reloadNow(), LIVE_RELOAD_MS);
    map.on("moveend", () => this.started && this.map.hasLayer(this.layer) && this.reload());
    this.layer.on("add", () => this.started && this.reloadNow());
  }

  /** Begin loading (after login: nothing is fetched before it). */
  start() {
    if (this.started) return;
    this.started = true;
    this.reloadNow();
  }

  setFilters(filters) {
    this.filters = { ...filters };
    if (this.started) this.reloadNow();
  }

  _bounds() {
    const b = this.map.getBounds().pad(0.05);
    return { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
  }

  _draw(answer) {
    this.layer.clearLayers();
    this.markers.clear();
    this.mode = answer.mode;
    this.total = answer.total;
    if (answer.mode === "clusters") {
      for (const c of answer.clusters) this._cluster(c);
    } else {
      for (const p of answer.points) this._marker({ ...(this.known.get(String(p.id)) || {}), ...p });
    }
    this.map.getContainer().dataset.casesMode = answer.mode;
    this.onDrawn(answer);
  }

  _cluster(c) {
    const marker = L.marker([c.lat, c.lon], { pane: "cases", icon: clusterIcon(c), keyboard: false, riseOnHover: true });
    marker.bindTooltip(() => clusterTip(c), { direction: "top", className: "case-tip", offset: [0, -12] });
    const [w, s, e, n] = c.bbox;
    marker.on("click", () => {
      // One spot (or a tiny spread): zoom past the point where the server would still cluster it.
      const bounds = L.latLngBounds([s, w], [n, e]);
      if (bounds.getNorthEast().distanceTo(bounds.getSouthWest()) < 5) this.map.setView([c.lat, c.lon], this.map.getZoom() + 3);
      else this.map.fitBounds(bounds.pad(0.15), { maxZoom: this.map.getMaxZoom() });
    });
    marker.addTo(this.layer);
  }

  _marker(c) {
    const id = String(c.id);
    if (isFinished(c.status) && this.filters.open !== false) return;
    if (!hasPosition(c)) return;
    const isNew = this.fresh.has(id) || c.status === "reported" || isRecent(c.created_at);
    const signature = `${c.status}|${c.platform}|${isNew}|${this.fresh.has(id)}|${id === this.selectedId}`;
    let marker = this.markers.get(id);
    if (!marker) {
      marker = L.marker([Number(c.lat), Number(c.lon)], { pane: "cases", keyboard: false, riseOnHover: true });
      marker.on("click", () => this.onCaseClick(id));
      marker.bindTooltip(() => caseTip({ ...c, grid_text: c.grid_path ? gridPathText(c.grid_path) : "" }),
        { direction: "top", offset: [0, -10], className: "case-tip" });
      this.markers.set(id, marker);
      marker.addTo(this.layer);
    } else {
      marker.setLatLng([Number(c.lat), Number(c.lon)]);
      marker.unbindTooltip();
      marker.bindTooltip(() => caseTip({ ...c, grid_text: c.grid_path ? gridPathText(c.grid_path) : "" }),
        { direction: "top", offset: [0, -10], className: "case-tip" });
    }
    if (marker._signature !== signature) {
      marker.setIcon(caseIcon(c, isNew, this.fresh.has(id), id === this.selectedId));
      marker._signature = signature;
    }
    marker.setZIndexOffset(isNew ? 500 : 0);
  }

  /** A case seen by the page (loaded, or changed live): patch its marker now, recount the view soon when it moved. */
  setCase(c, { fresh = false } = {}) {
    const id = String(c.id);
    const before = this.known.get(id);
    this.known.set(id, { ...(before || {}), ...c });
    if (fresh) this.fresh.add(id);
    if (this.mode === "points") {
      const marker = this.markers.get(id);
      if (marker && isFinished(c.status) && this.filters.open !== false) this.removeMarker(id);
      else if (marker || fresh) this._marker(this.known.get(id));
    }
    const changed = fresh || (before && (before.status !== c.status || before.platform !== c.platform));
    if (changed && this.started) {
      this.reloadSoon();
      this.onLiveChange(c);
    }
  }

  removeCase(id) {
    this.removeMarker(String(id));
    this.known.delete(String(id));
    if (this.started) this.reloadSoon();
  }

  removeMarker(id) {
    const marker = this.markers.get(id);
    if (!marker) return;
    this.layer.removeLayer(marker);
    this.markers.delete(id);
  }

  select(id) {
    const prev = this.selectedId;
    this.selectedId = id == null ? null : String(id);
    for (const key of [prev, this.selectedId]) {
      const marker = key && this.markers.get(key);
      if (marker && marker.getElement()) marker.getElement().querySelector(".case-pin")?.classList.toggle("selected", key === this.selectedId);
    }
  }

  position(id) {
    const c = this.known.get(String(id));
    return c && hasPosition(c) ? c : null;
  }

  positions() {
    return [...this.markers.values()].map((m) => m.getLatLng());
  }
}

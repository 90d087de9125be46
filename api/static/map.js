// The town map: grids (outlines and a choropleth), cases from the server (points or clusters), teams with their
// assignment lines, alerts, cameras with sectors, a heatmap and a search box; drawn with Leaflet and no online tiles.
/* global L */
import { html } from "./vendor/lit-html/lit-html.js";
import { addBasemap } from "./basemap.js";
import { addStrings, t } from "./i18n.js";
import { platformColor } from "./labels.js";
import { alertIcon, alertTip, cameraColor, cameraHealth, cameraTip, dom, gridTip, sector, teamIcon, teamTip, tween } from "./markers.js";
import { distanceText } from "./labels.js";
import { ServerCaseLayer } from "./map-cases.js";
import { debounce } from "./map-logic.js";
import { CaseHeat, GridChoropleth, LayerPanel, OpenAlerts } from "./map-layers.js";
import { MapSearch } from "./search.js";
import { gridPathText, hasPosition } from "./store.js";

const TEAM_TWEEN_MS = 1200;

addStrings({
  zh: { "map.home": "全镇", "map.zoom_in": "放大", "map.zoom_out": "缩小" },
  en: { "map.home": "Whole town", "map.zoom_in": "Zoom in", "map.zoom_out": "Zoom out" },
});

export class CommandMap {
  constructor(element) {
    this.map = L.map(element, {
      zoomControl: false,
      attributionControl: false,
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      wheelPxPerZoomLevel: 90,
      minZoom: 5,
      maxZoom: 19,
    }).setView([30.0, 120.5], 12);
    addBasemap(this.map);
    this.fitZoom = null;
    this.townBounds = null;
    this.teamMarkers = new Map();
    this.handlers = { caseClick: () => {} };
    this.camerasLoader = null;
    this.camerasLoaded = false;
    this.sectorsLoader = null; // (bbox [w, s, e, n]) -> FeatureCollection of view sectors
    this.sectorsTimer = null;
    this.sectorsToken = 0;
    this.ready = { grids: false, cases: false };

    const panes = { grids3: 410, grids2: 415, choropleth: 417, heat: 418, gridLabels: 420, cameras: 430, coverage: 440,
      links: 450, teams: 620, cases: 630, selection: 635, alerts: 640 };
    for (const [name, z] of Object.entries(panes)) this.map.createPane(name).style.zIndex = String(z);
    this.map.getPane("gridLabels").style.pointerEvents = "none";
    this.map.getPane("heat").style.pointerEvents = "none";

    this.naturalLayer = L.geoJSON(null, {
      pane: "grids3",
      // The classes name each outline's level: the browser tests count them against the store's grids.
      style: () => ({ color: "#5c7896", weight: 0.7, opacity: 0.55, fillColor: "#4ea8ff", fillOpacity: 0.015,
                      className: "grid-outline grid-l3" }),
      onEachFeature: (feature, layer) => this._bindNaturalVillage(feature, layer),
    });
    this.villageLayer = L.geoJSON(null, {
      pane: "grids2",
      interactive: false,
      style: () => ({ color: "#8fb4dc", weight: 2, opacity: 0.8, fill: false, className: "grid-outline grid-l2" }),
      onEachFeature: (feature, layer) => {
        const name = feature.properties && feature.properties.name;
        if (name) layer.bindTooltip(dom(html`${name}`, "span"), { permanent: true, direction: "center", className: "grid-label", pane: "gridLabels" });
      },
    });
    this.camerasRenderer = L.canvas({ pane: "cameras", padding: 0.2 });
    this.camerasLayer = L.layerGroup();
    // The visible cameras' fields of view, coloured by health; part of the cameras layer, reloaded on move.
    this.sectorsLayer = L.geoJSON(null, {
      pane: "cameras",
      interactive: false,
      style: (f) => {
        const color = cameraColor(cameraHealth(f.properties));
        return { className: "camera-sector", color, weight: 0.8, opacity: 0.6, fillColor: color, fillOpacity: 0.08 };
      },
    }).addTo(this.camerasLayer);
    this.coverageLayer = L.layerGroup().addTo(this.map);
    this.linksLayer = L.layerGroup();
    this.assignmentLines = new Map(); // assignment id -> { line, teamId, to }
    // Teams and their assignment lines switch together: a line without its team says nothing.
    this.teamsLayer = L.layerGroup([this.linksLayer]);
    this.flashLayer = L.layerGroup().addTo(this.map);
    this.selectionLayer = L.layerGroup().addTo(this.map);

    this.cases = new ServerCaseLayer(this.map, {
      onCaseClick: (id) => this.handlers.caseClick(id),
      onDrawn: () => this._drawn("cases"),
      // Grid counts move with the feed too, but a grid's colour can wait a few seconds (its request is larger).
      onLiveChange: debounce(() => this.layers.choropleth.on && this.choropleth.refresh({ reload: true })
        .catch((err) => console.warn("grid counts failed to reload", err)), 10_000),
    });
    this.choropleth = new GridChoropleth(this.map);
    this.heat = new CaseHeat(this.map);
    this.openAlerts = new OpenAlerts(this.map);

    this.layers = {
      choropleth: { layer: this.choropleth.layer, on: true },
      villages: { layer: this.villageLayer, on: true },
      natural: { layer: this.naturalLayer, on: true },
      cases: { layer: this.cases.layer, on: true },
      alerts: { layer: this.openAlerts.layer, on: false },
      teams: { layer: this.teamsLayer, on: true },
      cameras: { layer: this.camerasLayer, on: false },
      heat: { layer: this.heat.layer, on: false },
    };
    // Data layers wait for start() (after login); outlines can be on the map from the beginning.
    for (const name of ["villages", "natural", "teams"]) this.layers[name].layer.addTo(this.map);

    L.control.zoom({ position: "topleft", zoomInTitle: t("map.zoom_in"), zoomOutTitle: t("map.zoom_out") }).addTo(this.map);
    this._addHomeControl();
    this.panel = new LayerPanel(this.map, {
      layers: this.layers, setLayer: (name, on) => this.setLayer(name, on), choropleth: this.choropleth, heat: this.heat,
    });
    this.search = new MapSearch(this.map, { onPick: (r) => this._picked(r) });
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
    this.map.on("zoomend", () => this._updateLabelVisibility());
    this.map.on("moveend", () => this._sectorsSoon());
  }

  onCaseClick(fn) {
    this.handlers.caseClick = fn;
  }

  setCamerasLoader(fn) {
    this.camerasLoader = fn;
  }

  setSectorsLoader(fn) {
    this.sectorsLoader = fn;
  }

  /** Once grids and the first cases layer are drawn, say so (the page-load bench and the browser tests wait on it). */
  _drawn(part) {
    this.ready[part] = true;
    if (this.ready.grids && this.ready.cases) document.body.dataset.mapReady = "true";
  }

  _startData() {
    for (const name of ["choropleth", "cases", "alerts", "heat"]) if (this.layers[name].on) this.layers[name].layer.addTo(this.map);
    this.cases.start();
  }

  // ---- grids -------------------------------------------------------------------------------

  loadGrids(villages, natural) {
    if (natural) this.naturalLayer.addData(natural);
    if (villages) this.villageLayer.addData(villages);
    this.choropleth.offer(2, villages);
    this.choropleth.offer(3, natural);
    const bounds = L.latLngBounds([]);
    for (const layer of [this.villageLayer, this.naturalLayer]) {
      const b = layer.getBounds();
      if (b.isValid()) bounds.extend(b);
    }
    if (bounds.isValid()) {
      this.townBounds = bounds;
      this.fitTown(false);
      this.map.setMaxBounds(bounds.pad(1.5));
    }
    // The page has logged in by now: the data layers may fetch.
    this._startData();
    this._drawn("grids");
  }

  /** Fit the view to the town (or, lacking grids, to whatever is on the map). */
  fitTown(animate = true) {
    let bounds = this.townBounds;
    if (!bounds) {
      bounds = L.latLngBounds([...this.cases.positions(), ...[...this.teamMarkers.values()].map((m) => m.getLatLng())]);
      if (!bounds.isValid()) return;
    }
    this.map.fitBounds(bounds, { padding: [24, 24], animate });
    if (this.townBounds) this.fitZoom = this.map.getBoundsZoom(bounds, false, L.point(48, 48));
    this._updateLabelVisibility();
  }

  _bindNaturalVillage(feature, layer) {
    const p = feature.properties || {};
    layer.bindTooltip(() => gridTip(p, null), { sticky: true, direction: "top", className: "grid-tip", offset: [0, -6] });
    layer.on("mouseover", () => layer.setStyle({ fillOpacity: 0.12, opacity: 0.95, weight: 1.2 }));
    layer.on("mouseout", () => this.naturalLayer.resetStyle(layer));
  }

  _updateLabelVisibility() {
    const el = this.map.getContainer();
    const z = this.map.getZoom();
    const base = this.fitZoom ?? z;
    el.classList.toggle("labels-hidden", z < base - 0.9);
    el.classList.toggle("labels-large", z >= base + 1.5);
  }

  // ---- search ------------------------------------------------------------------------------

  _picked(r) {
    if (r.kind === "grid" && Array.isArray(r.bbox)) {
      const [w, s, e, n] = r.bbox;
      this.map.fitBounds([[s, w], [n, e]], { padding: [32, 32], maxZoom: 17 });
    } else {
      this.flyTo(r.lon, r.lat, { zoom: Math.max(this.map.getZoom(), 17) });
    }
    if (r.kind === "case" && r.id != null) document.dispatchEvent(new CustomEvent("gw:select-case", { detail: { id: r.id } }));
    if (r.kind === "point") this._mark(r.lon, r.lat, "search-point");
  }

  _mark(lon, lat, className) {
    this.selectionLayer.clearLayers();
    L.circleMarker([lat, lon], { pane: "selection", radius: 11, color: "#ffffff", weight: 2, fill: false, className, interactive: false })
      .addTo(this.selectionLayer);
  }

  // ---- cases -------------------------------------------------------------------------------

  /** A case the page holds changed (or was loaded): the cases layer patches its marker and recounts the view. */
  setCase(c, { fresh = false } = {}) {
    this.cases.setCase(c, { fresh });
  }

  removeCase(id) {
    this.cases.removeCase(id);
  }

  selectCase(id) {
    this.cases.select(id);
    const c = id == null ? null : this.cases.position(id);
    // In a cluster the case has no marker of its own: a ring shows where it is.
    if (c) this._mark(Number(c.lon), Number(c.lat), "selected-case");
    else this.selectionLayer.clearLayers();
    if (id == null) this.coverageLayer.clearLayers();
  }

  /** Fly to a point, centring it in the part of the map that the detail drawer leaves visible. */
  flyTo(lon, lat, { zoom = null } = {}) {
    if (!Number.isFinite(Number(lon)) || !Number.isFinite(Number(lat))) return;
    const target = zoom ?? Math.min(Math.max(this.map.getZoom(), (this.fitZoom ?? 13) + 2.5), 17);
    this.map.flyTo(this._shiftForInset(L.latLng(Number(lat), Number(lon)), target), target, { duration: 0.8 });
  }

  /** Pan just enough that a point is not hidden behind the detail drawer or off screen. */
  ensureVisible(lon, lat) {
    if (!Number.isFinite(Number(lon)) || !Number.isFinite(Number(lat))) return;
    const pt = this.map.latLngToContainerPoint([Number(lat), Number(lon)]);
    const size = this.map.getSize();
    const right = size.x - this.rightInset() - 24;
    if (pt.x < 24 || pt.x > right || pt.y < 24 || pt.y > size.y - 24) this.flyTo(lon, lat, { zoom: this.map.getZoom() });
  }

  /** Width in pixels that an overlay covers on the right of the map (0 when none). */
  rightInset() {
    return 0;
  }

  _shiftForInset(latlng, zoom) {
    const inset = this.rightInset();
    if (!inset || inset > this.map.getSize().x * 0.7) return latlng;
    return this.map.unproject(this.map.project(latlng, zoom).add([inset / 2, 0]), zoom);
  }

  // ---- teams -------------------------------------------------------------------------------

  setTeam(team, { animate = true } = {}) {
    const id = String(team.id);
    let marker = this.teamMarkers.get(id);
    if (!hasPosition(team)) return;
    const target = L.latLng(Number(team.lat), Number(team.lon));
    const signature = `${team.status}|${team.platform}|${Boolean(team.silent)}`;
    if (!marker) {
      marker = L.marker(target, { pane: "teams", keyboard: false });
      this.teamMarkers.set(id, marker);
      marker.addTo(this.teamsLayer);
    } else if (animate && this.map.hasLayer(marker) && !marker.getLatLng().equals(target)) {
      tween(marker, target, TEAM_TWEEN_MS);
    } else {
      marker.setLatLng(target);
    }
    if (marker._signature !== signature) {
      marker.setIcon(teamIcon(team));
      marker._signature = signature;
    }
    marker.unbindTooltip();
    marker.bindTooltip(() => teamTip(team), { direction: "top", offset: [0, -9], className: "team-tip" });
  }

  /** Draw (or redraw) the dashed line of an active assignment from its team to its case. */
  drawAssignment(a, team, c) {
    this.removeAssignment(a.id);
    if (!hasPosition(team) || !hasPosition(c)) return;
    const line = L.polyline(
      [
        [Number(team.lat), Number(team.lon)],
        [Number(c.lat), Number(c.lon)],
      ],
      { pane: "links", color: platformColor(team.platform || c.platform), weight: 2, dashArray: "6 6", className: "assign-line", interactive: false },
    ).addTo(this.linksLayer);
    this.assignmentLines.set(String(a.id), { line, teamId: String(a.team_id), to: [Number(c.lat), Number(c.lon)] });
  }

  removeAssignment(id) {
    const entry = this.assignmentLines.get(String(id));
    if (!entry) return;
    this.linksLayer.removeLayer(entry.line);
    this.assignmentLines.delete(String(id));
  }

  /** Keep every line of a team attached to it as it drives. */
  moveAssignmentsOf(team) {
    if (!hasPosition(team)) return;
    for (const entry of this.assignmentLines.values()) {
      if (entry.teamId === String(team.id)) entry.line.setLatLngs([[Number(team.lat), Number(team.lon)], entry.to]);
    }
  }

  // ---- alerts ------------------------------------------------------------------------------

  flashAlert(alert, ttlMs = 60_000) {
    if (!hasPosition(alert)) return;
    const marker = L.marker([Number(alert.lat), Number(alert.lon)], { pane: "alerts", interactive: true, keyboard: false, icon: alertIcon(alert) });
    marker.bindTooltip(() => alertTip(alert, gridPathText(alert.grid_path)), { direction: "top", offset: [0, -14] });
    marker.addTo(this.flashLayer);
    setTimeout(() => this.flashLayer.removeLayer(marker), ttlMs);
    if (this.layers.alerts.on) this.openAlerts.refresh().catch((err) => console.warn("open alerts failed to load", err));
  }

  // ---- cameras -----------------------------------------------------------------------------

  loadCameras(fc) {
    this.camerasLayer.clearLayers();
    this.sectorsLayer.addTo(this.camerasLayer);
    for (const f of fc.features || []) {
      const coords = f.geometry && f.geometry.coordinates;
      if (!coords) continue;
      const p = f.properties || {};
      const color = cameraColor(cameraHealth(p));
      L.circleMarker([coords[1], coords[0]], {
        renderer: this.camerasRenderer, pane: "cameras", radius: 2.6, weight: 1, color, opacity: 0.9, fillColor: color, fillOpacity: 0.7,
      })
        .bindTooltip(() => cameraTip(p), { direction: "top", className: "camera-tip" })
        .addTo(this.camerasLayer);
    }
    this.camerasLoaded = true;
  }

  /** Load the sectors of the cameras in view shortly after the map stops moving (a pan is many moveends). */
  _sectorsSoon(delay = 300) {
    clearTimeout(this.sectorsTimer);
    if (!this.layers.cameras.on || !this.sectorsLoader) return;
    this.sectorsTimer = setTimeout(() => this._loadSectors(), delay);
  }

  async _loadSectors() {
    const token = ++this.sectorsToken;
    const b = this.map.getBounds().pad(0.1);
    try {
      const fc = await this.sectorsLoader([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
      if (token !== this.sectorsToken || !this.layers.cameras.on) return;
      this.sectorsLayer.clearLayers();
      this.sectorsLayer.addData(fc);
    } catch (err) {
      console.warn("camera sectors failed to load", err);
    }
  }

  /** Highlight the cameras that cover the selected case, with their fields of view. */
  showCoverage(items) {
    this.coverageLayer.clearLayers();
    for (const item of items || []) {
      const cam = item.camera || {};
      const lon = Number(cam.lon ?? (cam.geometry && cam.geometry.coordinates && cam.geometry.coordinates[0]));
      const lat = Number(cam.lat ?? (cam.geometry && cam.geometry.coordinates && cam.geometry.coordinates[1]));
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
      const color = cameraColor(cameraHealth(cam));
      if (Number.isFinite(Number(cam.range_m))) {
        L.polygon(sector(lon, lat, Number(cam.bearing_deg) || 0, Number(cam.fov_deg) || 360, Number(cam.range_m)), {
          pane: "coverage", color, weight: 1, opacity: 0.8, fillColor: color, fillOpacity: 0.12, interactive: false,
        }).addTo(this.coverageLayer);
      }
      const distance = item.distance_m != null ? distanceText(item.distance_m) : "";
      L.circleMarker([lat, lon], { pane: "coverage", radius: 5, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 1 })
        .bindTooltip(() => cameraTip(cam, distance), { direction: "top" })
        .addTo(this.coverageLayer);
    }
  }

  // ---- controls ----------------------------------------------------------------------------

  setLayer(name, on) {
    const entry = this.layers[name];
    if (!entry) return;
    entry.on = on;
    const dataLayer = ["choropleth", "cases", "alerts", "heat"].includes(name);
    if (on && (!dataLayer || this.cases.started)) {
      entry.layer.addTo(this.map);
      if (name === "cameras" && !this.camerasLoaded && this.camerasLoader) this.camerasLoader();
      if (name === "cameras") this._sectorsSoon(0);
    } else if (!on) {
      this.map.removeLayer(entry.layer);
    }
    this.panel.render();
  }

  _addHomeControl() {
    const Home = L.Control.extend({
      options: { position: "topleft" },
      onAdd: () => {
        const div = L.DomUtil.create("div", "leaflet-bar");
        const a = L.DomUtil.create("a", "home-button", div);
        a.href = "#";
        a.id = "map-home";
        a.title = t("map.home");
        a.setAttribute("role", "button");
        a.textContent = "⌂";
        L.DomEvent.on(a, "click", (e) => {
          L.DomEvent.preventDefault(e);
          this.fitTown(true);
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
      },
    });
    new Home().addTo(this.map);
  }
}

// The town map: grids, teams, cases, cameras and transient alerts, drawn with Leaflet and no tiles.
/* global L */
import { PLATFORMS, TEAM_STATUSES, esc, fullTime, platformColor, platformInfo, statusLabel, distanceText, isFinished } from "./labels.js";
import { cameraColor, cameraHealth, cameraHtml, caseIcon, isRecent, sector, staffHtml, teamIcon, tween } from "./markers.js";
import { gridPathText, hasPosition } from "./store.js";

const TEAM_TWEEN_MS = 1200;

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
    this.fitZoom = null;
    this.townBounds = null;
    this.caseMarkers = new Map();
    this.teamMarkers = new Map();
    this.selectedId = null;
    this.handlers = { caseClick: () => {} };
    this.camerasLoader = null;
    this.camerasLoaded = false;
    this.sectorsLoader = null; // (bbox [w, s, e, n]) -> FeatureCollection of view sectors
    this.sectorsTimer = null;
    this.sectorsToken = 0;

    const panes = { grids3: 410, grids2: 415, gridLabels: 420, cameras: 430, coverage: 440, links: 450, teams: 620, cases: 630, alerts: 640 };
    for (const [name, z] of Object.entries(panes)) {
      const pane = this.map.createPane(name);
      pane.style.zIndex = String(z);
    }
    this.map.getPane("gridLabels").style.pointerEvents = "none";

    this.naturalLayer = L.geoJSON(null, {
      pane: "grids3",
      style: () => ({ color: "#5c7896", weight: 0.7, opacity: 0.55, fillColor: "#4ea8ff", fillOpacity: 0.015 }),
      onEachFeature: (feature, layer) => this._bindNaturalVillage(feature, layer),
    });
    this.villageLayer = L.geoJSON(null, {
      pane: "grids2",
      interactive: false,
      style: () => ({ color: "#8fb4dc", weight: 2, opacity: 0.8, fill: false }),
      onEachFeature: (feature, layer) => {
        const name = feature.properties && feature.properties.name;
        if (name) {
          layer.bindTooltip(esc(name), { permanent: true, direction: "center", className: "grid-label", pane: "gridLabels" });
        }
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
    this.linksLayer = L.layerGroup().addTo(this.map);
    this.assignmentLines = new Map(); // assignment id -> { line, teamId, to }
    this.teamsLayer = L.layerGroup();
    this.casesLayer = L.layerGroup();
    this.alertsLayer = L.layerGroup().addTo(this.map);

    this.layers = {
      villages: { layer: this.villageLayer, label: "Villages 行政村", on: true },
      natural: { layer: this.naturalLayer, label: "Natural villages 自然村", on: true },
      cases: { layer: this.casesLayer, label: "Cases 案件", on: true },
      teams: { layer: this.teamsLayer, label: "Teams 队伍", on: true },
      cameras: { layer: this.camerasLayer, label: "Cameras 监控", on: false },
    };
    for (const entry of Object.values(this.layers)) if (entry.on) entry.layer.addTo(this.map);

    L.control.zoom({ position: "topleft", zoomInTitle: "Zoom in 放大", zoomOutTitle: "Zoom out 缩小" }).addTo(this.map);
    this._addHomeControl();
    this._addLegend();
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

  // ---- grids -------------------------------------------------------------------------------

  loadGrids(villages, natural) {
    if (natural) this.naturalLayer.addData(natural);
    if (villages) this.villageLayer.addData(villages);
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
  }

  /** Fit the view to the town (or, lacking grids, to whatever is on the map). */
  fitTown(animate = true) {
    let bounds = this.townBounds;
    if (!bounds) {
      bounds = L.latLngBounds([]);
      for (const m of [...this.caseMarkers.values(), ...this.teamMarkers.values()]) bounds.extend(m.getLatLng());
      if (!bounds.isValid()) return;
    }
    this.map.fitBounds(bounds, { padding: [24, 24], animate });
    if (this.townBounds) this.fitZoom = this.map.getBoundsZoom(bounds, false, L.point(48, 48));
    this._updateLabelVisibility();
  }

  _bindNaturalVillage(feature, layer) {
    const p = feature.properties || {};
    layer.bindTooltip(
      () => `<strong>${esc(p.name)}</strong><br><span class="muted">${esc(p.code)}</span>${staffHtml(p.staff)}`,
      { sticky: true, direction: "top", className: "grid-tip", offset: [0, -6] },
    );
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

  // ---- cases -------------------------------------------------------------------------------

  /** Add, move, restyle or (when closed) remove the marker of a case. */
  setCase(c, { fresh = false } = {}) {
    const id = String(c.id);
    let marker = this.caseMarkers.get(id);
    if (isFinished(c.status) || !hasPosition(c)) {
      if (marker) {
        this.casesLayer.removeLayer(marker);
        this.caseMarkers.delete(id);
      }
      return;
    }
    const latlng = [Number(c.lat), Number(c.lon)];
    const isNew = fresh || c.status === "reported" || isRecent(c.created_at);
    const signature = `${c.status}|${c.platform}|${isNew}|${fresh}`;
    if (!marker) {
      marker = L.marker(latlng, { pane: "cases", keyboard: false, riseOnHover: true });
      marker.on("click", () => this.handlers.caseClick(id));
      marker.bindTooltip("", { direction: "top", offset: [0, -10], className: "case-tip" });
      this.caseMarkers.set(id, marker);
      marker.addTo(this.casesLayer);
    } else {
      marker.setLatLng(latlng);
    }
    if (marker._signature !== signature) {
      marker.setIcon(caseIcon(c, isNew, fresh, id === this.selectedId));
      marker._signature = signature;
    }
    marker.setTooltipContent(
      `<strong>#${esc(c.id)} ${esc(c.title)}</strong><br>${esc(statusLabel(c.status))} · ${esc(platformInfo(c.platform).zh)}` +
        `<br><span class="muted">${esc(gridPathText(c.grid_path))}</span>`,
    );
    marker.setZIndexOffset(isNew ? 500 : 0);
  }

  removeCase(id) {
    const marker = this.caseMarkers.get(String(id));
    if (marker) {
      this.casesLayer.removeLayer(marker);
      this.caseMarkers.delete(String(id));
    }
  }

  selectCase(id) {
    const prev = this.caseMarkers.get(String(this.selectedId));
    if (prev && prev.getElement()) prev.getElement().classList.remove("selected");
    this.selectedId = id == null ? null : String(id);
    const marker = this.caseMarkers.get(String(id));
    if (marker && marker.getElement()) marker.getElement().classList.add("selected");
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
    if (pt.x < 24 || pt.x > right || pt.y < 24 || pt.y > size.y - 24) {
      this.flyTo(lon, lat, { zoom: this.map.getZoom() });
    }
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

  setTeam(t, { animate = true } = {}) {
    const id = String(t.id);
    let marker = this.teamMarkers.get(id);
    if (!hasPosition(t)) return;
    const target = L.latLng(Number(t.lat), Number(t.lon));
    const signature = `${t.status}|${t.platform}|${Boolean(t.silent)}`;
    if (!marker) {
      marker = L.marker(target, { pane: "teams", keyboard: false });
      marker.bindTooltip("", { direction: "top", offset: [0, -9], className: "team-tip" });
      this.teamMarkers.set(id, marker);
      marker.addTo(this.teamsLayer);
    } else if (animate && this.map.hasLayer(marker) && !marker.getLatLng().equals(target)) {
      tween(marker, target, TEAM_TWEEN_MS);
    } else {
      marker.setLatLng(target);
    }
    if (marker._signature !== signature) {
      marker.setIcon(teamIcon(t));
      marker._signature = signature;
    }
    marker.setTooltipContent(
      `<strong>${esc(t.name)}</strong><br>${esc(platformInfo(t.platform).zh)} · ${esc(TEAM_STATUSES[t.status] || t.status)}` +
        `<br><span class="muted">${esc(fullTime(t.position_at))}</span>` +
        (t.silent ? `<br><span class="team-silent-note">Silent 失联 · ${esc(fullTime(t.silent_since))}</span>` : ""),
    );
  }

  /** Draw a dashed line from an assigned team to its case for a while. */
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
    const sev = alert.severity === "critical" ? "critical" : "warning";
    const marker = L.marker([Number(alert.lat), Number(alert.lon)], {
      pane: "alerts",
      interactive: true,
      keyboard: false,
      icon: L.divIcon({
        className: "alert-icon",
        html: `<div class="alert-pin ${sev}" data-alert-id="${esc(alert.id)}"><span></span><span></span></div>`,
        iconSize: [40, 40],
        iconAnchor: [20, 20],
      }),
    });
    marker.bindTooltip(
      `<strong>Alert 告警 · ${esc(alert.sensor_kind)}</strong><br>${esc(alert.metric)} ${esc(alert.value)} &gt; ${esc(alert.limit)}` +
        `<br><span class="muted">${esc(alert.device_id)} · ${esc(gridPathText(alert.grid_path))}</span>`,
      { direction: "top", offset: [0, -14] },
    );
    marker.addTo(this.alertsLayer);
    setTimeout(() => this.alertsLayer.removeLayer(marker), ttlMs);
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
        renderer: this.camerasRenderer,
        pane: "cameras",
        radius: 2.6,
        weight: 1,
        color,
        opacity: 0.9,
        fillColor: color,
        fillOpacity: 0.7,
      })
        .bindTooltip(cameraHtml(p), { direction: "top", className: "camera-tip" })
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
          pane: "coverage",
          color,
          weight: 1,
          opacity: 0.8,
          fillColor: color,
          fillOpacity: 0.12,
          interactive: false,
        }).addTo(this.coverageLayer);
      }
      L.circleMarker([lat, lon], { pane: "coverage", radius: 5, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 1 })
        .bindTooltip(cameraHtml(cam) + (item.distance_m != null ? `<br>${esc(distanceText(item.distance_m))}` : ""), {
          direction: "top",
        })
        .addTo(this.coverageLayer);
    }
  }

  // ---- controls ----------------------------------------------------------------------------

  setLayer(name, on) {
    const entry = this.layers[name];
    if (!entry) return;
    entry.on = on;
    if (on) {
      entry.layer.addTo(this.map);
      if (name === "cameras" && !this.camerasLoaded && this.camerasLoader) this.camerasLoader();
      if (name === "cameras") this._sectorsSoon(0);
    } else {
      this.map.removeLayer(entry.layer);
    }
  }

  _addHomeControl() {
    const Home = L.Control.extend({
      options: { position: "topleft" },
      onAdd: () => {
        const div = L.DomUtil.create("div", "leaflet-bar");
        const a = L.DomUtil.create("a", "home-button", div);
        a.href = "#";
        a.id = "map-home";
        a.title = "Whole town 全镇";
        a.setAttribute("role", "button");
        a.innerHTML = "⌂";
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

  _addLegend() {
    const Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: () => {
        const div = L.DomUtil.create("div", "map-legend");
        div.id = "map-legend";
        const platforms = Object.entries(PLATFORMS)
          .map(([code, p]) => `<li><i class="sw" style="--c:${p.color}"></i>${esc(p.en)} ${esc(p.zh)}</li>`)
          .join("");
        const toggles = Object.entries(this.layers)
          .map(
            ([name, e]) =>
              `<label><input type="checkbox" id="layer-${name}" data-layer="${name}" ${e.on ? "checked" : ""}> ${esc(e.label)}</label>`,
          )
          .join("");
        // On a short (laptop) screen the legend starts folded so it does not hide the town.
        const open = window.innerHeight >= 820 ? "open" : "";
        div.innerHTML = `<details ${open}><summary>Legend · Layers <b>图例 · 图层</b></summary>
          <ul class="legend-platforms">${platforms}<li><i class="sw" style="--c:${platformColor(null)}"></i>Unrouted 待分流</li></ul>
          <ul class="legend-shapes">
            <li><i class="shape case"></i>Case 案件</li>
            <li><i class="shape team"></i>Team 队伍</li>
            <li><i class="shape team busy"></i>Busy 忙碌</li>
            <li><i class="shape team silent"></i>Silent 失联</li>
            <li><i class="shape alert"></i>Alert 告警</li>
          </ul>
          </details>
          <div class="legend-layers">${toggles}</div>`;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        div.addEventListener("change", (e) => {
          const input = e.target.closest("input[data-layer]");
          if (input) this.setLayer(input.dataset.layer, input.checked);
        });
        return div;
      },
    });
    new Legend().addTo(this.map);
  }
}

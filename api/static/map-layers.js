// The map's optional layers: grid choropleth by level, the cases heatmap, open alerts, and the layer switch.
/* global L */
import { loadScript } from "./load-script.js";
import { html, render, nothing } from "./vendor/lit-html/lit-html.js";
import { getJSON } from "./api.js";
import { addStrings, formatNumber, lang, onLangChange, t } from "./i18n.js";
import { alertIcon, alertTip, gridTip } from "./markers.js";
import { choroplethColor, classBreaks, debounce, CHOROPLETH_COLORS } from "./map-logic.js";
import { PLATFORMS, platformColor } from "./labels.js";
import { categoryLabel, gridPathText, store } from "./store.js";

addStrings({
  zh: {
    "layers.title": "图层", "layers.choropleth": "网格案件分布", "layers.villages": "行政村", "layers.natural": "自然村",
    "layers.cases": "案件", "layers.alerts": "未处置告警", "layers.cameras": "监控", "layers.teams": "队伍",
    "layers.heat": "热力图", "layers.level": "层级", "layers.level.1": "镇", "layers.level.2": "行政村", "layers.level.3": "自然村",
    "layers.period.1": "今天", "layers.period.7": "近 7 天", "layers.period.30": "近 30 天", "layers.category.all": "全部类别",
    "layers.legend": "图例", "layers.shape.case": "案件", "layers.shape.cluster": "案件聚合（数字为件数）",
    "layers.shape.team": "队伍", "layers.shape.alert": "告警", "layers.open": "未结案件",
  },
  en: {
    "layers.title": "Layers", "layers.choropleth": "Open cases by grid", "layers.villages": "Villages", "layers.natural": "Natural villages",
    "layers.cases": "Cases", "layers.alerts": "Open alerts", "layers.cameras": "Cameras", "layers.teams": "Teams",
    "layers.heat": "Heatmap", "layers.level": "Level", "layers.level.1": "Town", "layers.level.2": "Village", "layers.level.3": "Natural village",
    "layers.period.1": "Today", "layers.period.7": "Last 7 days", "layers.period.30": "Last 30 days", "layers.category.all": "All categories",
    "layers.legend": "Legend", "layers.shape.case": "Case", "layers.shape.cluster": "Cluster (number of cases)",
    "layers.shape.team": "Team", "layers.shape.alert": "Alert", "layers.open": "Open cases",
  },
});

const HEAT_SCRIPT = "/static/vendor/leaflet.heat/dist/leaflet-heat.js";

/** Grids of one level filled by their open cases (within the caller's reach), with name and count on hover. */
export class GridChoropleth {
  constructor(map) {
    this.map = map;
    this.level = 3;
    this.byLevel = new Map(); // level -> FeatureCollection (with properties.open_cases)
    this.breaks = [];
    this.layer = L.geoJSON(null, {
      pane: "choropleth",
      style: (f) => this._style(f),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(() => gridTip(f.properties || {}, f.properties?.open_cases ?? 0),
          { sticky: true, direction: "top", className: "grid-tip", offset: [0, -6] });
        layer.on("mouseover", () => layer.setStyle({ weight: 2, color: "#ffffff" }));
        layer.on("mouseout", () => this.layer.resetStyle(layer));
      },
    });
    this.layer.on("add", () => this.refresh());
  }

  /** Take grids already fetched (the page loads levels 2 and 3 anyway) so the first draw costs no request. */
  offer(level, fc) {
    if (fc) this.byLevel.set(level, fc);
    if (level === this.level && this.map.hasLayer(this.layer)) this._draw();
  }

  setLevel(level) {
    this.level = Number(level);
    this.refresh();
  }

  async refresh({ reload = false } = {}) {
    if (reload || !this.byLevel.has(this.level)) {
      this.byLevel.set(this.level, await getJSON(`/api/grids?format=geojson&level=${this.level}&limit=1000`));
    }
    this._draw();
  }

  _draw() {
    const fc = this.byLevel.get(this.level);
    this.layer.clearLayers();
    if (!fc) return;
    this.breaks = classBreaks((fc.features || []).map((f) => f.properties?.open_cases ?? 0));
    this.layer.addData(fc);
    this.onDrawn?.(this.breaks);
  }

  _style(f) {
    const fill = choroplethColor(f.properties?.open_cases ?? 0, this.breaks);
    return { color: "#6f8db0", weight: 0.6, opacity: 0.5, fillColor: fill, fillOpacity: fill === "transparent" ? 0 : 0.32,
      className: "grid-choropleth" };
  }
}

/** The density of cases of a period and category, from the store's bins (/api/stats/heatmap). */
export class CaseHeat {
  constructor(map) {
    this.map = map;
    this.days = 7;
    this.category = "";
    this.layer = L.layerGroup();
    this.heat = null;
    this.token = 0;
    this.reload = debounce(() => this.refresh(), 300);
    this.layer.on("add", () => this.refresh());
    map.on("moveend", () => this.map.hasLayer(this.layer) && this.reload());
  }

  set({ days, category }) {
    if (days != null) this.days = Number(days);
    if (category != null) this.category = category;
    if (this.map.hasLayer(this.layer)) this.refresh();
  }

  async refresh() {
    const token = ++this.token;
    if (!L.heatLayer) await loadScript(HEAT_SCRIPT);
    const b = this.map.getBounds().pad(0.1);
    // About 12 screen pixels per bin, within what the route accepts.
    const metresPerPx = (40_075_016 * Math.cos((b.getCenter().lat * Math.PI) / 180)) / (256 * 2 ** this.map.getZoom());
    const cell = Math.min(5000, Math.max(25, Math.round(metresPerPx * 12)));
    const params = new URLSearchParams({ of: "cases", cell_m: String(cell), since: new Date(Date.now() - this.days * 86_400_000).toISOString(),
      bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",") });
    if (this.category) params.set("category", this.category);
    const answer = await getJSON(`/api/stats/heatmap?${params}`);
    if (token !== this.token) return;
    const max = Math.max(1, ...answer.bins.map((x) => x.count));
    const points = answer.bins.map((x) => [x.lat, x.lon, x.count / max]);
    if (this.heat) this.layer.removeLayer(this.heat);
    this.heat = L.heatLayer(points, { pane: "heat", radius: 22, blur: 18, minOpacity: 0.25, max: 1 }).addTo(this.layer);
  }
}

/** The alerts not yet cleared, loaded when the layer is shown; live ones are flashed on top by the map. */
export class OpenAlerts {
  constructor(map) {
    this.map = map;
    this.layer = L.layerGroup();
    this.layer.on("add", () => this.refresh().catch((err) => console.warn("open alerts failed to load", err)));
  }

  async refresh() {
    const fc = await getJSON("/api/alerts?format=geojson&status=open&limit=1000");
    this.layer.clearLayers();
    for (const f of fc.features || []) {
      const c = f.geometry && f.geometry.coordinates;
      if (!c) continue;
      const a = { ...f.properties, id: f.properties?.id ?? f.id };
      L.marker([c[1], c[0]], { pane: "alerts", keyboard: false, icon: alertIcon(a) })
        .bindTooltip(() => alertTip(a, gridPathText(a.grid_path)), { direction: "top", offset: [0, -14] })
        .addTo(this.layer);
    }
  }
}

/** The layer switch and legend: checkboxes (id layer-<name>), the choropleth's level, the heatmap's period and category. */
export class LayerPanel {
  constructor(map, { layers, setLayer, choropleth, heat }) {
    this.layers = layers;
    this.setLayer = setLayer;
    this.choropleth = choropleth;
    this.heat = heat;
    this.breaks = [];
    const Panel = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: () => {
        this.el = L.DomUtil.create("div", "map-legend");
        this.el.id = "map-legend";
        this.open = window.innerHeight >= 820; // a laptop screen starts folded so the town stays visible
        L.DomEvent.disableClickPropagation(this.el);
        L.DomEvent.disableScrollPropagation(this.el);
        this.render();
        return this.el;
      },
    });
    new Panel().addTo(map);
    choropleth.onDrawn = (breaks) => {
      this.breaks = breaks;
      this.render();
    };
    onLangChange(() => this.render());
  }

  render() {
    if (!this.el) return;
    const toggle = (name) => html`<label><input type="checkbox" id=${`layer-${name}`} data-layer=${name}
      .checked=${this.layers[name].on} @change=${(e) => this.setLayer(name, e.target.checked)}> ${t(`layers.${name}`)}</label>`;
    const categories = [...store.categories.entries()];
    const legendBreaks = this.breaks.map((b, i) => html`<li><i class="sw" style="--c:${CHOROPLETH_COLORS[CHOROPLETH_COLORS.length - this.breaks.length + i]}"></i>≤ ${formatNumber(b)}</li>`);
    render(html`<details ?open=${this.open} @toggle=${(e) => { this.open = e.target.open; }}>
        <summary>${t("layers.legend")} · ${t("layers.title")}</summary>
        <ul class="legend-platforms">${Object.entries(PLATFORMS).map(([, p]) => html`<li><i class="sw" style="--c:${p.color}"></i>${p[lang()]}</li>`)}
          <li><i class="sw" style="--c:${platformColor(null)}"></i>${t("map.unrouted")}</li></ul>
        <ul class="legend-shapes">
          <li><i class="shape case"></i>${t("layers.shape.case")}</li>
          <li><i class="shape cluster"></i>${t("layers.shape.cluster")}</li>
          <li><i class="shape team"></i>${t("layers.shape.team")}</li>
          <li><i class="shape alert"></i>${t("layers.shape.alert")}</li>
        </ul>
        ${this.layers.choropleth.on && legendBreaks.length ? html`<ul class="legend-breaks" aria-label=${t("layers.open")}>${legendBreaks}</ul>` : nothing}
      </details>
      <div class="legend-layers">
        ${toggle("choropleth")}
        <select id="choropleth-level" aria-label=${t("layers.level")} @change=${(e) => this.choropleth.setLevel(e.target.value)}>
          ${[1, 2, 3].map((l) => html`<option value=${l} ?selected=${this.choropleth.level === l}>${t(`layers.level.${l}`)}</option>`)}
        </select>
        ${toggle("villages")} ${toggle("natural")} ${toggle("cases")} ${toggle("alerts")} ${toggle("teams")} ${toggle("cameras")}
        ${toggle("heat")}
        <span class="heat-pickers">
          <select id="heat-period" @change=${(e) => this.heat.set({ days: e.target.value })}>
            ${[1, 7, 30].map((d) => html`<option value=${d} ?selected=${this.heat.days === d}>${t(`layers.period.${d}`)}</option>`)}
          </select>
          <select id="heat-category" @change=${(e) => this.heat.set({ category: e.target.value })}>
            <option value="">${t("layers.category.all")}</option>
            ${categories.map(([code]) => html`<option value=${code} ?selected=${this.heat.category === code}>${categoryLabel(code)}</option>`)}
          </select>
        </span>
      </div>`, this.el);
  }
}

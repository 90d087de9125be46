// The dashboard view: today, this week or this month (Beijing time) — the assessment's figures as tiles, charts by
// platform, grid, day and category (Chart.js, the vendored UMD build's global Chart), hot spots, camera and sensor health.
import { loadScript } from "./load-script.js";
import { html, render, nothing } from "./vendor/lit-html/lit-html.js";
import { getJSON } from "./api.js";
import { addStrings, formatNumber, lang, onLangChange, t } from "./i18n.js";
import { PLATFORMS, healthName } from "./labels.js";
import { PERIODS, periodLabel, rateText, satisfactionText } from "./queues-logic.js";

const CHART_SCRIPT = "/static/vendor/chart.js/dist/chart.umd.min.js";

addStrings({
  zh: {
    "dash.received": "受理", "dash.closed": "办结", "dash.closure_rate": "办结率", "dash.on_time_rate": "按时率",
    "dash.satisfaction": "满意度", "dash.open": "在办（当前）", "dash.by_platform": "各平台", "dash.by_grid": "各网格",
    "dash.trend": "每日趋势", "dash.top_categories": "高发类别", "dash.hot_spots": "热点", "dash.health": "设备状态",
    "dash.cameras": "监控", "dash.sensors": "传感器", "dash.online": "在线", "dash.silent": "失联", "dash.total": "合计",
    "dash.none": "暂无数据", "dash.loading": "加载中…", "dash.failed": "态势加载失败：{e}", "dash.period": "时段",
    "dash.cases": "{n} 件", "dash.outside": "辖区外",
  },
  en: {
    "dash.received": "Received", "dash.closed": "Closed", "dash.closure_rate": "Closure rate", "dash.on_time_rate": "On time",
    "dash.satisfaction": "Satisfaction", "dash.open": "Open now", "dash.by_platform": "By platform", "dash.by_grid": "By grid",
    "dash.trend": "By day", "dash.top_categories": "Top categories", "dash.hot_spots": "Hot spots", "dash.health": "Devices",
    "dash.cameras": "Cameras", "dash.sensors": "Sensors", "dash.online": "Online", "dash.silent": "Silent", "dash.total": "Total",
    "dash.none": "No data", "dash.loading": "Loading…", "dash.failed": "Dashboard failed to load: {e}", "dash.period": "Period",
    "dash.cases": "{n} cases", "dash.outside": "outside the grids",
  },
});

const CHARTS = ["platform", "grid", "trend", "categories"];

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function platformName(code) {
  const p = PLATFORMS[code];
  return p ? p[lang()] ?? p.zh : code || "—";
}

class DashboardView {
  constructor(root) {
    this.root = root;
    this.period = PERIODS[0];
    this.body = null;
    this.error = null;
    this.charts = new Map();
    this.seq = 0;
    new MutationObserver(() => { if (!root.hidden) this.refresh(); }).observe(root, { attributes: true, attributeFilter: ["hidden"] });
    document.addEventListener("gw:case-changed", () => this.refreshSoon());
    onLangChange(() => this.render());
    this.render();
    if (!root.hidden) this.refresh();
  }

  refreshSoon() {
    if (this.root.hidden) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 2000); // figures, not a ticker: a burst of steps is one reload
  }

  async refresh() {
    const seq = ++this.seq;
    this.root.dataset.loaded = "false";
    try {
      const body = await getJSON(`/api/dashboard?period=${encodeURIComponent(this.period)}`);
      if (seq !== this.seq) return;
      this.body = body;
      this.error = null;
    } catch (err) {
      if (seq !== this.seq) return;
      this.error = String(err.message || err);
    }
    this.render();
    // The browser test waits on this: the figures on screen are those of the answer for the period shown.
    this.root.dataset.loaded = "true";
    this.root.dataset.period = this.period;
  }

  choose(period) {
    if (period === this.period) return;
    this.period = period;
    this.render();
    this.refresh();
  }

  tile(key, testid, value, text) {
    return html`<div class="dash-tile"><span class="dash-tile-label">${t(key)}</span>
      <b class="dash-tile-value" data-testid=${testid} data-value=${value ?? ""}>${text}</b></div>`;
  }

  render() {
    const b = this.body;
    const totals = b?.totals;
    render(html`<div class="dash">
      <header class="dash-head">
        <div class="dash-periods" role="radiogroup" aria-label=${t("dash.period")}>
          ${PERIODS.map((p) => html`<button type="button" role="radio" data-period=${p} aria-checked=${p === this.period}
              @click=${() => this.choose(p)}>${t(`dash.period.${p}`)}</button>`)}
        </div>
        <span class="dash-span muted" data-testid="dash-span">${b ? periodLabel(b.period, b.since, b.until) : t("dash.loading")}</span>
      </header>
      ${this.error ? html`<p class="dash-error" role="alert">${t("dash.failed", { e: this.error })}</p>` : nothing}
      <section class="dash-tiles">
        ${this.tile("dash.received", "dash-received", totals?.received, formatNumber(totals?.received))}
        ${this.tile("dash.closed", "dash-closed", totals?.closed, formatNumber(totals?.closed))}
        ${this.tile("dash.closure_rate", "dash-closure-rate", totals?.closure_rate, rateText(totals?.closure_rate))}
        ${this.tile("dash.on_time_rate", "dash-on-time-rate", totals?.on_time_rate, rateText(totals?.on_time_rate))}
        ${this.tile("dash.satisfaction", "dash-satisfaction", totals?.satisfaction_avg, satisfactionText(totals?.satisfaction_avg))}
        ${this.tile("dash.open", "dash-open", totals?.open, formatNumber(totals?.open))}
      </section>
      <section class="dash-charts">
        ${CHARTS.map((name) => html`<figure class="dash-chart"><figcaption>${t({ platform: "dash.by_platform", grid: "dash.by_grid",
          trend: "dash.trend", categories: "dash.top_categories" }[name])}</figcaption>
          <div class="dash-canvas"><canvas data-chart=${name} data-testid=${`dash-chart-${name}`}></canvas></div></figure>`)}
      </section>
      <section class="dash-lists">
        <div class="dash-panel"><h3>${t("dash.hot_spots")}</h3>
          ${b?.hot_spots?.length ? html`<ol class="dash-hot" data-testid="dash-hot-spots">${b.hot_spots.map((s) => html`<li>
            <span>${s.grid_name ?? t("dash.outside")}</span><span class="mono muted">${s.lon.toFixed(4)}, ${s.lat.toFixed(4)}</span>
            <b>${t("dash.cases", { n: formatNumber(s.count) })}</b></li>`)}</ol>` : html`<p class="muted">${t("dash.none")}</p>`}
        </div>
        <div class="dash-panel" data-testid="dash-health"><h3>${t("dash.health")}</h3>
          <h4>${t("dash.cameras")}</h4>
          <ul class="dash-chips">${Object.entries(b?.health?.cameras ?? {}).map(([state, n]) => html`<li class="chip h-${state}"
            data-testid=${`dash-camera-${state}`} data-value=${n}>${healthName(state)} <b>${formatNumber(n)}</b></li>`)}</ul>
          <h4>${t("dash.sensors")}</h4>
          <ul class="dash-chips">${["online", "silent", "total"].map((k) => html`<li class="chip s-${k}" data-testid=${`dash-sensors-${k}`}
            data-value=${b?.health?.sensors?.[k] ?? ""}>${t(`dash.${k}`)} <b>${formatNumber(b?.health?.sensors?.[k])}</b></li>`)}</ul>
        </div>
      </section>
    </div>`, this.root);
    this.drawCharts();
  }

  drawCharts() {
    const Chart = globalThis.Chart;
    if (!this.body || this.root.hidden) return;
    if (!Chart) {
      // Chart.js (72 KB gzipped) loads the first time the dashboard is shown, not with the map.
      loadScript(CHART_SCRIPT).then(() => this.drawCharts(), (err) => console.error(err));
      return;
    }
    const b = this.body;
    const received = t("dash.received");
    const closed = t("dash.closed");
    const accent = cssVar("--accent", "#38c6ff");
    const ok = cssVar("--ok", "#3ddc97");
    const data = {
      platform: { type: "bar", labels: b.by_platform.map((r) => platformName(r.group)),
        sets: [[received, b.by_platform.map((r) => r.received), accent], [closed, b.by_platform.map((r) => r.closed), ok]] },
      grid: { type: "bar", horizontal: true, labels: b.by_grid.map((r) => r.name || r.group),
        sets: [[received, b.by_grid.map((r) => r.received), accent], [closed, b.by_grid.map((r) => r.closed), ok]] },
      trend: { type: "line", labels: b.trend.map((d) => d.day.slice(5)),
        sets: [[received, b.trend.map((d) => d.received), accent], [closed, b.trend.map((d) => d.closed), ok]] },
      categories: { type: "bar", horizontal: true,
        labels: b.top_categories.map((c) => (lang() === "zh" ? c.name_zh : c.name_en)),
        sets: [[received, b.top_categories.map((c) => c.count), cssVar("--warn", "#ffb547")]] },
    };
    const text = cssVar("--text", "#d9e4f1");
    const grid = cssVar("--line", "#1f3048");
    for (const name of CHARTS) {
      const canvas = this.root.querySelector(`canvas[data-chart="${name}"]`);
      const spec = data[name];
      // A chart is rebuilt when its canvas was replaced, otherwise updated in place (no flicker on a refresh).
      let chart = this.charts.get(name);
      if (chart && chart.canvas !== canvas) {
        chart.destroy();
        chart = null;
      }
      const datasets = spec.sets.map(([label, values, color]) => ({ label, data: values, backgroundColor: color,
        borderColor: color, tension: 0.25, pointRadius: 2 }));
      if (chart) {
        chart.data.labels = spec.labels;
        chart.data.datasets = datasets;
        chart.update();
        continue;
      }
      this.charts.set(name, new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets },
        options: {
          indexAxis: spec.horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { labels: { color: text } } },
          scales: { x: { ticks: { color: text }, grid: { color: grid }, beginAtZero: true },
            y: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true } },
        },
      }));
    }
  }
}

/** Mount the dashboard in its section; it loads whenever the section is shown. */
export function mountDashboard(root) {
  return root ? new DashboardView(root) : null;
}

// The map's search box: case number, grid name or code, address text, or "lon,lat [crs]", answered by /api/search.
/* global L */
import { html, render, nothing } from "./vendor/lit-html/lit-html.js";
import { getJSON } from "./api.js";
import { addStrings, onLangChange, t } from "./i18n.js";
import { debounce } from "./map-logic.js";

addStrings({
  zh: { "search.placeholder": "搜索：案件号、网格、地址或经纬度", "search.none": "没有结果", "search.kind.case": "案件",
    "search.kind.grid": "网格", "search.kind.point": "坐标", "search.failed": "搜索失败：{message}" },
  en: { "search.placeholder": "Search: case no., grid, address or lon,lat", "search.none": "No results", "search.kind.case": "Case",
    "search.kind.grid": "Grid", "search.kind.point": "Point", "search.failed": "Search failed: {message}" },
});

/** Build the search request of a query (trimmed; null when there is nothing to ask). */
export function searchUrl(query, limit = 8) {
  const q = String(query ?? "").trim();
  return q ? `/api/search?${new URLSearchParams({ q, limit: String(limit) })}` : null;
}

export class MapSearch {
  /** onPick(result): the map flies there; a case also opens through the page's gw:select-case event. */
  constructor(map, { onPick }) {
    this.onPick = onPick;
    this.results = null;
    this.error = "";
    this.active = -1;
    this.token = 0;
    const Box = L.Control.extend({
      options: { position: "topright" },
      onAdd: () => {
        this.el = L.DomUtil.create("div", "map-search");
        L.DomEvent.disableClickPropagation(this.el);
        L.DomEvent.disableScrollPropagation(this.el);
        this.render();
        return this.el;
      },
    });
    new Box().addTo(map);
    this.ask = debounce((q) => this.run(q), 250);
    onLangChange(() => this.render());
  }

  async run(query) {
    const url = searchUrl(query);
    const token = ++this.token;
    if (!url) {
      this.results = null;
      this.render();
      return;
    }
    try {
      const answer = await getJSON(url);
      if (token !== this.token) return; // a later keystroke asked again
      this.results = answer.results;
      this.error = "";
      this.active = answer.results.length ? 0 : -1;
    } catch (err) {
      if (token !== this.token) return;
      this.results = [];
      this.error = t("search.failed", { message: err.message });
    }
    this.render();
  }

  pick(result) {
    this.results = null;
    this.render();
    this.onPick(result);
  }

  _key(e) {
    const n = this.results ? this.results.length : 0;
    if (e.key === "ArrowDown" && n) this.active = (this.active + 1) % n;
    else if (e.key === "ArrowUp" && n) this.active = (this.active - 1 + n) % n;
    else if (e.key === "Enter") {
      e.preventDefault();
      if (n && this.active >= 0) this.pick(this.results[this.active]);
      else this.run(e.target.value);
      return;
    } else if (e.key === "Escape") {
      this.results = null;
    } else return;
    e.preventDefault();
    this.render();
  }

  render() {
    if (!this.el) return;
    const list = this.results;
    render(html`<input id="map-search" type="search" autocomplete="off" placeholder=${t("search.placeholder")}
        aria-label=${t("search.placeholder")} @input=${(e) => this.ask(e.target.value)} @keydown=${(e) => this._key(e)}>
      ${list == null ? nothing : html`<ul class="search-results" role="listbox">
        ${list.length === 0 ? html`<li class="muted">${this.error || t("search.none")}</li>` : nothing}
        ${list.map((r, i) => html`<li role="option" data-kind=${r.kind} data-code=${r.code ?? ""} data-case-id=${r.id ?? ""}
            aria-selected=${i === this.active ? "true" : "false"} @click=${() => this.pick(r)}>
            <span class="kind">${t(`search.kind.${r.kind}`)}</span> ${r.label}</li>`)}
      </ul>`}`, this.el);
  }
}

// The live case list in the side panel: newest first, filters, drawn with lit-html (keyed, escaped by default).
import { html, nothing, render } from "./vendor/lit-html/lit-html.js";
import { repeat } from "./vendor/lit-html/directives/repeat.js";
import { CASES_LIMIT } from "./api.js";
import { addStrings, onLangChange, t } from "./i18n.js";
import { PLATFORMS, platformInfo, platformName, shortTime, statusName, ageText, isFinished } from "./labels.js";
import { store, caseTeamIds, categoryLabel, gridPathText, teamName } from "./store.js";
import { showView } from "./views.js";

const FRESH_MS = 4000;

addStrings({
  zh: { "list.all_platforms": "全部平台", "list.unrouted": "待分流", "list.open_of": "{n}（在办 {open}）", "list.urgent": "紧急",
        "list.newest_only": "此处只列最新的 {n} 件；全部案件在地图上（聚合可点开）和队列中", "list.to_queues": "打开队列" },
  en: { "list.all_platforms": "All platforms", "list.unrouted": "Unrouted", "list.open_of": "{n} ({open} open)", "list.urgent": "Urgent",
        "list.newest_only": "Only the newest {n} are listed here; every case is on the map (clusters open up) and in the queues",
        "list.to_queues": "Open the queues" },
});

export class CaseList {
  constructor({ list, count, scope, platform, onSelect }) {
    this.listEl = list;
    this.countEl = count;
    this.scopeEl = scope;
    this.platformEl = platform;
    this.onSelect = onSelect;
    this.pending = false;
    this.fresh = new Set();
    this.urgent = new Set(); // urgent arrivals stay marked until someone opens them

    this._renderPlatforms();
    onLangChange(() => {
      this._renderPlatforms();
      this.render();
    });
    this.scopeEl.addEventListener("change", () => this.render());
    this.platformEl.addEventListener("change", () => this.render());

    this.listEl.addEventListener("click", (e) => {
      const li = e.target.closest("[data-case-id]");
      if (li) this.onSelect(li.dataset.caseId);
    });
    this.listEl.addEventListener("keydown", (e) => {
      const li = e.target.closest("[data-case-id]");
      if (!li) return;
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        this.onSelect(li.dataset.caseId);
      } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const next = e.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
        if (next) next.focus();
      }
    });
    // Ages ("12 min") drift; refresh them once a minute.
    setInterval(() => this.render(), 60_000);
  }

  _renderPlatforms() {
    const chosen = this.platformEl.value;
    render(
      html`<option value="">${t("list.all_platforms")}</option>
        ${Object.keys(PLATFORMS).map((code) => html`<option value=${code}>${platformName(code)}</option>`)}
        <option value="none">${t("list.unrouted")}</option>`,
      this.platformEl,
    );
    this.platformEl.value = chosen;
  }

  /** Mark a case as just arrived so its row flashes once; an urgent one stays marked until it is opened. */
  flash(id, { urgent = false } = {}) {
    const key = String(id);
    this.fresh.add(key);
    if (urgent) this.urgent.add(key);
    setTimeout(() => {
      this.fresh.delete(key);
      this.render();
    }, FRESH_MS);
  }

  /** The case was opened: its urgent mark has been seen. */
  seen(id) {
    if (this.urgent.delete(String(id))) this.render();
  }

  /** Re-render on the next frame, however many updates arrive before it. */
  render() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this._render();
    });
  }

  _visible(c) {
    const scope = this.scopeEl.value;
    const key = String(c.id);
    if (scope === "active" && isFinished(c.status) && !store.closedHere.has(key)) return false;
    if (scope === "open" && isFinished(c.status)) return false;
    if (scope === "closed" && !isFinished(c.status)) return false;
    const plat = this.platformEl.value;
    if (plat === "none" && c.platform) return false;
    if (plat && plat !== "none" && c.platform !== plat) return false;
    return true;
  }

  _render() {
    const cases = [...store.cases.values()].filter((c) => this._visible(c)).sort(newestFirst);
    // The list holds the newest cases only (api.js CASES_LIMIT): say so, and where the rest are.
    const more = store.casesTruncated
      ? html`<li class="list-more" data-testid="list-newest-only">${t("list.newest_only", { n: CASES_LIMIT })}
          <button type="button" class="ghost-button" @click=${() => showView("queues")}>${t("list.to_queues")}</button></li>`
      : nothing;
    render(html`${repeat(cases, (c) => String(c.id), (c) => this._item(c))}${more}`, this.listEl);
    const open = cases.filter((c) => !isFinished(c.status)).length;
    this.countEl.textContent = open !== cases.length ? t("list.open_of", { n: cases.length, open }) : String(cases.length);
    this.listEl.classList.toggle("empty", cases.length === 0);
  }

  _item(c) {
    const id = String(c.id);
    const plat = platformInfo(c.platform);
    const team = caseTeamIds(c.id).map(teamName).join(", ");
    const selected = id === store.selectedId;
    const classes = ["case-item", selected && "selected", isFinished(c.status) && "closed", this.fresh.has(id) && "fresh",
                     this.urgent.has(id) && "urgent"].filter(Boolean).join(" ");
    return html`<li class=${classes} tabindex="0" data-case-id=${id} data-status=${c.status || ""}
      data-platform=${c.platform || ""} data-priority=${c.priority || ""} style="--c: ${plat.color}"
      aria-selected=${selected ? "true" : "false"}>
      <div class="ci-top">
        <span class="badge status-${c.status}" title=${statusName(c.status)}>${statusName(c.status)}</span>
        ${this.urgent.has(id) ? html`<span class="ci-urgent" data-testid="urgent-mark">${t("list.urgent")}</span>` : ""}
        <span class="ci-id">#${id}</span>
        <span class="ci-title" title=${c.title ?? ""}>${c.title}</span>
        <time datetime=${c.created_at ?? ""} title=${ageText(c.created_at)}>${shortTime(c.created_at)}</time>
      </div>
      <div class="ci-meta">
        <span class="ci-plat"><i></i>${platformName(c.platform)}</span>
        <span class="ci-grid" title=${(c.grid_path || []).join(" / ")}>${gridPathText(c.grid_path)}</span>
        ${c.category ? html`<span class="ci-cat" title=${c.category}>${categoryLabel(c.category)}</span>` : ""}
        ${team ? html`<span class="ci-team"><b>◆</b>${team}</span>` : ""}
      </div>
    </li>`;
  }

  scrollTo(id) {
    const li = this.listEl.querySelector(`[data-case-id="${CSS.escape(String(id))}"]`);
    if (li) li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

function newestFirst(a, b) {
  const ta = Date.parse(a.created_at) || 0;
  const tb = Date.parse(b.created_at) || 0;
  if (tb !== ta) return tb - ta;
  return (Number(b.id) || 0) - (Number(a.id) || 0);
}

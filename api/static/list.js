// The live case list in the side panel: newest first, keyed DOM updates, filters.
import { PLATFORMS, STATUSES, esc, platformInfo, shortTime, statusLabel, ageText, isFinished } from "./labels.js";
import { store, caseTeamIds, categoryLabel, gridPathText, teamName } from "./store.js";

export class CaseList {
  constructor({ list, count, scope, platform, onSelect }) {
    this.listEl = list;
    this.countEl = count;
    this.scopeEl = scope;
    this.platformEl = platform;
    this.onSelect = onSelect;
    this.items = new Map(); // id -> <li>
    this.pending = false;
    this.fresh = new Set();

    this.platformEl.innerHTML =
      `<option value="">All platforms 全部平台</option>` +
      Object.entries(PLATFORMS)
        .map(([code, p]) => `<option value="${code}">${esc(p.en)} ${esc(p.zh)}</option>`)
        .join("") +
      `<option value="none">Unrouted 待分流</option>`;
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

  /** Mark a case as just arrived so its row flashes once. */
  flash(id) {
    this.fresh.add(String(id));
    setTimeout(() => this.fresh.delete(String(id)), 4000);
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
    const keep = new Set(cases.map((c) => String(c.id)));
    for (const [id, li] of this.items) {
      if (!keep.has(id)) {
        li.remove();
        this.items.delete(id);
      }
    }
    let cursor = this.listEl.firstElementChild;
    for (const c of cases) {
      const id = String(c.id);
      let li = this.items.get(id);
      if (!li) {
        li = document.createElement("li");
        li.className = "case-item";
        li.tabIndex = 0;
        li.dataset.caseId = id;
        this.items.set(id, li);
      }
      const html = itemHtml(c);
      if (li._html !== html) {
        li.innerHTML = html;
        li._html = html;
      }
      li.dataset.status = c.status || "";
      li.dataset.platform = c.platform || "";
      li.style.setProperty("--c", platformInfo(c.platform).color);
      li.classList.toggle("selected", id === store.selectedId);
      li.classList.toggle("closed", isFinished(c.status));
      li.setAttribute("aria-selected", id === store.selectedId ? "true" : "false");
      if (this.fresh.has(id) && !li.classList.contains("fresh")) {
        li.classList.add("fresh");
        setTimeout(() => li.classList.remove("fresh"), 4000);
      }
      if (li !== cursor) this.listEl.insertBefore(li, cursor);
      else cursor = cursor.nextElementSibling;
    }
    const open = cases.filter((c) => !isFinished(c.status)).length;
    this.countEl.textContent = `${cases.length}` + (open !== cases.length ? ` (${open} open 在办)` : "");
    this.listEl.classList.toggle("empty", cases.length === 0);
  }

  scrollTo(id) {
    const li = this.items.get(String(id));
    if (li) li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

function newestFirst(a, b) {
  const ta = Date.parse(a.created_at) || 0;
  const tb = Date.parse(b.created_at) || 0;
  if (tb !== ta) return tb - ta;
  return (Number(b.id) || 0) - (Number(a.id) || 0);
}

function itemHtml(c) {
  const plat = platformInfo(c.platform);
  const st = STATUSES[c.status];
  const team = caseTeamIds(c.id).map(teamName).join(", ");
  return `
    <div class="ci-top">
      <span class="badge status-${esc(c.status)}" title="${esc(statusLabel(c.status))}">${esc(st ? st.zh : c.status)}</span>
      <span class="ci-id">#${esc(c.id)}</span>
      <span class="ci-title" title="${esc(c.title)}">${esc(c.title)}</span>
      <time datetime="${esc(c.created_at)}" title="${esc(ageText(c.created_at))}">${esc(shortTime(c.created_at))}</time>
    </div>
    <div class="ci-meta">
      <span class="ci-plat"><i></i>${esc(plat.short)}</span>
      <span class="ci-grid" title="${esc((c.grid_path || []).join(" / "))}">${esc(gridPathText(c.grid_path))}</span>
      ${c.category ? `<span class="ci-cat" title="${esc(c.category)}">${esc(categoryLabel(c.category))}</span>` : ""}
      ${team ? `<span class="ci-team"><b>◆</b>${esc(team)}</span>` : ""}
    </div>`;
}

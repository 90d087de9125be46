// The queues view: what waits for the command room, one tab per queue with its count, the chosen queue's cases
// (newest first, paged), platform and grid filters, and keys for the common moves (? lists them).
import { html, render, nothing } from "./vendor/lit-html/lit-html.js";
import { api, getJSON } from "./api.js";
import { addStrings, formatTime, lang, onLangChange, t } from "./i18n.js";
import { PLATFORMS, STATUSES, UNROUTED } from "./labels.js";
import { PAGE_SIZE, QUEUES, countsByQueue, keyToMove, moveIndex, queueCasesUrl, queuesUrl, stepBody, windowText } from "./queues-logic.js";

addStrings({
  zh: {
    "qv.q.to_accept": "待受理", "qv.q.to_route": "待分流", "qv.q.overdue": "已超时", "qv.q.escalated": "已上报上级",
    "qv.q.to_verify": "待核查", "qv.q.triage": "待人工分类",
    "qv.platform.all": "全部平台", "qv.grid": "网格编码", "qv.empty": "此队列暂无案件", "qv.loading": "加载中…",
    "qv.prev": "上一页", "qv.next": "下一页", "qv.help": "快捷键", "qv.overdue": "超时",
    "qv.due": "时限 {t}", "qv.no_grid": "辖区外", "qv.reason": "退回原因（必填）：", "qv.no_platform": "案件 {id} 尚无建议平台，无法分流",
    "qv.done": "案件 {id}：{action} 完成", "qv.failed": "案件 {id}：{e}", "qv.pick": "先用 j/k 选中一条案件",
    "qv.a.accept": "受理", "qv.a.route": "分流", "qv.a.reject": "退回",
    "qv.k.move": "下一条 / 上一条", "qv.k.open": "在地图上打开案件", "qv.k.accept": "受理", "qv.k.route": "分流至建议平台",
    "qv.k.reject": "退回（需填写原因）", "qv.k.queue": "切换队列", "qv.k.help": "显示 / 隐藏本帮助", "qv.k.close": "关闭",
  },
  en: {
    "qv.q.to_accept": "To accept", "qv.q.to_route": "To route", "qv.q.overdue": "Overdue", "qv.q.escalated": "Escalated",
    "qv.q.to_verify": "To verify", "qv.q.triage": "Triage",
    "qv.platform.all": "All platforms", "qv.grid": "Grid code", "qv.empty": "No cases in this queue", "qv.loading": "Loading…",
    "qv.prev": "Previous", "qv.next": "Next", "qv.help": "Shortcuts", "qv.overdue": "overdue",
    "qv.due": "due {t}", "qv.no_grid": "outside the grids", "qv.reason": "Reason for rejecting (required):",
    "qv.no_platform": "Case {id} has no suggested platform to route to",
    "qv.done": "Case {id}: {action} done", "qv.failed": "Case {id}: {e}", "qv.pick": "Select a case first with j/k",
    "qv.a.accept": "accept", "qv.a.route": "route", "qv.a.reject": "reject",
    "qv.k.move": "next / previous case", "qv.k.open": "open the case on the map", "qv.k.accept": "accept",
    "qv.k.route": "route to the suggested platform", "qv.k.reject": "reject (asks for a reason)", "qv.k.queue": "switch queue",
    "qv.k.help": "show / hide this help", "qv.k.close": "close",
  },
});

const HELP = [["j ↓ / k ↑", "qv.k.move"], ["Enter", "qv.k.open"], ["a", "qv.k.accept"], ["r", "qv.k.route"],
  ["x", "qv.k.reject"], ["1 – 6", "qv.k.queue"], ["?", "qv.k.help"], ["Esc", "qv.k.close"]];

const named = (entry) => (entry ? entry[lang()] ?? entry.zh : "");

class QueuesView {
  constructor(root) {
    this.root = root;
    this.state = { queue: QUEUES[0], counts: countsByQueue(null), items: [], total: 0, offset: 0, selected: -1,
      platform: "", grid: "", loading: false, help: false, message: null };
    this.seq = 0; // answers of a superseded request are dropped
    root.tabIndex = -1;
    root.addEventListener("keydown", (e) => this.onKey(e));
    // Keys pressed with nothing focused, or right after the header's view button, are the queue's too.
    document.addEventListener("keydown", (e) => {
      if (!this.root.hidden && (e.target === document.body || e.target.closest?.("button[data-view]"))) this.onKey(e);
    });
    // Shown by the shell's views.js (or anything else that un-hides the section): load afresh.
    new MutationObserver(() => {
      if (root.hidden) return;
      this.refresh();
      if (!root.contains(document.activeElement)) root.focus({ preventScroll: true });
    }).observe(root, { attributes: true, attributeFilter: ["hidden"] });
    document.addEventListener("gw:case-changed", () => this.refreshSoon());
    onLangChange(() => this.render());
    this.render();
    if (!root.hidden) this.refresh();
  }

  set(changes) {
    Object.assign(this.state, changes);
    this.render();
  }

  refreshSoon() {
    if (this.root.hidden) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 300); // a burst of feed events is one reload
  }

  async refresh() {
    const { queue, platform, grid, offset } = this.state;
    const seq = ++this.seq;
    this.set({ loading: true });
    try {
      const [counts, page] = await Promise.all([getJSON(queuesUrl({ platform, grid })),
        getJSON(queueCasesUrl(queue, { platform, grid, offset, limit: PAGE_SIZE }))]);
      if (seq !== this.seq) return;
      const keep = this.state.items[this.state.selected]?.id;
      const selected = page.items.findIndex((c) => c.id === keep);
      this.set({ counts: countsByQueue(counts), items: page.items, total: page.total, loading: false,
        selected: selected >= 0 ? selected : Math.min(this.state.selected, page.items.length - 1) });
    } catch (err) {
      if (seq === this.seq) this.set({ loading: false, message: { bad: true, text: String(err.message || err) } });
    }
  }

  choose(queue) {
    if (queue === this.state.queue) return;
    this.set({ queue, offset: 0, selected: -1, items: [], message: null });
    this.refresh();
  }

  page(step) {
    const offset = Math.max(0, this.state.offset + step * PAGE_SIZE);
    if (offset === this.state.offset || offset >= this.state.total) return;
    this.set({ offset, selected: -1 });
    this.refresh();
  }

  filter(changes) {
    this.set({ ...changes, offset: 0, selected: -1 });
    this.refresh();
  }

  onKey(e) {
    if (e.defaultPrevented || e.target.closest?.("input, select, textarea")) return;
    if (e.key === "Enter" && e.target.closest?.("button")) return; // Enter on a button presses it
    const move = keyToMove(e.key, e);
    if (!move) return;
    e.preventDefault();
    const { items, selected } = this.state;
    if (move.move) {
      this.set({ selected: moveIndex(selected, move.move, items.length) });
      this.root.querySelector(".qv-row.selected")?.scrollIntoView({ block: "nearest" });
    } else if (move.queue) this.choose(move.queue);
    else if (move.help) this.set({ help: !this.state.help });
    else if (move.escape) this.set({ help: false });
    else if (items[selected] === undefined) this.set({ message: { bad: true, text: t("qv.pick") } });
    else if (move.open) document.dispatchEvent(new CustomEvent("gw:select-case", { detail: { id: items[selected].id } }));
    else this.act(move.action, items[selected]);
  }

  async act(action, c) {
    let reason = "";
    if (action === "reject") {
      reason = window.prompt(t("qv.reason")) ?? "";
      if (!reason.trim()) return;
    }
    const body = stepBody(action, c, reason);
    if (body === null) {
      this.set({ message: { bad: true, text: t("qv.no_platform", { id: c.id }) } });
      return;
    }
    try {
      // If-Match carries the version this list showed: a case changed meanwhile is refused (409), not overwritten.
      await api.caseAction(c.id, action, body, c.version);
      // The shell announces gw:case-changed when the feed reports the step; this list reloads at once below.
      this.set({ message: { bad: false, text: t("qv.done", { id: c.id, action: t(`qv.a.${action}`) }) } });
    } catch (err) {
      this.set({ message: { bad: true, text: t("qv.failed", { id: c.id, e: err.message || err }) } });
    }
    this.refresh();
  }

  row(c, index) {
    const status = STATUSES[c.status];
    const platform = c.platform ? PLATFORMS[c.platform] : UNROUTED;
    const selected = index === this.state.selected;
    return html`<li class="qv-row ${selected ? "selected" : ""}" data-case-id=${c.id} data-status=${c.status}
        aria-selected=${selected} @click=${() => this.set({ selected: index })}
        @dblclick=${() => document.dispatchEvent(new CustomEvent("gw:select-case", { detail: { id: c.id } }))}>
      <span class="qv-id mono">#${c.id}</span>
      <span class="qv-status" style="--c: var(--s-${c.status}, var(--muted))">${named(status) || c.status}</span>
      <span class="qv-title">${c.title}</span>
      <span class="qv-platform" style="--c: ${platform?.color || "var(--muted)"}">${named(platform)}</span>
      <span class="qv-grid muted">${c.grid_path?.length ? c.grid_path.join(" / ") : t("qv.no_grid")}</span>
      <time class="qv-time mono">${formatTime(c.created_at, "short")}</time>
      <span class="qv-due ${c.overdue ? "late" : ""}">${c.overdue ? t("qv.overdue") : c.due_at ? t("qv.due", { t: formatTime(c.due_at, "short") }) : nothing}</span>
    </li>`;
  }

  render() {
    const s = this.state;
    render(html`<div class="qv">
      <header class="qv-head">
        <nav class="qv-tabs" role="tablist">
          ${QUEUES.map((q, i) => html`<button type="button" role="tab" class="qv-tab" data-queue=${q}
              aria-selected=${q === s.queue} @click=${() => this.choose(q)}>
            <kbd>${i + 1}</kbd><span>${t(`qv.q.${q}`)}</span>
            <b class="qv-count" data-testid=${`queue-count-${q}`}>${s.counts[q] ?? "—"}</b></button>`)}
        </nav>
        <div class="qv-filters">
          <select data-testid="queue-platform" aria-label=${t("qv.platform.all")}
              @change=${(e) => this.filter({ platform: e.target.value })}>
            <option value="" ?selected=${!s.platform}>${t("qv.platform.all")}</option>
            ${Object.entries(PLATFORMS).map(([code, p]) => html`<option value=${code} ?selected=${s.platform === code}>${named(p)}</option>`)}
          </select>
          <input type="search" data-testid="queue-grid" placeholder=${t("qv.grid")} aria-label=${t("qv.grid")}
              maxlength="64" .value=${s.grid} @change=${(e) => this.filter({ grid: e.target.value.trim() })}>
          <button type="button" class="ghost-button" @click=${() => this.set({ help: !s.help })}>? ${t("qv.help")}</button>
        </div>
      </header>
      ${s.message ? html`<p class="qv-msg ${s.message.bad ? "bad" : "ok"}" role="status" data-testid="queue-message">${s.message.text}</p>` : nothing}
      <ol class="qv-list" data-testid="queue-list" data-queue=${s.queue} aria-busy=${s.loading}>
        ${s.items.map((c, i) => this.row(c, i))}
      </ol>
      ${!s.loading && !s.items.length ? html`<p class="qv-empty muted">${t("qv.empty")}</p>` : nothing}
      <footer class="qv-pager">
        <button type="button" class="ghost-button" ?disabled=${s.offset === 0} @click=${() => this.page(-1)}>${t("qv.prev")}</button>
        <span class="mono" data-testid="queue-window">${windowText(s.offset, s.items.length, s.total)}</span>
        <button type="button" class="ghost-button" ?disabled=${s.offset + s.items.length >= s.total} @click=${() => this.page(1)}>${t("qv.next")}</button>
      </footer>
      ${s.help ? html`<div class="qv-help" role="dialog" aria-label=${t("qv.help")} data-testid="queue-help">
        <h3>${t("qv.help")}</h3>
        <dl>${HELP.map(([keys, what]) => html`<dt><kbd>${keys}</kbd></dt><dd>${t(what)}</dd>`)}</dl>
        <button type="button" class="ghost-button" @click=${() => this.set({ help: false })}>${t("qv.k.close")}</button>
      </div>` : nothing}
    </div>`, this.root);
  }
}

/** Mount the queues view in its section; it loads whenever the section is shown and on gw:case-changed. */
export function mountQueues(root) {
  return root ? new QueuesView(root) : null;
}

// The case detail drawer: fields, next-step buttons, event timeline, and (video.js) cameras, live view, snapshots.
import { api, ApiError } from "./api.js";
import {
  ACTIONS, PLATFORMS, SOURCES, STATUSES, TEAM_STATUSES,
  actionLabel, ageText, allowedActions, distanceText, esc, fullTime, haversine, mayTake, nextActions, platformInfo,
  statusLabel, isFinished,
} from "./labels.js";
import {
  store, emit, caseTeamIds, categoryLabel, gridPathText, hasPosition, setAssignment, teamName, upsertCase, upsertTeam,
} from "./store.js";
import { CaseVideo } from "./video.js";

// Keys of a detail or step answer that are not fields of the case itself.
const NOT_CASE_FIELDS = ["events", "event", "team", "distance_m", "next_actions", "assignments", "assignment"];

export class CaseDetail {
  constructor({ root, map, onClose }) {
    this.root = root;
    this.user = null; // the logged-in user: decides which steps are offered
    this.map = map;
    this.onClose = onClose;
    this.id = null;
    this.token = 0;
    this.refreshTimer = null;
    this.busy = false;
    this.detail = null;
    this.allowed = null; // { status, actions } from the server's next_actions
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      status: $("#detail-status"),
      caseId: $("#detail-id"),
      title: $("#detail-title"),
      fields: $("#detail-fields"),
      actions: $("#case-actions"),
      note: $("#action-note"),
      team: $("#action-team"),
      teamWrap: $("#action-team-wrap"),
      satisfaction: $("#action-satisfaction"),
      platform: $("#action-platform"),
      platformWrap: $("#action-platform-wrap"),
      satisfactionWrap: $("#action-satisfaction-wrap"),
      next: $("#action-next"),
      more: $("#action-more"),
      error: $("#action-error"),
      ok: $("#action-ok"),
      timeline: $("#case-timeline"),
    };
    this.video = new CaseVideo({
      list: $("#case-cameras"), count: $("#case-cameras-count"), view: $("#camera-live"), snapshots: $("#case-snapshots"), map,
    });
    this.el.platform.innerHTML = Object.entries(PLATFORMS)
      .map(([code, p]) => `<option value="${code}">${esc(p.en)} ${esc(p.zh)}</option>`)
      .join("");
    this.el.platform.addEventListener("change", () => (this.el.platform.dataset.touched = "1"));
    $("#detail-close").addEventListener("click", () => this.close());
    root.addEventListener("click", (e) => {
      const btn = e.target.closest("button[data-action]");
      if (btn && !btn.disabled) this.act(btn.dataset.action);
    });
  }

  /** Offer only the steps this user's role may take (the server refuses the others anyway). */
  setUser(user) {
    this.user = user;
    this.rerender();
  }

  get isOpen() {
    return this.id != null;
  }

  /** Show a case: what the store knows at once, then its full record, timeline and cameras. */
  async open(id) {
    const key = String(id);
    const sameCase = key === this.id;
    this.id = key;
    const token = ++this.token;
    this.root.hidden = false;
    this.root.dataset.caseId = key;
    document.body.classList.add("detail-open");
    if (!sameCase) {
      this.detail = null;
      this.allowed = null;
      delete this.el.platform.dataset.touched;
      this.el.note.value = "";
      this._message("", "");
      this.el.timeline.innerHTML = `<li class="loading">Loading 加载中…</li>`;
      this.video.reset();
      this.video.showSnapshots(key);
    }
    const known = store.cases.get(key);
    if (known) this._renderCase(known);

    const detailP = api.caseDetail(key);
    let camerasP = known && hasPosition(known) ? api.coveringCameras(known.lon, known.lat) : null;
    try {
      const detail = await detailP;
      if (token !== this.token) return;
      this._applyDetail(detail);
      if (!camerasP && hasPosition(detail)) camerasP = api.coveringCameras(detail.lon, detail.lat);
    } catch (err) {
      if (token !== this.token) return;
      const why = err instanceof ApiError && [403, 404].includes(err.status)
        ? "Not found or outside your reach 案件不存在或无权查看"
        : `Could not load case 无法加载: ${err.message}`;
      this.el.timeline.innerHTML = `<li class="error">${esc(why)}</li>`;
    }
    if (!camerasP) {
      this.video.noPosition();
      return;
    }
    try {
      const res = await camerasP;
      if (token !== this.token) return;
      this.video.showCameras(res && res.items ? res.items : []);
    } catch (err) {
      if (token !== this.token) return;
      this.video.cameraError(`Cameras unavailable 监控不可用: ${err.message}`);
    }
  }

  close() {
    this.id = null;
    this.token++;
    this.root.hidden = true;
    delete this.root.dataset.caseId;
    document.body.classList.remove("detail-open");
    this.video.stop();
    this.map.showCoverage([]);
    this.onClose();
  }

  /** Reload the open case's record and timeline soon (coalescing bursts of updates). */
  refreshSoon(delay = 200) {
    if (!this.isOpen) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this._refresh(), delay);
  }

  /** Re-render from the store without a request, e.g. after a team name became known. */
  rerender() {
    if (!this.isOpen) return;
    const c = store.cases.get(this.id);
    if (c) this._renderCase({ ...(this.detail || {}), ...c });
  }

  async _refresh() {
    const token = this.token;
    const id = this.id;
    if (id == null) return;
    try {
      const detail = await api.caseDetail(id);
      if (token === this.token) this._applyDetail(detail);
    } catch (err) {
      console.warn(`refresh of case ${id} failed`, err);
    }
  }

  _applyDetail(detail) {
    this.detail = detail;
    const fields = caseFields(detail);
    if (detail && detail.team) upsertTeam(detail.team);
    for (const a of (detail && detail.assignments) || []) {
      setAssignment(a);
      emit("assignment-changed", a);
    }
    this._noteAllowed(detail);
    const merged = upsertCase(fields);
    if (merged) emit("case-changed", merged);
    this._renderCase(merged ? merged.case : fields);
    this._renderTimeline((detail && detail.events) || []);
  }

  /** The ETA and offer state of the case's active assignments (dispatch offers; the team accepts or declines). */
  _offerRows(c) {
    const active = [...store.assignments.values()].filter((a) => String(a.case_id) === String(c.id) && !a.released_at);
    return active.filter((a) => a.eta_s != null || a.state === "offered").map((a) => [
      "ETA 预计到达",
      `${esc(teamName(a.team_id))}: ${a.eta_s != null ? esc(`${Math.max(1, Math.round(a.eta_s / 60))} min`) : "—"}` +
        (a.state === "offered" ? ` <span class="muted">offered 待接单</span>` : ""),
    ]);
  }

  _noteAllowed(answer) {
    if (answer && Array.isArray(answer.next_actions) && answer.status) {
      this.allowed = { status: answer.status, actions: answer.next_actions };
    }
  }

  async act(key) {
    const spec = ACTIONS.find((a) => a.key === key);
    if (!spec || this.id == null || this.busy) return;
    const id = this.id;
    // No actor: the server records who acted from the access token.
    const body = { note: this.el.note.value.trim(), ...(spec.extra || {}) };
    if (spec.action === "dispatch" && this.el.team.value) body.team_id = this.el.team.value;
    if (spec.action === "evaluate") body.satisfaction = Number(this.el.satisfaction.value);
    if (spec.action === "route") body.platform = this.el.platform.value;
    this.busy = true;
    this.root.classList.add("busy");
    this._message("", "");
    try {
      // The version this page shows: a step on a case someone changed meanwhile is refused (409), not lost.
      const shown = store.cases.get(id);
      const result = await api.caseAction(id, spec.action, body, shown && shown.version);
      if (id !== this.id) return;
      if (result && typeof result === "object" && result.id != null) {
        if (result.team) upsertTeam(result.team);
        if (result.assignment) {
          setAssignment(result.assignment);
          emit("assignment-changed", result.assignment);
        }
        this._noteAllowed(result);
        const merged = upsertCase(caseFields(result));
        if (merged) emit("case-changed", merged);
      }
      this.el.note.value = "";
      this._message("ok", `${spec.en} ${spec.zh} ✓`);
      await this._refresh();
    } catch (err) {
      if (id !== this.id) return;
      const text = err instanceof ApiError ? err.message : `Network error 网络错误: ${err.message}`;
      const prefix = !(err instanceof ApiError) ? ""
        : err.status === 409 ? "Refused 不允许: "
          : err.status === 403 ? "Not allowed for your role 无权操作: "
            : `HTTP ${err.status}: `;
      this._message("error", prefix + text);
    } finally {
      this.busy = false;
      this.root.classList.remove("busy");
    }
  }

  _message(kind, text) {
    this.el.error.hidden = kind !== "error";
    this.el.ok.hidden = kind !== "ok";
    this.el.error.textContent = kind === "error" ? text : "";
    this.el.ok.textContent = kind === "ok" ? text : "";
  }

  _renderCase(c) {
    const st = c.status;
    const plat = platformInfo(c.platform);
    this.root.dataset.status = st || "";
    this.root.style.setProperty("--c", plat.color);
    this.el.status.className = `badge status-${st}`;
    this.el.status.textContent = statusLabel(st);
    this.el.caseId.textContent = `#${c.id}`;
    this.el.title.textContent = c.title || "";
    this.el.title.title = c.title || "";
    const rows = [
      ["Platform 平台", `<span class="plat-chip"><i></i>${esc(plat.en)} ${esc(plat.zh)}</span>`],
      ["Category 类别", c.category ? `${esc(categoryLabel(c.category))} <span class="muted mono">${esc(c.category)}</span>` : "—"],
      ["Source 来源", esc(SOURCES[c.source] || c.source || "—")],
      ["Grid 网格", `${esc(gridPathText(c.grid_path))}<br><span class="muted mono">${esc((c.grid_path || []).slice(-1)[0] || "")}</span>`],
      ["Team 队伍", caseTeamIds(c.id).length ? esc(caseTeamIds(c.id).map(teamName).join(", ")) : `<span class="muted">—</span>`],
      ...this._offerRows(c),
      ["Reported 上报", `${esc(fullTime(c.created_at))} <span class="muted">(${esc(ageText(c.created_at))})</span>`],
      ["Updated 更新", esc(fullTime(c.updated_at))],
    ];
    if (c.reporter) rows.push(["Reporter 上报人", esc(c.reporter) + (c.reporter_phone ? ` <span class="muted">${esc(c.reporter_phone)}</span>` : "")]);
    if (c.satisfaction != null) rows.push(["Satisfaction 满意度", `${"★".repeat(Number(c.satisfaction))}${"☆".repeat(Math.max(0, 5 - Number(c.satisfaction)))}`]);
    if (c.description) rows.push(["Description 描述", esc(c.description)]);
    if (hasPosition(c)) rows.push(["Location 位置", `<span class="mono">${Number(c.lon).toFixed(5)}, ${Number(c.lat).toFixed(5)}</span> <span class="muted">WGS-84</span>`]);
    this.el.fields.innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("");
    this._renderActions(c);
  }

  /**
   * Steps the status allows and the role may take first (the loop's next one highlighted), the
   * role's other steps folded away; a user who may take none on this case sees no step panel.
   */
  _renderActions(c) {
    const teamIds = caseTeamIds(c.id);
    const mine = ACTIONS.filter((a) => mayTake(this.user, a.action, teamIds));
    this.el.actions.hidden = mine.length === 0;
    const allowed = this.allowed && this.allowed.status === c.status ? this.allowed.actions : allowedActions(c.status);
    const forward = new Set(nextActions(c.status));
    if (!c.platform) forward.add("route"); // an unrouted case must be routed before anything else
    const isPrimary = (a) => forward.has(a.action) && !(a.extra && a.extra.passed === false);
    const btn = (a) =>
      `<button type="button" class="act ${isPrimary(a) ? "primary" : ""}" data-action="${a.key}" id="action-${a.key}">` +
      `${esc(a.en)} <span class="zh">${esc(a.zh)}</span></button>`;
    const now = mine.filter((a) => allowed.includes(a.action)).sort((a, b) => isPrimary(b) - isPrimary(a));
    const others = mine.filter((a) => !allowed.includes(a.action));
    this.el.next.innerHTML = now.length
      ? now.map(btn).join("")
      : isFinished(c.status)
        ? `<span class="muted">Loop complete 已闭环</span>`
        : `<span class="muted">No step for you now 暂无可办理步骤</span>`;
    this.el.more.innerHTML = others.map(btn).join("");
    this.el.more.closest(".more-actions").hidden = others.length === 0;

    const can = (action) => now.some((a) => a.action === action);
    const canRoute = can("route");
    this.el.platformWrap.hidden = !canRoute;
    if (canRoute && !this.el.platform.dataset.touched) this.el.platform.value = c.platform || "governance";
    const canDispatch = can("dispatch");
    this.el.teamWrap.hidden = !canDispatch;
    if (canDispatch) this._fillTeams(c);
    this.el.satisfactionWrap.hidden = c.status !== "closed" || !mayTake(this.user, "evaluate", teamIds);
  }

  _fillTeams(c) {
    const chosen = this.el.team.value;
    const teams = [...store.teams.values()].map((t) => ({
      ...t,
      d: hasPosition(t) && hasPosition(c) ? haversine(Number(c.lon), Number(c.lat), Number(t.lon), Number(t.lat)) : Infinity,
    }));
    const rank = (t) => (t.platform === c.platform ? 0 : 2) + (t.status === "available" ? 0 : 1);
    teams.sort((a, b) => rank(a) - rank(b) || a.d - b.d);
    this.el.team.innerHTML =
      `<option value="">Nearest available (auto) 自动就近</option>` +
      teams
        .map((t) => {
          const dist = Number.isFinite(t.d) ? ` · ${distanceText(t.d)}` : "";
          return `<option value="${esc(t.id)}">${esc(t.name)} · ${esc(platformInfo(t.platform).short)} · ${esc(
            TEAM_STATUSES[t.status] || t.status,
          )}${dist}</option>`;
        })
        .join("");
    if (chosen && teams.some((t) => String(t.id) === chosen)) this.el.team.value = chosen;
  }

  _renderTimeline(events) {
    if (!events.length) {
      this.el.timeline.innerHTML = `<li class="muted">No steps yet 暂无记录</li>`;
      return;
    }
    const sorted = [...events].sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
    this.el.timeline.innerHTML = sorted
      .map((ev) => {
        const from = ev.from_status ? (STATUSES[ev.from_status] || {}).zh || ev.from_status : "";
        const to = (STATUSES[ev.to_status] || {}).zh || ev.to_status || "";
        return `<li data-action="${esc(ev.action)}" class="to-${esc(ev.to_status)}">
          <div class="tl-head"><b>${esc(actionLabel(ev.action))}</b><time>${esc(fullTime(ev.at))}</time></div>
          <div class="tl-meta"><span class="actor">${esc(ev.actor || "—")}</span>
            <span class="transition">${from ? `${esc(from)} → ` : ""}${esc(to)}</span></div>
          ${ev.note ? `<p class="tl-note">${esc(ev.note)}</p>` : ""}
        </li>`;
      })
      .join("");
  }
}

function caseFields(answer) {
  const fields = { ...(answer || {}) };
  for (const key of NOT_CASE_FIELDS) delete fields[key];
  return fields;
}

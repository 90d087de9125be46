// The incident panel: a case's fields, steps, offers, photos and audio, cameras (video.js), suggested teams, joint
// tasks, grid staff, duplicates, reporters and timeline. Built with lit-html templates (escaped by default).
import { api, ApiError } from "./api.js";
import { onLangChange, t } from "./i18n.js";
import { store, emit, caseTeamIds, hasPosition, setAssignment, upsertCase, upsertTeam } from "./store.js";
import { CaseVideo } from "./video.js";
import { panelApi } from "./panel-api.js";
import { buttonsFor, isFinished, stepBody } from "./panel-logic.js";
import { MediaCache } from "./panel-media.js";
import { clearInputs, readInputs } from "./panel-actions.js";
import { renderPanel } from "./panel-view.js";

// Keys of a detail or step answer that are not fields of the case itself.
const NOT_CASE_FIELDS = ["events", "event", "team", "distance_m", "eta_s", "next_actions", "assignments", "assignment",
  "tasks", "assisting_platforms", "offered", "withdrawn"];

function caseFields(answer) {
  const fields = { ...(answer || {}) };
  for (const key of NOT_CASE_FIELDS) delete fields[key];
  return fields;
}

/** A failed request as the operator reads it: a 409 gives the server's reason. */
export function failureText(err) {
  if (!(err instanceof ApiError)) return t("panel.err.network", { why: err.message });
  if (err.status === 409) return t("panel.err.refused", { why: err.message });
  if (err.status === 403) return t("panel.err.forbidden", { why: err.message });
  return t("panel.err.http", { status: err.status, why: err.message });
}

export class CaseDetail {
  constructor({ root, map, onClose }) {
    this.root = root;
    this.map = map;
    this.onClose = onClose;
    this.user = null;
    this.id = null;
    this.token = 0; // bumps on every case opened or closed, so late answers are dropped
    this.refreshTimer = null;
    this.tickTimer = null;
    this.lifecycle = null;
    this.media = new MediaCache(() => this.render());
    this._blank();
    const $ = (sel) => root.querySelector(sel);
    this.video = new CaseVideo({
      list: $("#case-cameras"), count: $("#case-cameras-count"), view: $("#camera-live"), snapshots: $("#case-snapshots"), map,
    });
    onLangChange(() => this.render());
    // The shell announces changes made elsewhere (another screen, the feed): reload the open case.
    document.addEventListener("gw:case-changed", (e) => {
      if (e.detail && String(e.detail.id) === this.id) this.refreshSoon();
    });
    root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.lightbox) {
        e.stopPropagation();
        this._closeLightbox();
      }
    });
  }

  _blank() {
    Object.assign(this, {
      detail: null, loadError: "", busy: false, message: null, suggestions: null, suggestionsError: "",
      grid: null, gridError: "", gridCode: null, duplicates: null, duplicatesError: "", reporters: null,
      reportersError: "", lightbox: null,
    });
  }

  /** Offer only the steps this user's role may take (the server refuses the others anyway). */
  setUser(user) {
    this.user = user;
    this.render();
  }

  get isOpen() {
    return this.id != null;
  }

  /** Show a case: what the store knows at once, then its record, timeline, teams, people and cameras. */
  async open(id) {
    const key = String(id);
    const same = key === this.id;
    this.id = key;
    const token = ++this.token;
    this.root.hidden = false;
    this.root.dataset.caseId = key;
    document.body.classList.add("detail-open");
    if (!same) {
      this._blank();
      this.media.reset();
      this.video.reset();
      this.video.showSnapshots(key);
      clearInputs(this.root);
    }
    this.render();
    const known = store.cases.get(key);
    let camerasP = known && hasPosition(known) ? api.coveringCameras(known.lon, known.lat) : null;
    if (!this.lifecycle) panelApi.lifecycle().then((body) => { this.lifecycle = body; this.render(); }).catch(() => {});
    try {
      const detail = await api.caseDetail(key);
      if (token !== this.token) return;
      this._applyDetail(detail);
      if (!camerasP && hasPosition(detail)) camerasP = api.coveringCameras(detail.lon, detail.lat);
    } catch (err) {
      if (token !== this.token) return;
      this.loadError = err instanceof ApiError && [403, 404].includes(err.status)
        ? t("panel.not_found") : t("panel.load_failed", { why: err.message });
      this.render();
    }
    this._loadAround(token);
    if (!camerasP) {
      this.video.noPosition();
      return;
    }
    try {
      const res = await camerasP;
      if (token === this.token) this.video.showCameras(res && res.items ? res.items : []);
    } catch (err) {
      if (token === this.token) this.video.cameraError(`${t("panel.media.failed")}: ${err.message}`);
    }
  }

  close() {
    this.id = null;
    this.token++;
    this.root.hidden = true;
    delete this.root.dataset.caseId;
    document.body.classList.remove("detail-open");
    clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.video.stop();
    this.media.reset();
    this.map.showCoverage([]);
    this.onClose();
  }

  /** Reload the open case soon (coalescing bursts of updates). */
  refreshSoon(delay = 200) {
    if (!this.isOpen) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this._refresh(), delay);
  }

  /** Re-render from what is in hand, e.g. after a team name became known. */
  rerender() {
    this.render();
  }

  async _refresh() {
    const token = this.token;
    if (this.id == null) return;
    try {
      const detail = await api.caseDetail(this.id);
      if (token !== this.token) return;
      this._applyDetail(detail);
      this._loadAround(token);
    } catch (err) {
      console.warn(`refresh of case ${this.id} failed`, err);
    }
  }

  /** What lies around the case: suggested teams, the grid and its staff, duplicates and reporters. */
  _loadAround(token) {
    const id = this.id;
    const c = this._case();
    if (!c) return;
    const keep = (fn) => (value) => { if (token === this.token) { fn(value); this.render(); } };
    const why = (err) => (err instanceof ApiError ? err.message : String(err.message || err));
    if (!isFinished(c.status) && c.platform) {
      panelApi.suggestions(id).then(keep((s) => { this.suggestions = s; this.suggestionsError = ""; }),
        keep((err) => { this.suggestionsError = why(err); }));
    } else {
      this.suggestions = null;
      this.suggestionsError = c.platform ? "" : t("panel.teams.unrouted");
    }
    const code = (c.grid_path || []).slice(-1)[0];
    if (code && code !== this.gridCode) {
      this.gridCode = code;
      panelApi.grid(code).then(keep((g) => { this.grid = g; }), keep((err) => { this.gridError = why(err); }));
    }
    panelApi.duplicates(id).then(keep((d) => { this.duplicates = d; }), keep((err) => { this.duplicatesError = why(err); }));
    panelApi.reporters(id).then(keep((r) => { this.reporters = r; }), keep((err) => { this.reportersError = why(err); }));
  }

  _applyDetail(detail) {
    this.detail = detail;
    this.loadError = "";
    if (detail.team) upsertTeam(detail.team);
    for (const a of detail.assignments || []) {
      setAssignment(a);
      emit("assignment-changed", a);
    }
    const merged = upsertCase(caseFields(detail));
    if (merged) emit("case-changed", merged);
    this.render();
  }

  /** The case as best known: the detail answer, updated by the store's newer fields. */
  _case() {
    const known = this.id != null ? store.cases.get(this.id) : null;
    if (!this.detail) return known || null;
    const fields = caseFields(this.detail);
    return known && (known.version || 0) > (fields.version || 0) ? { ...fields, ...known } : { ...known, ...fields };
  }

  _plan(c) {
    const serverNext = this.detail && Array.isArray(this.detail.next_actions)
      ? { status: this.detail.status, actions: this.detail.next_actions } : null;
    return buttonsFor({ lifecycle: this.lifecycle, status: c.status, platform: c.platform, user: this.user,
      teamIds: caseTeamIds(c.id), serverNext: serverNext && serverNext.status === c.status ? serverNext : null });
  }

  // ---- steps ---------------------------------------------------------------------------------

  async act(spec, overrides = {}) {
    const c = this._case();
    if (!c || this.busy) return;
    const { body, error } = stepBody(spec, this.lifecycle, { ...readInputs(this.root), ...overrides });
    if (error) {
      this.message = { kind: "error", text: error };
      this.render();
      return;
    }
    // The version this page shows: a step on a case someone changed meanwhile is refused (409), not lost.
    await this._send(() => panelApi.step(this.id, spec.action, body, c.version), (result) => {
      if (result.team) upsertTeam(result.team);
      if (result.assignment) {
        setAssignment(result.assignment);
        emit("assignment-changed", result.assignment);
      }
      const merged = upsertCase(caseFields(result));
      if (merged) emit("case-changed", merged);
      clearInputs(this.root);
      return t("panel.act.done", { what: t(`panel.act.${spec.key}`) });
    });
  }

  async _send(call, onDone) {
    const id = this.id;
    this.busy = true;
    this.message = null;
    this.render();
    try {
      const result = await call();
      if (id !== this.id) return;
      this.message = { kind: "ok", text: onDone(result || {}) };
      await this._refresh();
    } catch (err) {
      if (id !== this.id) return;
      this.message = { kind: "error", text: failureText(err) };
    } finally {
      if (id === this.id) {
        this.busy = false;
        this.render();
      }
    }
  }

  _answerOffer(assignment, answer) {
    return this._send(() => panelApi.answerOffer(this.id, assignment.id, answer), (result) => {
      for (const a of [result.assignment, result.offered]) if (a) { setAssignment(a); emit("assignment-changed", a); }
      return t(answer === "accept" ? "panel.offer.accept" : "panel.offer.decline") + " ✓";
    });
  }

  _addTask({ platform, task }, form) {
    if (!platform || !task) {
      this.message = { kind: "error", text: t("panel.tasks.err") };
      this.render();
      return;
    }
    const c = this._case();
    return this._send(() => panelApi.addTask(this.id, { platform, task }, c && c.version), () => {
      form.reset();
      return `${t("panel.tasks.add")} ✓`;
    });
  }

  _taskDone(task) {
    return this._send(() => panelApi.taskDone(this.id, task.assignment_id), () => `${t("panel.tasks.done")} ✓`);
  }

  _openLightbox(src, name) {
    this.lightbox = { src, name };
    this.render();
    const box = this.root.querySelector(".panel-lightbox");
    if (box) box.focus();
  }

  _closeLightbox() {
    this.lightbox = null;
    this.render();
  }

  // ---- rendering -----------------------------------------------------------------------------

  render() {
    if (this.isOpen) renderPanel(this);
  }

  /** While an offer stands, re-render each second so its countdown moves. */
  _tick(on) {
    if (on && !this.tickTimer) this.tickTimer = setInterval(() => this.render(), 1000);
    if (!on && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
  }
}

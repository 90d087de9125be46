// Draws the incident panel from a CaseDetail's state into the drawer's containers (index.html #case-detail).
import { html, render, nothing } from "./vendor/lit-html/lit-html.js";
import { t } from "./i18n.js";
import { PLATFORMS, STATUSES } from "./labels.js";
import { teamName } from "./store.js";
import { caseFiles, isFinished, timelineRows } from "./panel-logic.js";
import { lightboxTemplate, mediaTemplate } from "./panel-media.js";
import { timelineTemplate } from "./panel-timeline.js";
import { offersTemplate, suggestionsTemplate, tasksTemplate } from "./panel-teams.js";
import { duplicatesTemplate, gridTemplate, reportersTemplate } from "./panel-people.js";
import { actionsTemplate } from "./panel-actions.js";
import { fieldsTemplate, headTemplate } from "./panel-summary.js";

const MERGE = { key: "merge", action: "merge" };
const DISPATCH = { key: "dispatch", action: "dispatch" };

/** Render every part of the open case's panel; panel is the CaseDetail (its state and its handlers). */
export function renderPanel(panel) {
  const root = panel.root;
  const $ = (sel) => root.querySelector(sel);
  const c = panel._case();
  root.dataset.status = (c && c.status) || "";
  if (c) root.style.setProperty("--c", (PLATFORMS[c.platform] || { color: "#b8c2cf" }).color);
  for (const h of root.querySelectorAll("[data-panel-title]")) render(t(h.dataset.panelTitle), h);
  render(headTemplate(c, panel.id, () => panel.close()), $("#panel-head"));
  render(c ? fieldsTemplate(c) : nothing, $("#detail-fields"));
  if (!c) {
    render(html`<li class=${panel.loadError ? "error" : "loading"}>${panel.loadError || t("panel.loading")}</li>`, $("#case-timeline"));
    return;
  }
  const plan = panel._plan(c);
  const detail = panel.detail || {};
  const events = detail.events || [];
  const assignments = detail.assignments || [];
  const busy = panel.busy;
  const openPicture = (src, name) => panel._openLightbox(src, name);
  render(offersTemplate({ assignments, user: panel.user, teamName, now: Date.now(), busy,
    onAnswer: (a, answer) => panel._answerOffer(a, answer) }), $("#panel-offers"));
  panel._tick(assignments.some((a) => a.state === "offered" && !a.released_at));
  render(actionsTemplate({ plan, lifecycle: panel.lifecycle, c, suggestions: panel.suggestions, busy,
    message: panel.message, onAct: (b) => panel.act(b) }), $("#panel-actions"));
  $("#case-actions").hidden = !panel.user || !panel.lifecycle;
  render(mediaTemplate(caseFiles(c.id, events), panel.media, openPicture), $("#panel-media"));
  render(suggestionsTemplate({ suggestions: panel.suggestions, error: panel.suggestionsError, busy,
    canDispatch: plan.buttons.some((b) => b.action === "dispatch"),
    onChoose: (teamId) => panel.act(DISPATCH, { team_id: teamId }) }), $("#panel-suggestions"));
  $("#panel-suggestions-section").hidden = isFinished(c.status);
  render(tasksTemplate({ tasks: detail.tasks || [], user: panel.user, teamName, busy,
    caseOpen: !isFinished(c.status) && assignments.some((a) => a.role === "lead" && !a.released_at),
    onDone: (task) => panel._taskDone(task), onAdd: (body, form) => panel._addTask(body, form) }), $("#panel-tasks"));
  render(gridTemplate({ grid: panel.grid, error: panel.gridError, path: c.grid_path }), $("#panel-grid"));
  render(duplicatesTemplate({ duplicates: panel.duplicates, error: panel.duplicatesError, busy,
    canMerge: plan.buttons.some((b) => b.action === "merge"),
    onMerge: (target) => panel.act(MERGE, { target }),
    // The shell listens and opens the other case (the contract between slices).
    onSelect: (id) => document.dispatchEvent(new CustomEvent("gw:select-case", { detail: { id } })) }), $("#panel-duplicates"));
  render(reportersTemplate({ reporters: panel.reporters, error: panel.reportersError }), $("#panel-reporters"));
  render(timelineTemplate(timelineRows(c.id, events, STATUSES), panel.media, openPicture), $("#case-timeline"));
  render(lightboxTemplate(panel.lightbox, () => panel._closeLightbox()), $("#panel-lightbox"));
}

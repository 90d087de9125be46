// The incident panel's rules as pure functions (no DOM): which buttons, what a step sends, how times and ETAs read.
// Node's tests import this file (tests/frontend/panel.test.mjs), so it imports nothing that touches the page.
import { formatTime, lang, t } from "./i18n.js";
import "./panel-strings.js";

// Buttons in loop order; verify appears twice (pass / fail). The server's lifecycle decides which show.
export const STEP_BUTTONS = [
  { key: "accept", action: "accept" },
  { key: "route", action: "route" },
  { key: "dispatch", action: "dispatch" },
  { key: "withdraw", action: "withdraw" },
  { key: "start", action: "start" },
  { key: "feedback", action: "feedback" },
  { key: "verify", action: "verify", extra: { passed: true } },
  { key: "verify-fail", action: "verify", extra: { passed: false } },
  { key: "close", action: "close" },
  { key: "evaluate", action: "evaluate" },
  { key: "reject", action: "reject" },
  { key: "escalate", action: "escalate" },
  { key: "reopen", action: "reopen" },
  { key: "merge", action: "merge" },
];

const FINISHED = new Set(["closed", "evaluated", "rejected", "escalated", "merged"]);

/** Whether the town's work on a case is over (cases/lifecycle.py FINISHED). */
export function isFinished(status) {
  return FINISHED.has(status);
}

/** Whether this user's role may take the step, and, for roles bound to a team, whether that team is on the case. */
export function roleMayTake(step, user, teamIds = []) {
  if (!step || !user || !(step.roles || []).includes(user.role)) return false;
  if (!(step.assigned_team_only || []).includes(user.role)) return true;
  return user.team_id != null && user.team_id !== "" && teamIds.map(String).includes(String(user.team_id));
}

/**
 * The buttons a user sees on a case: steps the status allows (the server's next_actions when it sent them for this
 * status, else the lifecycle) that the role may take; the loop's next step first and marked primary.
 * Returns { buttons: [{ key, action, extra, primary, needs }], inputs: Set of "platform" | "team" | "note" |
 * "satisfaction" | "target" } — the inputs the shown steps read.
 */
export function buttonsFor({ lifecycle, status, platform = null, user, teamIds = [], serverNext = null }) {
  const steps = new Map(((lifecycle && lifecycle.actions) || []).map((a) => [a.action, a]));
  const allowed = (action) => {
    const step = steps.get(action);
    if (!step) return false;
    if (serverNext && serverNext.status === status) return serverNext.actions.includes(action);
    return step.allowed_from.includes(status) && roleMayTake(step, user, teamIds);
  };
  const buttons = [];
  for (const spec of STEP_BUTTONS) {
    if (!allowed(spec.action)) continue;
    const step = steps.get(spec.action);
    const failing = spec.extra && spec.extra.passed === false;
    // An unrouted case must be routed before anything else.
    const primary = !failing && (platform ? step.main_line && spec.action !== "route" : spec.action === "route");
    buttons.push({ ...spec, primary, needs: needsOf(spec, step) });
  }
  buttons.sort((a, b) => Number(b.primary) - Number(a.primary));
  const inputs = new Set(buttons.flatMap((b) => b.needs));
  if (buttons.length) inputs.add("note");
  return { buttons, inputs };
}

function needsOf(spec, step) {
  const needs = [];
  for (const need of step.requires || []) {
    if (need === "platform") needs.push("platform");
    else if (need === "satisfaction") needs.push("satisfaction");
    else if (need === "target_case_id") needs.push("target");
  }
  if (spec.action === "dispatch") needs.push("team");
  return needs;
}

/** Whether the step needs a written reason (the lifecycle's requires: note). */
export function needsReason(lifecycle, action) {
  const step = ((lifecycle && lifecycle.actions) || []).find((a) => a.action === action);
  return Boolean(step && (step.requires || []).includes("note"));
}

/**
 * The body of a step from the panel's inputs, or { error } naming what is missing.
 * inputs: { note, platform, team_id, satisfaction, target }.
 */
export function stepBody(spec, lifecycle, inputs) {
  const note = String(inputs.note || "").trim();
  if (needsReason(lifecycle, spec.action) && !note) return { error: t("panel.err.reason") };
  const body = { note, ...(spec.extra || {}) };
  if (spec.action === "route") {
    if (!inputs.platform) return { error: t("panel.err.platform") };
    body.platform = inputs.platform;
  }
  if (spec.action === "dispatch" && inputs.team_id) body.team_id = String(inputs.team_id);
  if (spec.action === "evaluate") body.satisfaction = Number(inputs.satisfaction || 5);
  if (spec.action === "merge") {
    const target = Number(String(inputs.target || "").replace(/^#/, ""));
    if (!Number.isInteger(target) || target < 1) return { error: t("panel.err.target") };
    body.target_case_id = target;
  }
  return { body };
}

/** A travel time as people say it: "约 4 分钟" / "about 4 min"; under a minute says so; none is "—". */
export function etaText(seconds) {
  if (seconds == null || !Number.isFinite(Number(seconds))) return "—";
  const s = Number(seconds);
  if (s < 60) return t("panel.eta.under_minute");
  return t("panel.eta.minutes", { n: Math.round(s / 60) });
}

/** Metres as "850 m" or "1.2 km". */
export function distanceText(metres) {
  if (metres == null || !Number.isFinite(Number(metres))) return "—";
  const m = Number(metres);
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`;
}

/** Where a stored file is served: a bare content hash is the case's attachment; a path or URL is kept. */
export function attachmentUrl(caseId, ref) {
  const text = String(ref || "");
  if (/^[0-9a-f]{64}$/i.test(text)) return `/api/cases/${encodeURIComponent(caseId)}/attachments/${text.toLowerCase()}`;
  return text;
}

function kindOf(contentType, ref) {
  if (/^image\//.test(contentType || "") || /\.(jpe?g|png|gif|webp)(\?|$)/i.test(ref)) return "image";
  if (/^audio\//.test(contentType || "") || /\.(mp3|m4a|aac|ogg|oga|wav|amr|webm)(\?|$)/i.test(ref)) return "audio";
  return "file";
}

/** Every file of a case once, in event order: { url, kind: image|audio|file, name, eventId }. */
export function caseFiles(caseId, events) {
  const types = new Map(); // sha256 -> content type, from the attach events
  for (const ev of events || []) if (ev.action === "attach" && ev.data && ev.data.sha256) types.set(ev.data.sha256, ev.data);
  const seen = new Set();
  const files = [];
  const add = (ref, data, eventId) => {
    const url = attachmentUrl(caseId, ref);
    if (!url || seen.has(url)) return;
    seen.add(url);
    const info = data || types.get(ref) || {};
    files.push({ url, kind: kindOf(info.content_type, info.ext || url), name: info.filename || ref, eventId });
  };
  for (const ev of events || []) {
    if (ev.action === "attach" && ev.data && ev.data.sha256) add(ev.data.sha256, ev.data, ev.id);
    for (const ref of ev.attachments || []) add(ref, null, ev.id);
  }
  return files;
}

/** The text of a key, or the fallback when no language has the key. */
export function textOr(key, fallback) {
  const text = t(key);
  return text === key ? String(fallback ?? "") : text;
}

/** A status in the current language. */
export function statusText(status, statuses) {
  const s = statuses && statuses[status];
  if (!s) return String(status ?? "");
  return lang() === "zh" ? s.zh : s.en;
}

/** The timeline's rows, oldest first: who (and in which role), when in Beijing time, from → to, note, files. */
export function timelineRows(caseId, events, statuses) {
  const files = caseFiles(caseId, events);
  return [...(events || [])]
    .sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0) || (a.id || 0) - (b.id || 0))
    .map((ev) => ({
      id: ev.id,
      action: ev.action,
      label: textOr(`panel.step.${ev.action}`, ev.action),
      actor: ev.actor || "—",
      role: ev.role ? textOr(`panel.role.${ev.role}`, ev.role) : "",
      at: formatTime(ev.at, "datetime"),
      from: ev.from_status && ev.from_status !== ev.to_status ? statusText(ev.from_status, statuses) : "",
      to: statusText(ev.to_status, statuses),
      toStatus: ev.to_status,
      note: ev.note || "",
      files: files.filter((f) => f.eventId === ev.id),
    }));
}

/** An open offer's state: { open, secondsLeft } (secondsLeft 0 once lapsed); null when the assignment is no offer. */
export function offerState(assignment, now = Date.now()) {
  if (!assignment || assignment.state !== "offered" || assignment.released_at) return null;
  const expires = Date.parse(assignment.offer_expires_at);
  const left = Number.isFinite(expires) ? Math.max(0, Math.round((expires - now) / 1000)) : null;
  return { open: left == null || left > 0, secondsLeft: left };
}

/** Whether a user may answer an offer: a member of the offered team, or the command room on its behalf. */
export function mayAnswerOffer(user, assignment) {
  if (!user || !assignment) return false;
  if (user.role === "admin" || user.role === "operator") return true;
  return user.role === "platform_member" && String(user.team_id || "") === String(assignment.team_id);
}

/** The tasks of a joint case, lead first, open before done. */
export function sortedTasks(tasks) {
  const rank = (x) => (x.role === "lead" ? 0 : 1) * 2 + (x.open ? 0 : 1);
  return [...(tasks || [])].sort((a, b) => rank(a) - rank(b) || (a.assignment_id || 0) - (b.assignment_id || 0));
}

/** Whether a user may add or cancel assisting tasks (the command room) or report one done (its team too). */
export function mayCommandTasks(user) {
  return Boolean(user && (user.role === "admin" || user.role === "operator"));
}

export function mayFinishTask(user, task) {
  if (!task || !task.open || task.role !== "assisting") return false;
  if (mayCommandTasks(user)) return true;
  return Boolean(user && user.role === "platform_member" && String(user.team_id || "") === String(task.team));
}

// Wires the command-room page together: login, initial loads, live stream, header counters.
import { api, CASES_LIMIT } from "./api.js";
import { session, SessionExpired } from "./auth.js";
import { LoginScreen, loginFailure } from "./login.js";
import { CommandMap } from "./map.js";
import { CaseList } from "./list.js";
import { CaseDetail } from "./detail.js";
import { Feed } from "./feed.js";
import { clockTime, distanceText, esc, fullTime, platformInfo, roleLabel, setLifecycle, statusLabel, actionLabel, isFinished } from "./labels.js";
import { store, on, emit, fromFeature, setAssignment, upsertCase, upsertTeam, gridPathText, teamName } from "./store.js";
import { mountQueues } from "./queues.js";
import { mountDashboard } from "./dashboard.js";

const HEALTH_EVERY_MS = 5000;
const STREAM_URL = "/api/events/stream";
const STREAM_KINDS = ["alert.raised", "alert.acknowledged", "alert.cleared", "alert.linked", "case.opened", "case.updated", "team.assigned", "team.released", "team.moved", "team.silent", "team.reporting", "team.accepted", "dispatch.no_team"];
const STREAM_RETRY_MS = 2000;
const STREAM_RETRY_MAX_MS = 60_000;

const $ = (sel) => document.querySelector(sel);

// ---- parts ---------------------------------------------------------------------------------

// Set once the first load is done: only cases that open after it pulse as just-arrived.
let liveReady = false;

const cmap = new CommandMap($("#map"));
const feed = new Feed({ list: $("#feed"), onSelectCase: (id) => selectCase(id) });
const list = new CaseList({
  list: $("#case-list"),
  count: $("#case-count"),
  scope: $("#case-scope"),
  platform: $("#case-platform"),
  onSelect: (id) => selectCase(id),
});
const detail = new CaseDetail({
  root: $("#case-detail"),
  map: cmap,
  onClose: () => {
    store.selectedId = null;
    cmap.selectCase(null);
    list.render();
  },
});
cmap.onCaseClick((id) => selectCase(id, { fly: false }));
mountQueues($("#queues-view")); mountDashboard($("#dashboard-view")); // views of their own sections (queues.js, dashboard.js)
cmap.rightInset = () => {
  const drawer = $("#case-detail");
  return drawer.hidden ? 0 : drawer.offsetWidth + 12;
};
cmap.setCamerasLoader(loadCameras);
cmap.setSectorsLoader((bbox) => api.cameraSectors(bbox));

function selectCase(id, { fly = true } = {}) {
  const key = String(id);
  store.selectedId = key;
  cmap.selectCase(key);
  list.render();
  requestAnimationFrame(() => list.scrollTo(key));
  const c = store.cases.get(key);
  // Open first: the drawer must be showing for the map to centre the case beside it.
  const loading = detail.open(key);
  if (c && fly) cmap.flyTo(c.lon, c.lat);
  else if (c) cmap.ensureVisible(c.lon, c.lat);
  loading.then(() => {
    const loaded = store.cases.get(key);
    if (!c && loaded && store.selectedId === key) cmap.flyTo(loaded.lon, loaded.lat);
  });
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && detail.isOpen && !e.target.closest("input, select, textarea")) detail.close();
});

// Any change to a case, whoever made it, goes through here to the map, list and counters.
on("case-changed", ({ case: c, isNew }) => {
  cmap.setCase(c, { fresh: isNew && liveReady });
  if (store.selectedId === String(c.id)) cmap.selectCase(c.id);
  list.render();
  updateLocalCounters();
});

// ---- initial load --------------------------------------------------------------------------

async function loadGrids() {
  const [villages, natural] = await Promise.allSettled([api.grids(2), api.grids(3)]);
  for (const r of [villages, natural]) {
    if (r.status === "fulfilled") for (const f of r.value.features || []) if (f.properties) store.grids.set(String(f.properties.code), f.properties);
  }
  cmap.loadGrids(villages.status === "fulfilled" ? villages.value : null, natural.status === "fulfilled" ? natural.value : null);
  if (villages.status === "rejected") toast(`Grids failed to load 网格加载失败: ${villages.reason.message}`);
}

async function loadTeams() {
  const fc = await api.teams();
  for (const f of fc.features || []) {
    const r = upsertTeam(fromFeature(f));
    if (r) cmap.setTeam(r.team, { animate: false });
  }
}

async function loadCases({ prune = false } = {}) {
  const fc = await api.cases();
  const features = fc.features || [];
  const seen = new Set();
  for (const f of features) {
    const r = upsertCase(fromFeature(f));
    if (!r) continue;
    seen.add(String(r.case.id));
    emit("case-changed", { ...r, isNew: false });
  }
  // After a gap, an open case the server no longer lists was closed (or purged) meanwhile:
  // drop it rather than show it open forever. Only when the answer was not cut at the limit.
  if (prune && features.length < CASES_LIMIT) {
    for (const id of [...store.cases.keys()]) {
      if (seen.has(id) || id === store.selectedId || store.closedHere.has(id)) continue;
      store.cases.delete(id);
      cmap.removeCase(id);
    }
    list.render();
    updateLocalCounters();
  }
}

/** Draw or remove an assignment's line as it starts or ends; its case may lie beyond the cases in hand. */
async function showAssignment(a) {
  if (!store.assignments.has(String(a.id))) {
    cmap.removeAssignment(a.id);
    return;
  }
  let c = store.cases.get(String(a.case_id));
  if (!c) {
    const { events, assignments, team, next_actions: _, ...fields } = await api.caseDetail(a.case_id);
    c = upsertCase(fields).case;
  }
  const team = store.teams.get(String(a.team_id));
  if (team && store.assignments.has(String(a.id))) cmap.drawAssignment(a, team, c);
}

on("assignment-changed", (a) => showAssignment(a).catch((err) => console.warn(`assignment ${a.id} not drawn`, err)));

/** Every active assignment, each drawn from its team to its case; lines of ended ones are removed. */
async function loadAssignments() {
  const page = await api.assignments();
  const active = new Set();
  for (const a of page.items || []) {
    if (setAssignment(a)) active.add(String(a.id));
    emit("assignment-changed", a);
  }
  for (const id of [...store.assignments.keys()]) {
    if (active.has(id)) continue;
    store.assignments.delete(id);
    cmap.removeAssignment(id);
  }
  list.render();
}

async function loadLifecycle() {
  setLifecycle(await api.lifecycle());
}

async function loadCategories() {
  for (const c of (await api.categories()) || []) if (c && c.code) store.categories.set(String(c.code), c.label || c.code);
}

async function loadCameras() {
  try {
    cmap.loadCameras(await api.cameras());
  } catch (err) {
    toast(`Cameras failed to load 监控加载失败: ${err.message}`);
  }
}

async function start() {
  const grids = loadGrids().catch((err) => toast(`Grids failed 网格加载失败: ${err.message}`));
  const teams = loadTeams().catch((err) => toast(`Teams failed to load 队伍加载失败: ${err.message}`));
  const cases = loadCases().catch((err) => toast(`Cases failed to load 案件加载失败: ${err.message}`));
  // Without labels the page shows category codes: worth no more than a console line.
  const categories = loadCategories().catch((err) => console.warn("categories failed to load", err));
  const rules = loadLifecycle().catch((err) => toast(`Lifecycle failed to load 流程规则加载失败: ${err.message}`));
  await Promise.all([grids, teams, cases, categories, rules]);
  await loadAssignments().catch((err) => toast(`Assignments failed to load 派遣加载失败: ${err.message}`));
  if (!cmap.townBounds) cmap.fitTown(false);
  list.render();
  detail.rerender();
  liveReady = true;
  document.body.dataset.ready = "true";
}

// ---- live stream ---------------------------------------------------------------------------

// EventSource cannot send a bearer header, so each connection is opened with a short-lived
// ticket; the page reconnects itself (a fresh ticket each time) from the last event it saw.
let source = null;
let streamWanted = false;
let streamAttempt = 0; // bumps on every (re)connect and stop, so a late answer is dropped
let reconnectTimer = null;
let hadError = false;
let retryMs = STREAM_RETRY_MS;
let lastEventId = null;

async function connectStream() {
  clearTimeout(reconnectTimer);
  closeSource();
  const attempt = ++streamAttempt;
  setLive(hadError ? "reconnecting" : "connecting");
  let ticket;
  try {
    ticket = (await api.streamTicket()).ticket;
  } catch (err) {
    if (attempt !== streamAttempt || !streamWanted) return;
    console.warn("stream ticket refused", err);
    streamFailed();
    return;
  }
  if (attempt !== streamAttempt || !streamWanted) return;
  const params = new URLSearchParams({ ticket });
  if (lastEventId != null) params.set("since", lastEventId);
  source = new EventSource(`${STREAM_URL}?${params}`);
  source.onopen = () => {
    setLive("live");
    retryMs = STREAM_RETRY_MS;
    // After a gap, re-read the cases in case the feed could not replay everything we missed.
    if (hadError) {
      loadCases({ prune: true }).then(loadAssignments).catch(() => {});
      loadTeams().catch(() => {});
    }
    hadError = false;
  };
  // Never let the browser retry on its own: it would reuse a ticket that has expired.
  source.onerror = () => {
    if (attempt !== streamAttempt) return;
    closeSource();
    streamFailed();
  };
  for (const kind of STREAM_KINDS) {
    source.addEventListener(kind, (e) => {
      if (/^\d+$/.test(e.lastEventId)) lastEventId = e.lastEventId;
      let data;
      try {
        data = JSON.parse(e.data);
      } catch {
        console.warn(`unreadable ${kind} message`, e.data);
        return;
      }
      try {
        handleEvent(kind, data, e.lastEventId);
      } catch (err) {
        console.error(`handling ${kind} failed`, err);
      }
    });
  }
}

/** Back off (with a little jitter so a room of screens does not reconnect in step), then retry. */
function streamFailed() {
  hadError = true;
  setLive("reconnecting");
  if (!streamWanted) return;
  const wait = retryMs * (0.8 + Math.random() * 0.4);
  retryMs = Math.min(retryMs * 2, STREAM_RETRY_MAX_MS);
  reconnectTimer = setTimeout(connectStream, wait);
}

function closeSource() {
  if (source) {
    source.onopen = source.onerror = null;
    source.close();
    source = null;
  }
}

function startStream() {
  streamWanted = true;
  retryMs = STREAM_RETRY_MS;
  connectStream();
}

function stopStream() {
  streamWanted = false;
  streamAttempt++;
  clearTimeout(reconnectTimer);
  closeSource();
  setLive("offline");
}

function setLive(state) {
  const el = $("#live-status");
  el.dataset.state = state;
  el.querySelector(".label").textContent = {
    live: "Live 实时",
    connecting: "Connecting 连接中",
    reconnecting: "Reconnecting 重连中",
    offline: "Offline 离线",
  }[state];
}

function handleEvent(kind, data, feedId) {
  switch (kind) {
    case "case.opened": {
      const r = upsertCase(data.case);
      if (!r) return;
      if (r.isNew) list.flash(r.case.id);
      emit("case-changed", r);
      const c = r.case;
      feed.push({
        kind, feedId, caseId: c.id, level: "new",
        tag: "New case 立案",
        text: `#${c.id} ${c.title} · ${platformInfo(c.platform).zh} · ${gridPathText(c.grid_path)}`,
      });
      break;
    }
    case "case.updated": {
      const r = upsertCase(data.case);
      if (!r) return;
      emit("case-changed", r);
      const c = r.case;
      const ev = data.event || {};
      feed.push({
        kind, feedId, caseId: c.id, level: isFinished(c.status) ? "done" : "",
        tag: actionLabel(ev.action) || statusLabel(c.status),
        text: `#${c.id} ${c.title} → ${statusLabel(ev.to_status || c.status)}${ev.actor ? ` · ${ev.actor}` : ""}${ev.note ? ` · ${ev.note}` : ""}`,
        at: ev.at || new Date(),
      });
      if (store.selectedId === String(c.id)) detail.refreshSoon();
      break;
    }
    case "team.assigned": {
      const t = upsertTeam(data.team);
      if (t) cmap.setTeam(t.team);
      const r = upsertCase(data.case);
      setAssignment(data.assignment);
      if (r) emit("case-changed", r);
      if (data.assignment) emit("assignment-changed", data.assignment);
      feed.push({
        kind, feedId, caseId: data.case_id,
        tag: "Assigned 派遣",
        text: `${data.team ? data.team.name : "?"} → #${data.case_id}${data.distance_m != null ? ` · ${distanceText(data.distance_m)}` : ""}${data.eta_s != null ? ` · ETA ${Math.max(1, Math.round(data.eta_s / 60))} min` : ""}`,
      });
      if (store.selectedId === String(data.case_id)) detail.rerender();
      break;
    }
    case "team.released": {
      setAssignment(data.assignment);
      const r = upsertCase(data.case);
      if (r) emit("case-changed", r);
      if (data.assignment) emit("assignment-changed", data.assignment);
      feed.push({ kind, feedId, caseId: data.case_id, level: "quiet", tag: "Released 收队", text: `${teamName(data.team_id)} ✓ #${data.case_id}` });
      if (store.selectedId === String(data.case_id)) detail.rerender();
      break;
    }
    case "team.accepted": {
      setAssignment(data.assignment);
      if (data.assignment) emit("assignment-changed", data.assignment);
      feed.push({ kind, feedId, caseId: data.case_id, level: "quiet", tag: "Accepted 接单", text: `${teamName(data.team_id)} → #${data.case_id}` });
      if (store.selectedId === String(data.case_id)) detail.rerender();
      break;
    }
    case "dispatch.no_team": {
      const r = upsertCase(data.case);
      if (r) emit("case-changed", r);
      feed.push({ kind, feedId, caseId: data.case_id, tag: "No team 无人接单", text: `#${data.case_id}: ${(data.refused_by || []).length} teams refused; dispatch again` });
      if (store.selectedId === String(data.case_id)) detail.rerender();
      break;
    }
    case "team.moved": {
      const t = upsertTeam(data.team);
      if (!t) return;
      cmap.setTeam(t.team);
      cmap.moveAssignmentsOf(t.team);
      if (t.before && t.before.status && t.before.status !== t.team.status) {
        feed.push({ kind, feedId, level: "quiet", tag: "Team 队伍", text: `${t.team.name || teamName(t.team.id)}: ${t.before.status} → ${t.team.status}` });
      }
      break;
    }
    case "team.silent":
    case "team.reporting": {
      // The phone stopped (or started again) reporting: the pin fades while its position is stale.
      const t = upsertTeam(data.team);
      if (!t) return;
      cmap.setTeam(t.team, { animate: false });
      const silent = kind === "team.silent";
      feed.push({
        kind, feedId, level: silent ? "warning" : "quiet", tag: silent ? "Silent 失联" : "Reporting 恢复",
        text: `${t.team.name || teamName(t.team.id)}${silent ? ": no position since 无定位自 " + fullTime(t.team.reported_at) : ""}`,
      });
      break;
    }
    case "alert.raised": {
      const a = data.alert || {};
      cmap.flashAlert(a);
      bumpCounter("#count-alerts");
      feed.push({
        kind, feedId, level: a.severity === "critical" ? "critical" : "warning",
        tag: a.severity === "critical" ? "Critical 严重告警" : "Alert 告警",
        text: `${a.sensor_kind || ""} ${a.metric}=${a.value} (limit 限值 ${a.limit}) · ${a.device_id} · ${gridPathText(a.grid_path)}`,
        at: a.raised_at || new Date(),
      });
      break;
    }
    case "alert.acknowledged":
    case "alert.cleared":
    case "alert.linked": {
      const a = data.alert || {};
      const what = { "alert.acknowledged": "acknowledged 已确认", "alert.cleared": "cleared 已解除",
                     "alert.linked": `linked to case 已关联案件 #${data.case_id}` }[kind];
      feed.push({ kind, feedId, level: "quiet", tag: "Alert 告警", caseId: data.case_id ?? null,
                  text: `${a.device_id} ${a.metric} · ${what}`, at: new Date() });
      break;
    }
    default:
      break;
  }
}

// ---- header counters -----------------------------------------------------------------------

let healthOpen = null;
let healthDispatched = null;

async function pollHealth() {
  try {
    const h = await api.health();
    const counts = (h && h.counts) || {};
    healthOpen = counts.open_cases ?? null;
    setCounter("#count-open", healthOpen ?? localOpen());
    setCounter("#count-alerts", counts.alerts_today);
    healthDispatched = counts.dispatched ?? null;
    setCounter("#count-dead", counts.dead_letters);
    $("#count-dead").closest(".counter").classList.toggle("warn", Number(counts.dead_letters) > 0);
    const health = $("#health");
    health.dataset.state = h.status === "ok" ? "ok" : "degraded";
    health.title = `API ${h.status} · store ${h.store ?? "?"} · last reading ${h.last_reading_at ?? "none"}`;
    health.textContent = h.status === "ok" ? `API ok · ${h.store ?? ""}` : `API ${h.status}`;
    showCalendarWarning(h.calendar);
  } catch (err) {
    const health = $("#health");
    health.dataset.state = "down";
    health.textContent = "API down 服务异常";
    health.title = err.message;
  }
  updateLocalCounters();
}

function localOpen() {
  let n = 0;
  for (const c of store.cases.values()) if (!isFinished(c.status)) n++;
  return n;
}

/** Count from the cases in hand until /healthz answers; the server's counts win after that. */
function updateLocalCounters() {
  if (healthDispatched == null) {
    let dispatched = 0;
    for (const c of store.cases.values()) if (c.status === "dispatched") dispatched++;
    setCounter("#count-dispatched", dispatched);
  } else {
    setCounter("#count-dispatched", healthDispatched);
  }
  if (healthOpen == null) setCounter("#count-open", localOpen());
}

/** Warn while a year deadlines need has no holiday schedule (deadlines then count Monday to Friday). */
function showCalendarWarning(calendar) {
  const box = $("#calendar-warning");
  const years = (calendar && calendar.status === "fallback" && calendar.uncovered_years) || [];
  box.hidden = years.length === 0;
  // textContent, never innerHTML: the years come from the server but the page escapes by default.
  box.textContent = years.length ? `No holiday schedule for ${years.join(", ")}: deadlines count Mon–Fri · ` +
    `未导入${years.join("、")}年节假日安排 (gridwatch calendar load)` : "";
}

function setCounter(sel, value) {
  const el = $(sel);
  const text = value == null ? "—" : String(value);
  if (el.textContent !== text) {
    el.textContent = text;
    el.classList.remove("bump");
    void el.offsetWidth; // restart the animation
    el.classList.add("bump");
  }
}

function bumpCounter(sel) {
  const n = Number($(sel).textContent);
  if (Number.isFinite(n)) setCounter(sel, n + 1);
}

// ---- small things --------------------------------------------------------------------------

function toast(text) {
  const box = $("#toasts");
  const div = document.createElement("div");
  div.className = "toast";
  div.setAttribute("role", "status");
  div.innerHTML = `<span>${esc(text)}</span>`;
  box.append(div);
  setTimeout(() => div.remove(), 8000);
}

function tickClock() {
  $("#clock").textContent = clockTime();
}

// ---- session -------------------------------------------------------------------------------

// Nothing is fetched until someone has logged in; the page's data belongs to that person.
let loadedFor = null; // who the data on the page was loaded for (see userKey)
let healthTimer = null;
let shownUser = null; // the user named in the header

const login = new LoginScreen({
  root: document.body,
  form: $("#login-form"),
  username: $("#login-username"),
  password: $("#login-password"),
  submit: $("#login-submit"),
  message: $("#login-error"),
  app: [$("#topbar"), $("#main"), $("#feed-bar")],
  logIn: (username, password) => session.login(username, password),
  onLoggedIn: (user) => enter(user),
});

function showLogin(message = "", kind = "error") {
  $("#toasts").replaceChildren();
  login.show(message, kind);
}

/** Show the page for a logged-in user: the first time load everything, after a lapse catch up. */
function enter(user) {
  const key = userKey(user);
  if (loadedFor != null && loadedFor !== key) {
    // Someone else (or the same person with another role): what is on the page may be outside
    // their reach. The new refresh token is stored, so a reload starts clean and logged in.
    location.reload();
    return;
  }
  showUser(user);
  login.hide();
  if (loadedFor == null) {
    loadedFor = key;
    startStream();
    start();
  } else {
    startStream();
    loadCases({ prune: true }).then(loadAssignments).catch((err) => toast(`Cases failed to load 案件加载失败: ${err.message}`));
    loadTeams().catch(() => {});
  }
  pollHealth();
  clearInterval(healthTimer);
  healthTimer = setInterval(pollHealth, HEALTH_EVERY_MS);
}

/** What decides which data a user may see: the name, role and reach. */
function userKey(user) {
  const { username, role, platform, team_id: teamId, grid_codes: grids } = user || {};
  return JSON.stringify([username, role, platform ?? null, teamId ?? null, [...(grids || [])].sort()]);
}

function showUser(user) {
  shownUser = user;
  const el = $("#current-user");
  el.dataset.role = user.role || "";
  el.querySelector(".user-name").textContent = user.display_name || user.username;
  el.querySelector(".user-role").textContent = roleLabel(user.role);
  const reach = [
    user.username,
    user.platform ? platformInfo(user.platform).zh : "",
    user.team_id ? `team 队伍 ${teamName(user.team_id)}` : "",
    user.grid_codes && user.grid_codes.length ? `grids 网格 ${user.grid_codes.join(", ")}` : "",
  ].filter(Boolean);
  el.title = reach.join(" · ");
  detail.setUser(user);
}

session.onUser((user) => {
  if (loadedFor != null && userKey(user) !== loadedFor) location.reload();
  else if (document.body.dataset.auth === "in") showUser(user);
});

session.onEnded((reason) => {
  stopStream();
  clearInterval(healthTimer);
  if (reason === "logout") {
    // Start from a clean page: nothing of this user's data stays in memory.
    location.reload();
    return;
  }
  // The same person will most likely log back in: spare them typing their name again.
  if (shownUser) login.suggestUsername(shownUser.username);
  showLogin("Session expired 会话已过期", "notice");
});

$("#logout").addEventListener("click", async () => {
  $("#logout").disabled = true;
  await session.logout();
});

tickClock();
setInterval(tickClock, 1000);
// "New" (pulsing) is partly a matter of age, so restyle the markers now and then.
setInterval(() => {
  for (const c of store.cases.values()) cmap.setCase(c);
}, 60_000);

session
  .resume()
  .then((user) => (user ? enter(user) : showLogin()))
  .catch((err) =>
    err instanceof SessionExpired ? showLogin("Session expired 会话已过期", "notice") : showLogin(loginFailure(err)),
  );

// Wires the command-room page together: its parts, the initial loads, the live stream and the session.
// Each job lives in its own module: live-stream.js (the connection), live-events.js (what an event does),
// header-*.js (counters, language, user), live-sound.js (the chime), views.js (map, queues, dashboard).
import { api, CASES_LIMIT } from "./api.js";
import { session, SessionExpired } from "./auth.js";
import { LoginScreen, loginFailure } from "./login.js";
import { CommandMap } from "./map.js";
import { CaseList } from "./list.js";
import { CaseDetail } from "./detail.js";
import { Feed } from "./feed.js";
import { addStrings, onLangChange, t } from "./i18n.js";
import { setLifecycle } from "./labels.js";
import { store, on, emit, fromFeature, setAssignment, upsertCase, upsertTeam } from "./store.js";
import { showView, onViewChange, startViews } from "./views.js";
import { mountLanguageSwitch } from "./header-lang.js";
import { bumpAlerts, refreshQueues, startCounters, startHeader, stopCounters, updateLocalCounters } from "./header-counters.js";
import { showUser, shownUser } from "./header-user.js";
import { chime, mountMuteToggle } from "./live-sound.js";
import { LiveStream } from "./live-stream.js";
import { eventHandler } from "./live-events.js";

const $ = (sel) => document.querySelector(sel);

addStrings({
  zh: {
    "load.grids": "网格加载失败：{e}", "load.teams": "队伍加载失败：{e}", "load.cases": "案件加载失败：{e}",
    "load.rules": "流程规则加载失败：{e}", "load.assignments": "派遣加载失败：{e}", "load.cameras": "监控加载失败：{e}",
    "live.live": "实时", "live.connecting": "连接中", "live.reconnecting": "重连中", "live.offline": "离线",
  },
  en: {
    "load.grids": "Grids failed to load: {e}", "load.teams": "Teams failed to load: {e}", "load.cases": "Cases failed to load: {e}",
    "load.rules": "Lifecycle failed to load: {e}", "load.assignments": "Assignments failed to load: {e}",
    "load.cameras": "Cameras failed to load: {e}",
    "live.live": "Live", "live.connecting": "Connecting", "live.reconnecting": "Reconnecting", "live.offline": "Offline",
  },
});

// ---- parts ---------------------------------------------------------------------------------

// Set once the first load is done: only cases that open after it pulse as just-arrived.
let liveReady = false;

const cmap = new CommandMap($("#map"));
const feed = new Feed({ list: $("#feed"), onSelectCase: (id) => selectCase(id) });
const list = new CaseList({
  list: $("#case-list"), count: $("#case-count"), scope: $("#case-scope"), platform: $("#case-platform"),
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
cmap.rightInset = () => {
  const drawer = $("#case-detail");
  return drawer.hidden ? 0 : drawer.offsetWidth + 12;
};
cmap.setCamerasLoader(loadCameras);
cmap.setSectorsLoader((bbox) => api.cameraSectors(bbox));

function selectCase(id, { fly = true } = {}) {
  const key = String(id);
  showView("map");
  store.selectedId = key;
  list.seen(key);
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

// Other views (queues, dashboard) open a case through the DOM, never through an import of this module.
document.addEventListener("gw:select-case", (e) => {
  if (e.detail && e.detail.id != null) selectCase(e.detail.id);
});

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

// Leaflet measures its box while hidden as zero: tell it the size once the map is shown again.
onViewChange((name) => {
  if (name === "map" && cmap.map) requestAnimationFrame(() => cmap.map.invalidateSize());
});
onLangChange(() => detail.rerender());

// ---- initial load --------------------------------------------------------------------------

async function loadGrids() {
  const [villages, natural] = await Promise.allSettled([api.grids(2), api.grids(3)]);
  for (const r of [villages, natural]) {
    if (r.status === "fulfilled") for (const f of r.value.features || []) if (f.properties) store.grids.set(String(f.properties.code), f.properties);
  }
  cmap.loadGrids(villages.status === "fulfilled" ? villages.value : null, natural.status === "fulfilled" ? natural.value : null);
  if (villages.status === "rejected") toast(t("load.grids", { e: villages.reason.message }));
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

async function loadCategories() {
  for (const c of (await api.categories()) || []) if (c && c.code) store.categories.set(String(c.code), c.label || c.code);
}

async function loadCameras() {
  try {
    cmap.loadCameras(await api.cameras());
  } catch (err) {
    toast(t("load.cameras", { e: err.message }));
  }
}

async function start() {
  const failed = (key) => (err) => toast(t(key, { e: err.message }));
  const grids = loadGrids().catch(failed("load.grids"));
  const teams = loadTeams().catch(failed("load.teams"));
  const cases = loadCases().catch(failed("load.cases"));
  // Without labels the page shows category codes: worth no more than a console line.
  const categories = loadCategories().catch((err) => console.warn("categories failed to load", err));
  const rules = api.lifecycle().then(setLifecycle).catch(failed("load.rules"));
  await Promise.all([grids, teams, cases, categories, rules]);
  await loadAssignments().catch(failed("load.assignments"));
  if (!cmap.townBounds) cmap.fitTown(false);
  list.render();
  detail.rerender();
  liveReady = true;
  document.body.dataset.ready = "true";
}

/** Re-read cases, assignments and teams after a gap: what a replay cannot tell (a purge) shows up here. */
function catchUp() {
  loadCases({ prune: true }).then(loadAssignments).catch((err) => toast(t("load.cases", { e: err.message })));
  loadTeams().catch(() => {});
  refreshQueues();
}

// ---- live stream ---------------------------------------------------------------------------

function urgent() {
  chime();
  document.body.classList.remove("urgent-flash");
  void document.body.offsetWidth; // restart the animation
  document.body.classList.add("urgent-flash");
}

const stream = new LiveStream({
  onEvent: eventHandler({ cmap, list, detail, feed, onUrgent: urgent, onActivity: refreshQueues, onAlert: bumpAlerts }),
  onState: setLive,
  onCaughtUp: catchUp,
});
// The page's own hook for a dropped connection (browser tests, operators checking the replay).
document.addEventListener("gw:drop-stream", () => stream.drop());

let liveState = "connecting";
function setLive(state) {
  liveState = state;
  const el = $("#live-status");
  el.dataset.state = state;
  el.querySelector(".label").textContent = t(`live.${state}`);
}
onLangChange(() => setLive(liveState));

// ---- small things --------------------------------------------------------------------------

function toast(text) {
  const div = document.createElement("div");
  div.className = "toast";
  div.setAttribute("role", "status");
  div.textContent = text; // the page escapes by default: never innerHTML
  $("#toasts").append(div);
  setTimeout(() => div.remove(), 8000);
}

// ---- session -------------------------------------------------------------------------------

// Nothing is fetched until someone has logged in; the page's data belongs to that person.
let loadedFor = null; // who the data on the page was loaded for (see userKey)

const login = new LoginScreen({
  root: document.body, form: $("#login-form"), username: $("#login-username"), password: $("#login-password"),
  submit: $("#login-submit"), message: $("#login-error"), app: [$("#topbar"), $("#main"), $("#feed-bar")],
  logIn: (username, password) => session.login(username, password),
  onLoggedIn: (user) => enter(user),
});

function showLogin(message = "", kind = "error") {
  $("#toasts").replaceChildren();
  login.show(message, kind);
}

function enterUser(user) {
  showUser(user);
  detail.setUser(user);
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
  enterUser(user);
  login.hide();
  if (loadedFor == null) {
    loadedFor = key;
    stream.start();
    start();
  } else {
    stream.start();
    catchUp();
  }
  startCounters();
}

/** What decides which data a user may see: the name, role and reach. */
function userKey(user) {
  const { username, role, platform, team_id: teamId, grid_codes: grids } = user || {};
  return JSON.stringify([username, role, platform ?? null, teamId ?? null, [...(grids || [])].sort()]);
}

session.onUser((user) => {
  if (loadedFor != null && userKey(user) !== loadedFor) location.reload();
  else if (document.body.dataset.auth === "in") enterUser(user);
});

session.onEnded((reason) => {
  stream.stop();
  stopCounters();
  if (reason === "logout") {
    // Start from a clean page: nothing of this user's data stays in memory.
    location.reload();
    return;
  }
  // The same person will most likely log back in: spare them typing their name again.
  if (shownUser()) login.suggestUsername(shownUser().username);
  showLogin(t("login.expired"), "notice");
});

$("#logout").addEventListener("click", async () => {
  $("#logout").disabled = true;
  await session.logout();
});
// A queue counter opens the queues view.
$("#queue-counters").addEventListener("click", (e) => {
  if (e.target.closest("[data-open-queue]")) showView("queues");
});

mountLanguageSwitch($("#lang-switch"));
mountMuteToggle($("#sound-slot"));
startHeader();
startViews();
// "New" (pulsing) is partly a matter of age, so restyle the markers now and then.
setInterval(() => {
  for (const c of store.cases.values()) cmap.setCase(c);
}, 60_000);

session
  .resume()
  .then((user) => (user ? enter(user) : showLogin()))
  .catch((err) => (err instanceof SessionExpired ? showLogin(t("login.expired"), "notice") : showLogin(loginFailure(err))));

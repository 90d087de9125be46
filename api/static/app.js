// Wires the command-room page together: its parts, the initial loads, the live stream and the session.
// Each job lives in its own module: live-stream.js (the connection), live-events.js (what an event does),
// header-*.js (counters, language, user), live-sound.js (the chime), views.js (map, queues, dashboard).
import { api } from "./api.js";
import { session, SessionExpired } from "./auth.js";
import { LoginScreen, loginFailure } from "./login.js";
import { CommandMap } from "./map.js";
import { CaseList } from "./list.js";
import { CaseDetail } from "./detail.js";
import { Feed } from "./feed.js";
import { addStrings, onLangChange, t } from "./i18n.js";
import { store, on } from "./store.js";
import { PageData } from "./live-data.js";
import { showView, onViewChange, startViews } from "./views.js";
import { mountLanguageSwitch } from "./header-lang.js";
import { bumpAlerts, refreshQueues, startCounters, startHeader, stopCounters, updateLocalCounters } from "./header-counters.js";
import { showUser, shownUser } from "./header-user.js";
import { chime, mountMuteToggle } from "./live-sound.js";
import { LiveStream } from "./live-stream.js";
import { eventHandler } from "./live-events.js";
import { mountQueues } from "./queues.js";
import { mountReportLinks } from "./header-report.js";
import { mountDashboard } from "./dashboard.js";

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
mountQueues($("#queues-view")); mountDashboard($("#dashboard-view")); // views of their own sections (queues.js, dashboard.js)
mountReportLinks([$("#weekly-report"), $("#weekly-report-pdf")], { onError: (text) => toast(text) });
cmap.onCaseClick((id) => selectCase(id, { fly: false }));
cmap.rightInset = () => {
  const drawer = $("#case-detail");
  return drawer.hidden ? 0 : drawer.offsetWidth + 12;
};
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
onLangChange(() => {
  detail.rerender();
  // Longer labels may wrap the top bar onto a second row: the map's box changes without a window resize.
  if (cmap.map) requestAnimationFrame(() => cmap.map.invalidateSize());
});

// ---- initial load --------------------------------------------------------------------------

const data = new PageData({ cmap, list, toast, onCountsChanged: updateLocalCounters });
cmap.setCamerasLoader(() => data.loadCameras());

async function start() {
  await data.start();
  if (!cmap.townBounds) cmap.fitTown(false);
  list.render();
  detail.rerender();
  liveReady = true;
  document.body.dataset.ready = "true";
}

function catchUp() {
  data.catchUp();
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

// The grid staff's phone page: log in, write or dictate a report, take photos, record audio, take the position,
// send it all in one request (POST /api/cases/intake); see my grid's open cases and my tasks.
// Views are built with DOM APIs and textContent only: case text comes from citizens.
import { ApiError, api } from "../api.js";
import { SessionExpired, session } from "../auth.js";

const $ = (id) => document.getElementById(id);
// Finished cases leave both lists (cases.lifecycle.FINISHED).
const FINISHED = new Set(["closed", "evaluated", "rejected", "escalated", "merged"]);
const LIST_LIMIT = 100;
const attached = []; // {file: File|Blob, name, label}
let statusLabels = {};
let categoryLabels = {};

// ---- session ------------------------------------------------------------------------------------------------
function showLoggedIn(user) {
  document.body.dataset.auth = "in";
  $("app").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = user ? `${user.display_name || user.username}` : "";
  loadCategories();
  loadLabels();
}

function showLogin(text = "") {
  document.body.dataset.auth = "out";
  $("app").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  say($("login-message"), text, "error");
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = $("username").value.trim();
  const password = $("password").value;
  if (!username || !password) return say($("login-message"), "请输入用户名和密码 Enter username and password", "error");
  $("login-submit").disabled = true;
  try {
    showLoggedIn(await session.login(username, password));
    $("password").value = "";
  } catch (err) {
    say($("login-message"), err instanceof ApiError && err.status === 401
      ? "用户名或密码错误 Wrong username or password" : errorText(err), "error");
  } finally {
    $("login-submit").disabled = false;
  }
});

$("logout").addEventListener("click", () => session.logout());
session.onEnded((reason) => showLogin(reason === "expired" ? "会话已过期，请重新登录 Session expired, log in again" : ""));

// ---- tabs ---------------------------------------------------------------------------------------------------
for (const tab of document.querySelectorAll("[data-tab]")) {
  tab.addEventListener("click", () => openTab(tab.dataset.tab));
}

function openTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    $(`tab-${tab.dataset.tab}`).hidden = tab.dataset.tab !== name;
  }
  if (name === "grid") loadCases($("grid-cases"), {});
  if (name === "tasks") loadCases($("my-cases"), { mine: "true" });
}

// ---- the report ---------------------------------------------------------------------------------------------
async function loadCategories() {
  try {
    const select = $("category");
    const categories = await api.categories();
    select.replaceChildren(new Option("自动分类 Auto", "auto"));
    categoryLabels = Object.fromEntries(categories.map((c) => [c.code, c.label]));
    for (const c of categories) select.add(new Option(`${c.label} (${c.code})`, c.code));
  } catch (err) {
    console.warn("categories could not be loaded; reports are classified automatically", err);
  }
}

async function loadLabels() {
  try {
    const lifecycle = await api.lifecycle();
    statusLabels = Object.fromEntries(lifecycle.statuses.map((s) => [s.code, s.label]));
  } catch {
    statusLabels = {};
  }
}

// Dictation where the browser offers it (Chrome on Android, Safari): the button stays hidden elsewhere.
const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
if (Recognition) {
  const button = $("dictate");
  button.hidden = false;
  let listening = null;
  button.addEventListener("click", () => {
    if (listening) return listening.stop();
    const recognition = new Recognition();
    recognition.lang = "zh-CN";
    recognition.interimResults = false;
    recognition.onresult = (event) => {
      const text = Array.from(event.results).map((r) => r[0].transcript).join("");
      const box = $("description");
      box.value = box.value ? `${box.value}${text}` : text;
      if (!$("title").value) $("title").value = text.slice(0, 30);
    };
    recognition.onend = () => {
      listening = null;
      button.setAttribute("aria-pressed", "false");
    };
    recognition.onerror = (event) => say($("report-message"), `语音输入失败 Dictation failed: ${event.error}`, "error");
    listening = recognition;
    button.setAttribute("aria-pressed", "true");
    recognition.start();
  });
}

$("photos").addEventListener("change", (event) => {
  for (const file of event.target.files) addFile(file, file.name, `📷 ${file.name}`);
  event.target.value = ""; // the same photo may be taken again
});

// Audio where MediaRecorder and a microphone exist; the browser picks its format (WebM/Ogg Opus, or MP4).
if (window.MediaRecorder && navigator.mediaDevices?.getUserMedia) {
  const button = $("record");
  button.hidden = false;
  let recorder = null;
  let startedAt = 0;
  button.addEventListener("click", async () => {
    if (recorder) return recorder.stop();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      return say($("report-message"), `无法录音 Cannot record: ${err.message}`, "error");
    }
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      const type = recorder.mimeType || "audio/webm";
      const ext = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      addFile(new Blob(chunks, { type }), `voice-${Date.now()}.${ext}`, `🎙 录音 Audio ${seconds}s`);
      recorder = null;
      button.setAttribute("aria-pressed", "false");
      button.textContent = "🎙 录音 Record audio";
    };
    startedAt = Date.now();
    recorder.start();
    button.setAttribute("aria-pressed", "true");
    button.textContent = "⏹ 停止 Stop";
  });
}

function addFile(file, name, label) {
  attached.push({ file, name, label });
  renderFiles();
}

function renderFiles() {
  const list = $("files");
  list.replaceChildren(...attached.map((item, i) => {
    const li = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = item.label;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "移除 Remove";
    remove.addEventListener("click", () => {
      attached.splice(i, 1);
      renderFiles();
    });
    li.append(text, remove);
    return li;
  }));
}

$("locate").addEventListener("click", () => {
  if (!navigator.geolocation) return say($("position-text"), "此浏览器不能定位 No geolocation here", "error");
  say($("position-text"), "定位中… Locating…");
  navigator.geolocation.getCurrentPosition((pos) => {
    $("lon").value = pos.coords.longitude.toFixed(6);
    $("lat").value = pos.coords.latitude.toFixed(6);
    say($("position-text"), `±${Math.round(pos.coords.accuracy)} m · ${$("lon").value}, ${$("lat").value}`, "ok");
  }, (err) => say($("position-text"), `定位失败 Position unavailable: ${err.message}`, "error"),
  { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
});

$("report-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const message = $("report-message");
  const lon = Number($("lon").value);
  const lat = Number($("lat").value);
  if (!$("title").value.trim()) return say(message, "请填写标题 Enter a title", "error");
  if (!$("lon").value || !$("lat").value || Number.isNaN(lon) || Number.isNaN(lat)) {
    return say(message, "请获取或填写位置 Take or enter the position", "error");
  }
  const form = new FormData();
  form.set("title", $("title").value.trim());
  form.set("description", $("description").value.trim());
  form.set("category", $("category").value);
  form.set("lon", String(lon));
  form.set("lat", String(lat));
  form.set("reporter", $("reporter").value.trim());
  form.set("reporter_phone", $("reporter-phone").value.trim());
  for (const item of attached) form.append("files", item.file, item.name);
  $("send").disabled = true;
  say(message, "提交中… Sending…");
  try {
    const made = await api.intake(form);
    const files = made.events.filter((e) => e.action === "attach").length;
    const triage = made.triage ? " · 待人工分类 waiting for triage" : "";
    say(message, `已提交 Sent: #${made.id} ${made.category}${triage} · ${files} 个附件 files`, "ok");
    $("report-form").reset();
    attached.length = 0;
    renderFiles();
    $("position-text").textContent = "";
  } catch (err) {
    say(message, errorText(err), "error");
  } finally {
    $("send").disabled = false;
  }
});

// ---- lists --------------------------------------------------------------------------------------------------
async function loadCases(list, query) {
  list.replaceChildren(item("加载中… Loading…"));
  try {
    const page = await api.caseList({ ...query, limit: LIST_LIMIT });
    const open = page.items.filter((c) => !FINISHED.has(c.status));
    list.replaceChildren(...(open.length ? open.map(caseItem) : [item("暂无 None")]));
  } catch (err) {
    list.replaceChildren(item(errorText(err)));
  }
}

function caseItem(c) {
  const li = document.createElement("li");
  li.dataset.caseId = c.id;
  const title = document.createElement("div");
  title.className = "title";
  title.textContent = `#${c.id} ${c.title}`;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = [statusLabels[c.status] || c.status, categoryLabels[c.category] || c.category,
    c.grid_path.at(-1) || "",
    new Date(c.created_at).toLocaleString("zh-CN")].filter(Boolean).join(" · ");
  li.append(title, meta);
  if (c.triage) {
    const flag = document.createElement("div");
    flag.className = "meta triage";
    flag.textContent = "待人工分类 Waiting for triage";
    li.append(flag);
  }
  return li;
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

// ---- helpers ------------------------------------------------------------------------------------------------
function say(el, text, kind = "") {
  el.textContent = text;
  el.className = el.className.replace(/\b(ok|error)\b/g, "").trim();
  if (kind) el.classList.add(kind);
}

function errorText(err) {
  if (err instanceof ApiError) return `${err.status}: ${err.message}`;
  return `网络错误 Network error: ${err.message}`;
}

// A reload keeps the session (auth.js keeps the refresh token for this tab).
session.resume().then((user) => (user ? showLoggedIn(user) : showLogin()), (err) => {
  showLogin(err instanceof SessionExpired ? "会话已过期，请重新登录 Session expired, log in again" : "");
});

// The header's figures: open, dispatched, alerts today and dead letters (from /healthz, counted locally until
// it answers), what waits per queue (GET /api/queues), the API's health, the calendar warning and the clock.
import { html, nothing, render } from "./vendor/lit-html/lit-html.js";
import { api, ApiError } from "./api.js";
import { addStrings, formatNumber, onLangChange, t } from "./i18n.js";
import { clockTime, isFinished } from "./labels.js";
import { QUEUES, queueCounts, throttle } from "./live-logic.js";
import { store } from "./store.js";

const HEALTH_EVERY_MS = 5000;
const $ = (sel) => document.querySelector(sel);

addStrings({
  zh: {
    "queue.to_accept": "待受理", "queue.to_route": "待分流", "queue.overdue": "超期", "queue.escalated": "已上报",
    "queue.to_verify": "待核查", "queue.triage": "待分类", "queues.label": "待办队列",
    "health.ok": "服务正常 · {store}", "health.bad": "服务 {status}", "health.down": "服务异常",
    "health.title": "API {status} · 存储 {store} · 最近读数 {reading}",
    "calendar.warning": "未导入 {years} 年节假日安排：期限按周一至周五计算 (gridwatch calendar load)",
  },
  en: {
    "queue.to_accept": "To accept", "queue.to_route": "To route", "queue.overdue": "Overdue", "queue.escalated": "Escalated",
    "queue.to_verify": "To verify", "queue.triage": "Triage", "queues.label": "Waiting per queue",
    "health.ok": "API ok · {store}", "health.bad": "API {status}", "health.down": "API down",
    "health.title": "API {status} · store {store} · last reading {reading}",
    "calendar.warning": "No holiday schedule for {years}: deadlines count Mon–Fri (gridwatch calendar load)",
  },
});

let healthOpen = null;
let healthDispatched = null;
let lastHealth = null; // the last /healthz answer (or error), re-rendered on a language switch
let queues = null; // counts by queue, or null while GET /api/queues is missing (404) or unanswered
let queuesMissing = false;
let healthTimer = null;

function setCounter(sel, value) {
  const el = $(sel);
  const text = value == null ? "—" : formatNumber(value);
  if (el.textContent !== text) {
    el.textContent = text;
    el.classList.remove("bump");
    void el.offsetWidth; // restart the animation
    el.classList.add("bump");
  }
}

/** One more alert today, before /healthz says so. */
export function bumpAlerts() {
  const el = $("#count-alerts");
  const n = Number(el.dataset.value ?? NaN);
  if (Number.isFinite(n)) {
    el.dataset.value = String(n + 1);
    setCounter("#count-alerts", n + 1);
  }
}

async function pollHealth() {
  try {
    lastHealth = await api.health();
  } catch (err) {
    lastHealth = { error: err.message };
  }
  drawHealth();
  updateLocalCounters();
}

function drawHealth() {
  const h = lastHealth;
  if (!h) return;
  const health = $("#health");
  if (h.error) {
    health.dataset.state = "down";
    health.textContent = t("health.down");
    health.title = h.error;
    return;
  }
  const counts = h.counts || {};
  healthOpen = counts.open_cases ?? null;
  setCounter("#count-open", healthOpen ?? localOpen());
  $("#count-alerts").dataset.value = String(counts.alerts_today ?? "");
  setCounter("#count-alerts", counts.alerts_today);
  healthDispatched = counts.dispatched ?? null;
  setCounter("#count-dead", counts.dead_letters);
  $("#count-dead").closest(".counter").classList.toggle("warn", Number(counts.dead_letters) > 0);
  health.dataset.state = h.status === "ok" ? "ok" : "degraded";
  health.title = t("health.title", { status: h.status, store: h.store ?? "?", reading: h.last_reading_at ?? "—" });
  health.textContent = h.status === "ok" ? t("health.ok", { store: h.store ?? "" }) : t("health.bad", { status: h.status });
  showCalendarWarning(h.calendar);
}

function localOpen() {
  let n = 0;
  for (const c of store.cases.values()) if (!isFinished(c.status)) n++;
  return n;
}

/** Count from the cases in hand until /healthz answers; the server's counts win after that. */
export function updateLocalCounters() {
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
  box.textContent = years.length ? t("calendar.warning", { years: years.join(", ") }) : "";
}

// ---- what waits, per queue -----------------------------------------------------------------

async function loadQueues() {
  if (queuesMissing) return;
  try {
    queues = queueCounts(await api.queues());
  } catch (err) {
    // Until the queues route exists (or for a role it refuses) the counters stay hidden.
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) queuesMissing = true;
    else console.warn("queue counts not loaded", err);
    queues = null;
  }
  drawQueues();
}

function drawQueues() {
  const box = $("#queue-counters");
  box.hidden = queues == null;
  if (queues == null) return render(nothing, box);
  render(
    QUEUES.map((q) => html`<li class="queue-counter" data-queue=${q} data-count=${queues[q] ?? ""}
      ?data-waiting=${Number(queues[q]) > 0}><button type="button" data-open-queue=${q} title=${t("queue." + q)}>
      <span class="num">${queues[q] == null ? "—" : formatNumber(queues[q])}</span><span class="lbl">${t("queue." + q)}</span>
      </button></li>`),
    box,
  );
}

/** Refresh the queue counters soon: feed events call this, at most one request goes out a second. */
export const refreshQueues = throttle(() => loadQueues(), { gapMs: 1000 });

// ---- start and stop ------------------------------------------------------------------------

function tickClock() {
  $("#clock").textContent = clockTime();
}

/** Start the clock and wire the language switch; done once when the page loads. */
export function startHeader() {
  tickClock();
  setInterval(tickClock, 1000);
  $("#queue-counters").setAttribute("aria-label", t("queues.label"));
  onLangChange(() => {
    drawHealth();
    drawQueues();
    $("#queue-counters").setAttribute("aria-label", t("queues.label"));
  });
}

/** Poll /healthz and load the queue counters for a logged-in user. */
export function startCounters() {
  pollHealth();
  loadQueues();
  clearInterval(healthTimer);
  healthTimer = setInterval(pollHealth, HEALTH_EVERY_MS);
}

export function stopCounters() {
  clearInterval(healthTimer);
}

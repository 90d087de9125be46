// Pure logic of the queues and dashboard views (no DOM, so Node's test runner checks it: tests/frontend/queues.test.mjs).
import { addStrings, formatNumber, formatTime, t } from "./i18n.js";

// The work queues in the order GET /api/queues answers them (cases/queues.py defines each).
export const QUEUES = ["to_accept", "to_route", "overdue", "escalated", "to_verify", "triage"];
export const PERIODS = ["today", "week", "month"];
export const PAGE_SIZE = 50;

addStrings({
  zh: { "dash.period.today": "今日", "dash.period.week": "本周", "dash.period.month": "本月" },
  en: { "dash.period.today": "Today", "dash.period.week": "This week", "dash.period.month": "This month" },
});

/**
 * What a key press asks of the queues view, or null for keys it leaves alone:
 * {move: +1|-1}, {open: true}, {action: "accept"|"route"|"reject"}, {queue: name}, {help: true}, {escape: true}.
 * A key with Ctrl, Alt or Meta is the browser's or the system's, never the view's.
 */
export function keyToMove(key, { ctrlKey = false, altKey = false, metaKey = false } = {}) {
  if (ctrlKey || altKey || metaKey) return null;
  switch (key) {
    case "j": case "ArrowDown": return { move: 1 };
    case "k": case "ArrowUp": return { move: -1 };
    case "Enter": return { open: true };
    case "a": return { action: "accept" };
    case "r": return { action: "route" };
    case "x": return { action: "reject" };
    case "?": return { help: true };
    case "Escape": return { escape: true };
    default: break;
  }
  const n = /^[1-9]$/.test(key) ? Number(key) : 0;
  return n >= 1 && n <= QUEUES.length ? { queue: QUEUES[n - 1] } : null;
}

/** The row selected after moving by step from index in a list of length rows: clamped, none selected yet starts at 0. */
export function moveIndex(index, step, length) {
  if (length <= 0) return -1;
  if (index < 0 || index >= length) return step < 0 ? length - 1 : 0;
  return Math.min(length - 1, Math.max(0, index + step));
}

function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== "") q.set(key, String(value));
  return q.toString();
}

/** GET /api/queues for the filters chosen. */
export function queuesUrl({ platform = "", grid = "" } = {}) {
  const q = query({ platform, grid });
  return q ? `/api/queues?${q}` : "/api/queues";
}

/** GET /api/cases for one queue's page (newest first, as the API lists). */
export function queueCasesUrl(queue, { platform = "", grid = "", offset = 0, limit = PAGE_SIZE } = {}) {
  if (!QUEUES.includes(queue)) throw new Error(`unknown queue ${queue}; one of ${QUEUES.join(", ")}`);
  return `/api/cases?${query({ queue, platform, grid, limit, offset })}`;
}

/** Counts by queue name from GET /api/queues' answer (a queue it leaves out counts null). */
export function countsByQueue(body) {
  const counts = Object.fromEntries(QUEUES.map((q) => [q, null]));
  for (const row of body?.queues || []) if (row.queue in counts) counts[row.queue] = row.count;
  return counts;
}

/** The body of a step the queue's keys take; null when the case gives it nothing to go on (route without a platform). */
export function stepBody(action, c, reason = "") {
  if (action === "accept") return {};
  if (action === "route") return c?.platform ? { platform: c.platform } : null;
  if (action === "reject") return reason.trim() ? { note: reason.trim() } : null;
  throw new Error(`no queue shortcut for action ${action}`);
}

/** "1–50 / 120": the rows shown of the total. */
export function windowText(offset, shown, total) {
  if (!total) return "0 / 0";
  return `${formatNumber(offset + 1)}–${formatNumber(offset + shown)} / ${formatNumber(total)}`;
}

/** The label of a period with its span in Beijing time, e.g. "本周 · 2024/06/03 – 2024/06/05 10:00". */
export function periodLabel(period, since, until) {
  if (!PERIODS.includes(period)) throw new Error(`unknown period ${period}; one of ${PERIODS.join(", ")}`);
  const name = t(`dash.period.${period}`);
  if (!since || !until) return name;
  return `${name} · ${formatTime(since, "date")} – ${formatTime(until, "datetime")}`;
}

/** A rate (0..1) as a percentage with one decimal; null (nothing counted) as "—". */
export function rateText(value) {
  return formatNumber(value, { rate: true });
}

/** A mean satisfaction (1..5) with one decimal and its scale; null as "—". */
export function satisfactionText(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return `${formatNumber(Math.round(value * 10) / 10)} / 5`;
}

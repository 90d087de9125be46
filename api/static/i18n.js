// The page's languages: Chinese by default, English on the switch. Each view module registers its own strings
// with addStrings({ zh: {...}, en: {...} }), so views built side by side never edit one shared catalogue.
// Times are shown in Asia/Shanghai whatever the browser's own zone is.

export const LANGS = ["zh", "en"];
export const DEFAULT_LANG = "zh";
export const TIME_ZONE = "Asia/Shanghai";
const STORAGE_KEY = "gridwatch.lang";

const catalogue = { zh: new Map(), en: new Map() };
const listeners = new Set();
let current = readSavedLang();

function readSavedLang() {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    return LANGS.includes(saved) ? saved : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG; // storage refused (private mode, node): the default
  }
}

/** Register strings: { zh: { key: "…" }, en: { key: "…" } }; a later registration of a key wins. */
export function addStrings(table) {
  for (const l of LANGS) for (const [key, text] of Object.entries(table[l] || {})) catalogue[l].set(key, text);
}

/** The text of key in the current language, {name} placeholders filled from params; Chinese, then the key, as fallback. */
export function t(key, params = {}) {
  const text = catalogue[current].get(key) ?? catalogue[DEFAULT_LANG].get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The current language code. */
export function lang() {
  return current;
}

/** Switch language, remember it, mark the document and tell every listener. */
export function setLang(next) {
  if (!LANGS.includes(next)) throw new Error(`unknown language ${next}; one of ${LANGS.join(", ")}`);
  current = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    /* not remembered: the page still switches */
  }
  if (globalThis.document) document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  for (const fn of listeners) fn(next);
}

/** Call fn(lang) on every switch; returns the function that stops it. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The locale Intl uses for the current language. */
export function locale() {
  return current === "zh" ? "zh-CN" : "en-GB";
}

/** An instant (ISO text, Date or epoch ms) as Beijing time: "date", "time", "datetime", "short" (MM-DD HH:mm), "hm" or "full". */
export function formatTime(value, style = "datetime") {
  if (value === null || value === undefined || value === "") return "";
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  const options = {
    date: { year: "numeric", month: "2-digit", day: "2-digit" },
    time: { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
    datetime: { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    short: { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    // Hours and minutes only (a list row of today), and a full stamp with seconds (a timeline, a tooltip).
    hm: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    full: { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
  }[style];
  if (!options) throw new Error(`unknown time style ${style}`);
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, ...options }).format(d);
}

/** A number in the current language's grouping; a rate (0..1) as a percentage with one decimal; null as "—". */
export function formatNumber(value, { rate = false } = {}) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (rate) return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value);
  return new Intl.NumberFormat(locale()).format(value);
}

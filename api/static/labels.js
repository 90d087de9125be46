// Labels in the current language (i18n.js), platform colours and small formatters shared by every module.
import { formatTime, lang, t, addStrings } from "./i18n.js";

export const PLATFORMS = {
  governance: { en: "Governance", zh: "综治工作", short: "综治", color: "#ff5f6d" },
  market: { en: "Market", zh: "市场监管", short: "市场", color: "#ffb547" },
  enforcement: { en: "Enforcement", zh: "综合执法", short: "执法", color: "#4ea8ff" },
  service: { en: "Service", zh: "便民服务", short: "便民", color: "#3ddc97" },
};
export const UNROUTED = { en: "Unrouted", zh: "待分流", short: "待分流", color: "#b8c2cf" };

// Stored values accepted, handling and fed_back are GB/T 30428's registered, in progress and handled.
export const STATUSES = {
  reported: { en: "Reported", zh: "上报" },
  accepted: { en: "Registered", zh: "受理" },
  routed: { en: "Routed", zh: "分流" },
  dispatched: { en: "Dispatched", zh: "派遣" },
  handling: { en: "In progress", zh: "处置" },
  fed_back: { en: "Handled", zh: "反馈" },
  returned: { en: "Returned", zh: "返工" },
  verified: { en: "Verified", zh: "核查" },
  closed: { en: "Closed", zh: "办结" },
  evaluated: { en: "Evaluated", zh: "评价" },
  rejected: { en: "Rejected", zh: "退回" },
  escalated: { en: "Escalated", zh: "上报上级" },
  merged: { en: "Merged", zh: "合并" },
};
export const STATUS_ORDER = Object.keys(STATUSES);

// Where the town's work on a case is over (cases/lifecycle.py FINISHED): off the map, not counted open.
const FINISHED = new Set(["closed", "evaluated", "rejected", "escalated", "merged"]);
export function isFinished(status) {
  return FINISHED.has(status);
}

export const SOURCES = {
  sensor: "Sensor 传感器",
  camera: "Camera 视频",
  grid_staff: "Grid staff 网格员",
  citizen: "Citizen 群众",
  hotline: "Hotline 热线",
};

export const TEAM_STATUSES = {
  available: "Available 空闲",
  busy: "Busy 忙碌",
  off_duty: "Off duty 下班",
};

// The same two tables one language at a time, for views that show names (sourceName, teamStatusName).
const SOURCE_NAMES = {
  sensor: { en: "Sensor", zh: "传感器" },
  camera: { en: "Camera", zh: "视频" },
  grid_staff: { en: "Grid staff", zh: "网格员" },
  citizen: { en: "Citizen", zh: "群众" },
  hotline: { en: "Hotline", zh: "热线" },
};
const TEAM_STATUS_NAMES = {
  available: { en: "Available", zh: "空闲" },
  busy: { en: "Busy", zh: "忙碌" },
  off_duty: { en: "Off duty", zh: "下班" },
};

// The closed loop (闭环) as the server enforces it: GET /api/lifecycle (cases/lifecycle.py and
// access/policy.py). The page keeps no copy of the rules; until the answer arrives it offers no step.
const lifecycle = new Map(); // action -> { allowed_from, leads_to, on_fail, main_line, roles, assigned_team_only }

export function setLifecycle(body) {
  lifecycle.clear();
  for (const a of (body && body.actions) || []) lifecycle.set(a.action, a);
}

/** Steps the server allows from a status. */
export function allowedActions(status) {
  return [...lifecycle.values()].filter((a) => a.allowed_from.includes(status)).map((a) => a.action);
}

/** The loop's expected next steps from a status (side steps such as re-routing left out). */
export function nextActions(status) {
  return [...lifecycle.values()].filter((a) => a.main_line && a.allowed_from.includes(status)).map((a) => a.action);
}

export const ROLES = {
  admin: { en: "Admin", zh: "管理员" },
  operator: { en: "Operator", zh: "值班员" },
  platform_member: { en: "Platform member", zh: "平台人员" },
  grid_staff: { en: "Grid staff", zh: "网格员" },
  supervisor: { en: "Supervisor", zh: "督办" },
  viewer: { en: "Viewer", zh: "只读" },
};

export const ACTIONS = [
  { key: "accept", action: "accept", en: "Accept", zh: "受理" },
  { key: "route", action: "route", en: "Route", zh: "分流" },
  { key: "dispatch", action: "dispatch", en: "Dispatch", zh: "派遣" },
  { key: "start", action: "start", en: "Start", zh: "处置" },
  { key: "feedback", action: "feedback", en: "Feed back", zh: "反馈" },
  { key: "verify", action: "verify", en: "Verify ✓", zh: "核查通过", extra: { passed: true } },
  { key: "verify-fail", action: "verify", en: "Verify ✗", zh: "核查不通过", extra: { passed: false } },
  { key: "close", action: "close", en: "Close", zh: "办结" },
  { key: "evaluate", action: "evaluate", en: "Evaluate", zh: "评价" },
  { key: "reject", action: "reject", en: "Reject (reason)", zh: "不予受理" },
  { key: "escalate", action: "escalate", en: "Escalate to city (reason)", zh: "上报上级" },
  { key: "reopen", action: "reopen", en: "Reopen (reason)", zh: "重新办理" },
];

// Each step as the timeline and the feed name it; {en, zh} like the statuses.
export const ACTION_LABELS = {
  report: { en: "Report", zh: "上报" },
  open: { en: "Open", zh: "立案" },
  accept: { en: "Accept", zh: "受理" },
  route: { en: "Route", zh: "分流" },
  dispatch: { en: "Dispatch", zh: "派遣" },
  start: { en: "Start", zh: "处置" },
  feedback: { en: "Feed back", zh: "反馈" },
  verify: { en: "Verify", zh: "核查" },
  close: { en: "Close", zh: "办结" },
  evaluate: { en: "Evaluate", zh: "评价" },
  escalate: { en: "Escalate", zh: "上报上级" },
  reject: { en: "Reject", zh: "不予受理" },
  merge: { en: "Merge", zh: "合并" },
  reopen: { en: "Reopen", zh: "重新办理" },
  hand_back: { en: "Returned by the city", zh: "上级退回" },
  city_accepted: { en: "Accepted by the city", zh: "上级受理" },
  city_closed: { en: "Closed by the city", zh: "上级办结" },
  city_handdown: { en: "Handed down by the city", zh: "上级交办" },
  migrate: { en: "Migrated", zh: "数据迁移" },
};

export function platformInfo(code) {
  return PLATFORMS[code] || UNROUTED;
}

export function platformColor(code) {
  return platformInfo(code).color;
}

/** The name of a code from one of the tables above in the current language; the code itself when unknown. */
function nameIn(table, code, fallback = "—") {
  const entry = table[code];
  return entry ? entry[lang()] ?? entry.zh : String(code ?? fallback);
}

export function platformName(code) {
  return platformInfo(code)[lang()];
}

export function roleName(role) {
  return nameIn(ROLES, role);
}

export function statusName(status) {
  return nameIn(STATUSES, status);
}

export function actionName(action) {
  return action ? nameIn(ACTION_LABELS, action, "") : "";
}

export function sourceName(source) {
  return nameIn(SOURCE_NAMES, source);
}

export function teamStatusName(status) {
  return nameIn(TEAM_STATUS_NAMES, status);
}

// The older names of the same functions, which other modules import: one language now, not both.
export const roleLabel = roleName;

/** Whether a user may take a step on a case: by role, and some roles only while their team is assigned to it. */
export function mayTake(user, action, teamIds) {
  const step = lifecycle.get(action);
  if (!user || !step || !step.roles.includes(user.role)) return false;
  if (!step.assigned_team_only.includes(user.role)) return true;
  return user.team_id != null && user.team_id !== "" && (teamIds || []).includes(String(user.team_id));
}

export const statusLabel = statusName;
export const actionLabel = actionName;

// People read times in Asia/Shanghai whatever the browser's zone is: every format goes through i18n's formatTime.
export function parseTime(value) {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

addStrings({
  zh: { "labels.just_now": "刚刚", "labels.minutes": "{min} 分钟", "labels.hours": "{h} 小时 {min} 分", "labels.days": "{d} 天" },
  en: { "labels.just_now": "just now", "labels.minutes": "{min} min", "labels.hours": "{h} h {min} min", "labels.days": "{d} d" },
});

/** Format as "HH:MM" today, "MM-DD HH:MM" otherwise (Asia/Shanghai). */
export function shortTime(value) {
  const d = parseTime(value);
  if (!d) return "—";
  return formatTime(d, "date") === formatTime(new Date(), "date") ? formatTime(d, "hm") : formatTime(d, "short");
}

/** Format as date and time with seconds (Asia/Shanghai). */
export function fullTime(value) {
  const d = parseTime(value);
  return d ? formatTime(d, "full") : "—";
}

export function clockTime(d = new Date()) {
  return formatTime(d, "time");
}

export function ageText(value) {
  const d = parseTime(value);
  if (!d) return "";
  const min = Math.max(0, Math.round((Date.now() - d.getTime()) / 60000));
  if (min < 1) return t("labels.just_now");
  if (min < 60) return t("labels.minutes", { min });
  const h = Math.floor(min / 60);
  if (h < 48) return t("labels.hours", { h, min: min % 60 });
  return t("labels.days", { d: Math.floor(h / 24) });
}

export function distanceText(metres) {
  if (metres == null || Number.isNaN(Number(metres))) return "";
  const m = Number(metres);
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`;
}

/** Great-circle distance in metres between two WGS-84 (lon, lat) points. */
export function haversine(lon1, lat1, lon2, lat2) {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
}

// A camera's picture health (video/diagnosis: the probe's verdict), as the dashboard, the map and the panel name it.
addStrings({
  zh: { "camera_health.ok": "正常", "camera_health.unknown": "未检测", "camera_health.offline": "离线", "camera_health.no_signal": "无信号",
        "camera_health.frozen": "画面冻结", "camera_health.blurred": "模糊", "camera_health.dark": "过暗", "camera_health.bright": "过亮",
        "camera_health.color_cast": "偏色", "camera_health.covered": "遮挡", "camera_health.noisy": "噪声", "camera_health.scene_changed": "场景变化" },
  en: { "camera_health.ok": "OK", "camera_health.unknown": "Not probed", "camera_health.offline": "Offline", "camera_health.no_signal": "No signal",
        "camera_health.frozen": "Frozen", "camera_health.blurred": "Blurred", "camera_health.dark": "Dark", "camera_health.bright": "Bright",
        "camera_health.color_cast": "Colour cast", "camera_health.covered": "Covered", "camera_health.noisy": "Noisy",
        "camera_health.scene_changed": "Scene changed" },
});

/** A camera health state's name in the page's language; the state itself when it has none. */
export function healthName(state) {
  const key = `camera_health.${state}`;
  const name = t(key);
  return name === key ? String(state ?? "") : name;
}

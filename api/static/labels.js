// Bilingual labels, platform colours and small formatters shared by every module.

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

export const ACTION_LABELS = {
  report: "Report 上报",
  open: "Open 立案",
  accept: "Accept 受理",
  route: "Route 分流",
  dispatch: "Dispatch 派遣",
  start: "Start 处置",
  feedback: "Feed back 反馈",
  verify: "Verify 核查",
  close: "Close 办结",
  evaluate: "Evaluate 评价",
  escalate: "Escalate 上报上级",
  reject: "Reject 不予受理",
  merge: "Merge 合并",
  reopen: "Reopen 重新办理",
  hand_back: "Returned by the city 上级退回",
  city_accepted: "Accepted by the city 上级受理",
  city_closed: "Closed by the city 上级办结",
  city_handdown: "Handed down by the city 上级交办",
  migrate: "Migrated 数据迁移",
};

export function platformInfo(code) {
  return PLATFORMS[code] || UNROUTED;
}

export function platformColor(code) {
  return platformInfo(code).color;
}

export function roleLabel(role) {
  const r = ROLES[role];
  return r ? `${r.en} ${r.zh}` : String(role ?? "—");
}

/** Whether a user may take a step on a case: by role, and some roles only while their team is assigned to it. */
export function mayTake(user, action, teamIds) {
  const step = lifecycle.get(action);
  if (!user || !step || !step.roles.includes(user.role)) return false;
  if (!step.assigned_team_only.includes(user.role)) return true;
  return user.team_id != null && user.team_id !== "" && (teamIds || []).includes(String(user.team_id));
}

export function statusLabel(status) {
  const s = STATUSES[status];
  return s ? `${s.en} ${s.zh}` : String(status ?? "—");
}

export function actionLabel(action) {
  return ACTION_LABELS[action] || String(action ?? "");
}

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

// People read times in Asia/Shanghai whatever the browser's zone is.
const TZ = "Asia/Shanghai";
const dayFmt = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" });
const timeFmt = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false });
const secFmt = new Intl.DateTimeFormat("en-GB", {
  timeZone: TZ, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

export function parseTime(value) {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Format as "HH:MM" today, "MM-DD HH:MM" otherwise (Asia/Shanghai). */
export function shortTime(value) {
  const d = parseTime(value);
  if (!d) return "—";
  const day = dayFmt.format(d);
  const hm = timeFmt.format(d);
  return day === dayFmt.format(new Date()) ? hm : `${day.slice(5)} ${hm}`;
}

/** Format as "YYYY-MM-DD HH:MM:SS" (Asia/Shanghai). */
export function fullTime(value) {
  const d = parseTime(value);
  return d ? `${dayFmt.format(d)} ${secFmt.format(d)}` : "—";
}

export function clockTime(d = new Date()) {
  return secFmt.format(d);
}

export function ageText(value) {
  const d = parseTime(value);
  if (!d) return "";
  const min = Math.max(0, Math.round((Date.now() - d.getTime()) / 60000));
  if (min < 1) return "just now 刚刚";
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d`;
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

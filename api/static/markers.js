// Marker icons, tooltips and small geometry for the town map: DOM built by lit-html templates (escaped by default).
/* global L */
import { html, render, nothing } from "./vendor/lit-html/lit-html.js";
import { styleMap } from "./vendor/lit-html/directives/style-map.js";
import { addStrings, formatNumber, formatTime, lang, t } from "./i18n.js";
import { STATUSES, healthName, platformColor, platformInfo } from "./labels.js";
import { clusterLabel, clusterRadius, dominant } from "./map-logic.js";

addStrings({
  zh: {
    "map.team.available": "空闲", "map.team.busy": "忙碌", "map.team.off_duty": "下班", "map.team.silent": "失联",
    "map.alert": "告警", "map.unrouted": "待分流", "map.cluster.cases": "{n} 件案件", "map.cluster.zoom": "点击放大",
    "map.grid.open": "未结案件 {n}",
  },
  en: {
    "map.team.available": "Available", "map.team.busy": "Busy", "map.team.off_duty": "Off duty", "map.team.silent": "Silent",
    "map.alert": "Alert", "map.unrouted": "Unrouted", "map.cluster.cases": "{n} cases", "map.cluster.zoom": "Click to zoom in",
    "map.grid.open": "Open cases {n}",
  },
});

// By the camera's latest probe (camera.health.status): ok green, unknown grey, faults red (no picture) or amber.
const CAMERA_OK = "#3ddc97";
const CAMERA_UNKNOWN = "#8fa3b8";
const CAMERA_FAULT = "#ff5f6d";
const CAMERA_DEGRADED = "#ffb547";
const NO_PICTURE = new Set(["offline", "no_signal", "frozen", "covered"]);
const NEW_CASE_MS = 10 * 60 * 1000;

/** Render a template into a fresh element (Leaflet takes elements for icons and tooltips). */
export function dom(template, tag = "div", className = "") {
  const el = document.createElement(tag);
  if (className) el.className = className;
  render(template, el);
  return el;
}

export function isRecent(value) {
  const ms = value ? new Date(value).getTime() : NaN;
  return Number.isFinite(ms) && Date.now() - ms < NEW_CASE_MS;
}

/** A platform's name in the current language ("unrouted" and null: not routed yet). */
export function platformName(code) {
  if (!code || code === "unrouted") return t("map.unrouted");
  return platformInfo(code)[lang()] || code;
}

export function statusName(status) {
  const s = STATUSES[status];
  return s ? s[lang()] || s.zh : String(status ?? "—");
}

export function caseIcon(c, isNew, fresh, selected) {
  const cls = ["case-pin", `status-${c.status}`, isNew ? "is-new" : "", fresh ? "is-fresh" : "", selected ? "selected" : ""]
    .filter(Boolean)
    .join(" ");
  const pin = html`<div class=${cls} data-marker-case-id=${String(c.id)} data-platform=${c.platform || "unrouted"}
    style=${styleMap({ "--c": platformColor(c.platform) })}><span class="ring"></span><span class="dot"></span></div>`;
  return L.divIcon({ className: "case-icon", html: dom(pin).firstElementChild, iconSize: [18, 18], iconAnchor: [9, 9] });
}

export function caseTip(c) {
  return dom(html`<strong>#${c.id} ${c.title}</strong><br>${statusName(c.status)} · ${platformName(c.platform)}${
    c.grid_text ? html`<br><span class="muted">${c.grid_text}</span>` : nothing}`);
}

/** A numbered circle sized by count, ringed in the colour of the platform most of its cases belong to. */
export function clusterIcon(cluster) {
  const r = clusterRadius(cluster.count);
  const color = platformColor(dominant(cluster.by_platform) === "unrouted" ? null : dominant(cluster.by_platform));
  const el = dom(html`<div class="case-cluster" data-cluster-count=${cluster.count}
    style=${styleMap({ "--c": color, width: `${2 * r}px`, height: `${2 * r}px` })}><span>${clusterLabel(cluster.count)}</span></div>`);
  return L.divIcon({ className: "cluster-icon", html: el.firstElementChild, iconSize: [2 * r, 2 * r], iconAnchor: [r, r] });
}

export function clusterTip(cluster) {
  const rows = Object.entries(cluster.by_platform || {}).sort((a, b) => b[1] - a[1]);
  const statuses = Object.entries(cluster.by_status || {}).sort((a, b) => b[1] - a[1]);
  return dom(html`<strong>${t("map.cluster.cases", { n: formatNumber(cluster.count) })}</strong>
    <ul class="cluster-rows">${rows.map(([p, n]) => html`<li><i class="sw" style=${styleMap({ "--c": platformColor(p === "unrouted" ? null : p) })}></i>${platformName(p)} ${formatNumber(n)}</li>`)}</ul>
    <div class="muted">${statuses.map(([s, n]) => `${statusName(s)} ${formatNumber(n)}`).join(" · ")}</div>
    <div class="muted">${t("map.cluster.zoom")}</div>`);
}

export function teamIcon(team) {
  const short = platformInfo(team.platform).short.slice(0, 1);
  const cls = `team-pin team-${team.status}${team.silent ? " team-silent" : ""}`;
  const el = dom(html`<div class=${cls} data-team-id=${String(team.id)} style=${styleMap({ "--c": platformColor(team.platform) })}><span>${short}</span></div>`);
  return L.divIcon({ className: "team-icon", html: el.firstElementChild, iconSize: [18, 18], iconAnchor: [9, 9] });
}

export function teamTip(team) {
  const status = t(`map.team.${team.status}`);
  return dom(html`<strong>${team.name}</strong><br>${platformName(team.platform)} · ${status}
    <br><span class="muted">${formatTime(team.position_at)}</span>
    ${team.silent ? html`<br><span class="team-silent-note">${t("map.team.silent")} · ${formatTime(team.silent_since)}</span>` : nothing}`);
}

export function alertIcon(alert) {
  const sev = alert.severity === "critical" ? "critical" : "warning";
  const el = dom(html`<div class="alert-pin ${sev}" data-alert-id=${String(alert.id)}><span></span><span></span></div>`);
  return L.divIcon({ className: "alert-icon", html: el.firstElementChild, iconSize: [40, 40], iconAnchor: [20, 20] });
}

export function alertTip(alert, gridText) {
  return dom(html`<strong>${t("map.alert")} · ${alert.sensor_kind}</strong><br>${alert.metric} ${alert.value} &gt; ${alert.limit}
    <br><span class="muted">${alert.device_id} · ${gridText}</span>`);
}

export function gridTip(p, count) {
  return dom(html`<strong>${p.name}</strong><br><span class="muted">${p.code}</span>
    ${count == null ? nothing : html`<br>${t("map.grid.open", { n: formatNumber(count) })}`}${staffList(p.staff)}`);
}

export function tween(marker, target, ms) {
  const from = marker.getLatLng();
  const start = performance.now();
  if (marker._tween) cancelAnimationFrame(marker._tween);
  const step = (now) => {
    const k = Math.min(1, (now - start) / ms);
    const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
    marker.setLatLng([from.lat + (target.lat - from.lat) * e, from.lng + (target.lng - from.lng) * e]);
    marker._tween = k < 1 ? requestAnimationFrame(step) : null;
  };
  marker._tween = requestAnimationFrame(step);
}

/** A camera's health status: "unknown" before its first probe. */
export function cameraHealth(camera) {
  return (camera && camera.health && camera.health.status) || "unknown";
}

/** The class a camera's health shows with: ok, unknown, fault (no usable picture) or degraded. */
export function cameraHealthClass(status) {
  if (status === "ok") return "ok";
  if (!status || status === "unknown") return "unknown";
  return NO_PICTURE.has(status) ? "fault" : "degraded";
}

export function cameraColor(status) {
  const cls = cameraHealthClass(status);
  return { ok: CAMERA_OK, unknown: CAMERA_UNKNOWN, fault: CAMERA_FAULT, degraded: CAMERA_DEGRADED }[cls];
}

export function cameraTip(p, distance = "") {
  const facing = p.bearing_deg != null ? ` · ${Math.round(p.bearing_deg)}°/${Math.round(p.fov_deg ?? 0)}°` : "";
  const range = p.range_m != null ? ` · ${Math.round(p.range_m)} m` : "";
  return dom(html`<strong>${p.name || p.id}</strong><br><span class="muted">${healthName(cameraHealth(p))}${facing}${range}</span>${
    distance ? html`<br>${distance}` : nothing}`);
}

function staffList(staff) {
  if (!staff || (Array.isArray(staff) && staff.length === 0)) return nothing;
  const list = Array.isArray(staff) ? staff : typeof staff === "object" ? Object.entries(staff).map(([k, v]) => `${k}: ${v}`) : [staff];
  // A staff role reads as the panel names it (panel-strings.js: 网格长, 网格员, 巡查员), the code if it names none.
  const role = (code) => (code ? (t(`panel.grid.${code}`) === `panel.grid.${code}` ? code : t(`panel.grid.${code}`)) : "");
  const names = list.map((s) => (typeof s === "object" && s ? [role(s.role), s.name, s.phone].filter(Boolean).join(" ") : String(s)));
  return html`<div class="staff">${names.map((n, i) => html`${i ? html`<br>` : nothing}${n}`)}</div>`;
}

/** A camera's field of view as a ring of [lat, lng], bearing clockwise from north, in WGS-84. */
export function sector(lon, lat, bearing, fov, range) {
  const mPerDegLat = 111_320;
  const mPerDegLon = 111_320 * Math.cos((lat * Math.PI) / 180);
  const pt = (deg) => {
    const a = (deg * Math.PI) / 180;
    return [lat + (range * Math.cos(a)) / mPerDegLat, lon + (range * Math.sin(a)) / mPerDegLon];
  };
  if (fov >= 360) return Array.from({ length: 36 }, (_, i) => pt(i * 10));
  const steps = Math.max(4, Math.ceil(fov / 5));
  const ring = [[lat, lon]];
  for (let i = 0; i <= steps; i++) ring.push(pt(bearing - fov / 2 + (fov * i) / steps));
  return ring;
}

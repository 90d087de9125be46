// Marker icons and small geometry for the town map.
/* global L */
import { esc, platformColor, platformInfo } from "./labels.js";

// By the camera's latest probe (camera.health.status): ok green, unknown grey, faults red (no picture) or amber.
const CAMERA_OK = "#3ddc97";
const CAMERA_UNKNOWN = "#8fa3b8";
const CAMERA_FAULT = "#ff5f6d";
const CAMERA_DEGRADED = "#ffb547";
const NO_PICTURE = new Set(["offline", "no_signal", "frozen", "covered"]);
const NEW_CASE_MS = 10 * 60 * 1000;

export function isRecent(value) {
  const t = value ? new Date(value).getTime() : NaN;
  return Number.isFinite(t) && Date.now() - t < NEW_CASE_MS;
}

export function caseIcon(c, isNew, fresh, selected) {
  const cls = ["case-pin", `status-${c.status}`, isNew ? "is-new" : "", fresh ? "is-fresh" : "", selected ? "selected" : ""]
    .filter(Boolean)
    .join(" ");
  return L.divIcon({
    className: "case-icon",
    html: `<div class="${cls}" data-marker-case-id="${esc(c.id)}" style="--c:${platformColor(c.platform)}"><span class="ring"></span><span class="dot"></span></div>`,
    iconSize: [18, 18],
    iconAnchor: [9, 9],
  });
}

export function teamIcon(t) {
  const short = platformInfo(t.platform).short.slice(0, 1);
  return L.divIcon({
    className: "team-icon",
    html: `<div class="team-pin team-${esc(t.status)}${t.silent ? " team-silent" : ""}" data-team-id="${esc(t.id)}" style="--c:${platformColor(t.platform)}"><span>${esc(short)}</span></div>`,
    iconSize: [18, 18],
    iconAnchor: [9, 9],
  });
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

export function cameraHtml(p) {
  const facing = p.bearing_deg != null ? ` · ${esc(Math.round(p.bearing_deg))}°/${esc(Math.round(p.fov_deg ?? 0))}°` : "";
  const range = p.range_m != null ? ` · ${esc(Math.round(p.range_m))} m` : "";
  return `<strong>${esc(p.name || p.id)}</strong><br><span class="muted">${esc(cameraHealth(p))}${facing}${range}</span>`;
}

export function staffHtml(staff) {
  if (!staff || (Array.isArray(staff) && staff.length === 0)) return "";
  const list = Array.isArray(staff) ? staff : typeof staff === "object" ? Object.entries(staff).map(([k, v]) => `${k}: ${v}`) : [staff];
  const names = list
    .map((s) => (typeof s === "object" && s ? [s.role, s.name, s.phone].filter(Boolean).join(" ") : String(s)))
    .map(esc)
    .join("<br>");
  return `<div class="staff">${names}</div>`;
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


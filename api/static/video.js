// The incident panel's video: covering cameras with their health, a live view of the chosen one, the snapshots.
// DOM is built with textContent only: camera names and URLs come from an imported registry.
import { api, getBlob } from "./api.js";
import { addStrings, formatTime, onLangChange, t } from "./i18n.js";
import { distanceText, healthName } from "./labels.js";
import { cameraHealth, cameraHealthClass } from "./markers.js";

addStrings({
  zh: {
    "video.loading": "加载中…", "video.none": "无覆盖监控", "video.no_position": "无位置", "video.snapshots": "立案快照",
    "video.snapshot": "快照 {camera}", "video.unavailable": "无法加载：{why}", "video.turn": "转向 {deg}°",
    "video.live": "实时画面 {camera}", "video.connecting": "连接中…", "video.no_picture": "该监控无画面",
    "video.refused": "无法观看：{why}", "video.no_stream": "该监控无视频流", "video.open_stream": "打开实时视频 ↗",
    "video.hls_elsewhere": "HLS 仅在 Safari 中且由本服务器提供时可在页面内播放；其他情况请在流媒体服务器的播放器中打开。",
    "video.external": "该监控由流媒体服务器播放（FLV / WebRTC），不在本页面内。",
  },
  en: {
    "video.loading": "Loading…", "video.none": "No camera covers this spot", "video.no_position": "No location",
    "video.snapshots": "Snapshot at opening", "video.snapshot": "Snapshot {camera}", "video.unavailable": "Unavailable: {why}",
    "video.turn": "turn to {deg}°", "video.live": "Live {camera}", "video.connecting": "Connecting…",
    "video.no_picture": "No picture from this camera", "video.refused": "Live view refused: {why}",
    "video.no_stream": "This camera has no stream", "video.open_stream": "Open the live stream ↗",
    "video.hls_elsewhere": "HLS plays inside the page only in Safari, and only from this server; elsewhere open it in the media server's player.",
    "video.external": "This camera plays from its media server (FLV / WebRTC), outside this page.",
  },
});

const HLS_TYPE = "application/vnd.apple.mpegurl";

function node(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text != null) el.textContent = String(text);
  return el;
}

function cameraPosition(camera) {
  const coords = camera.geometry && camera.geometry.coordinates;
  return [camera.lon ?? (coords && coords[0]), camera.lat ?? (coords && coords[1])];
}

/** Whether a URL is served by this page's own origin (the CSP lets the page load nothing else). */
function sameOrigin(url) {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

export class CaseVideo {
  constructor({ list, count, view, snapshots, map }) {
    this.el = { list, count, view, snapshots };
    this.map = map;
    this.token = 0; // bumps on every new case or stop, so late answers are dropped
    this.liveToken = 0; // bumps on every camera chosen, so a late ticket starts no stale stream
    this.cameras = new Map(); // id -> covering item
    this.objectUrls = [];
    this.listShown = null; // what the list shows, so a language switch can show it again
    onLangChange(() => this._relabel());
    list.addEventListener("click", (e) => this._choose(e.target.closest("li[data-camera-id]")));
    list.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this._choose(e.target.closest("li[data-camera-id]"));
    });
  }

  /** Forget the shown case: stop the live view (the relay's last viewer leaves) and free the snapshots. */
  stop() {
    this.token++;
    this.liveToken++;
    this._stopLive();
    for (const url of this.objectUrls) URL.revokeObjectURL(url);
    this.objectUrls = [];
    this.el.view.hidden = true;
    this.el.view.replaceChildren();
    this.el.snapshots.replaceChildren();
    this.el.snapshots.hidden = true;
  }

  /** Start showing a new case: lists say "loading" until its cameras and snapshots arrive. */
  reset() {
    this.stop();
    this.cameras.clear();
    this.el.count.textContent = "";
    this._message(this.el.list, "loading", "video.loading");
    this.map.showCoverage([]);
  }

  /** Show the covering cameras in the API's order (healthy first, then unknown, then faulty). */
  showCameras(items) {
    this.map.showCoverage(items);
    this.cameras = new Map(items.map((item) => [String(item.camera && item.camera.id), item]));
    this.el.count.textContent = items.length ? `(${items.length})` : "";
    this._captionSnapshots();
    if (!items.length) {
      this._message(this.el.list, "muted", "video.none");
      return;
    }
    this.listShown = null;
    this.el.list.replaceChildren(...items.map((item) => this._cameraRow(item)));
  }

  cameraError(text) {
    this.listShown = null;
    this.el.list.replaceChildren(node("li", "error", text));
  }

  noPosition() {
    this._message(this.el.list, "muted", "video.no_position");
  }

  /** After a language switch: the list's message, the camera rows' turn hints and the snapshots' captions again. */
  _relabel() {
    if (this.listShown) this._message(this.el.list, ...this.listShown);
    else if (this.cameras.size && this.el.list.querySelector("li[data-camera-id]")) {
      const chosen = this.el.list.querySelector("li.chosen");
      this.el.list.replaceChildren(...[...this.cameras.values()].map((item) => this._cameraRow(item)));
      if (chosen) this.el.list.querySelector(`li[data-camera-id="${CSS.escape(chosen.dataset.cameraId)}"]`)?.classList.add("chosen");
    }
    const head = this.el.snapshots.querySelector("h4");
    if (head) head.textContent = t("video.snapshots");
    this._captionSnapshots();
  }

  /** Load the snapshots taken when the case opened, each fetched with the token and shown from a blob. */
  async showSnapshots(caseId) {
    const token = this.token;
    let items;
    try {
      items = ((await api.snapshots(caseId)) || {}).items || [];
    } catch (err) {
      console.warn(`snapshots of case ${caseId} failed`, err);
      return;
    }
    if (token !== this.token || !items.length) return;
    const figures = items.map((s) => {
      const fig = node("figure", "snapshot");
      fig.dataset.cameraId = s.camera_id;
      const img = node("img");
      img.alt = t("video.snapshot", { camera: s.camera_id });
      const caption = node("figcaption");
      caption.dataset.takenAt = s.taken_at;
      fig.append(img, caption);
      getBlob(s.url)
        .then((blob) => {
          if (token !== this.token) return;
          const url = URL.createObjectURL(blob);
          this.objectUrls.push(url);
          img.src = url;
        })
        .catch((err) => fig.append(node("span", "error", t("video.unavailable", { why: err.message }))));
      return fig;
    });
    this.el.snapshots.replaceChildren(node("h4", null, t("video.snapshots")), ...figures);
    this.el.snapshots.hidden = false;
    this._captionSnapshots();
  }

  /** Caption each snapshot with its camera's name (once the covering cameras are known) and the time taken. */
  _captionSnapshots() {
    for (const fig of this.el.snapshots.querySelectorAll("figure[data-camera-id]")) {
      const cam = this.cameras.get(fig.dataset.cameraId);
      const name = (cam && cam.camera && cam.camera.name) || fig.dataset.cameraId;
      const caption = fig.querySelector("figcaption");
      caption.textContent = `${name} · ${formatTime(caption.dataset.takenAt)}`;
    }
  }

  _cameraRow({ camera = {}, distance_m, turn_to_deg, healthy }) {
    const li = node("li");
    li.dataset.cameraId = camera.id;
    li.tabIndex = 0;
    const [lon, lat] = cameraPosition(camera);
    if (lon != null && lat != null) Object.assign(li.dataset, { lon, lat });
    const status = cameraHealth(camera);
    const cls = cameraHealthClass(status);
    li.dataset.health = status;
    if (healthy === false) li.classList.add("unhealthy");
    li.append(node("i", `cam-dot ${cls}`), node("span", "cam-name", camera.name || camera.id),
      node("span", `cam-status ${cls}`, healthName(status)));
    if (turn_to_deg != null) li.append(node("span", "cam-turn", t("video.turn", { deg: Math.round(turn_to_deg) })));
    li.append(node("span", "cam-dist", distanceText(distance_m)));
    return li;
  }

  async _choose(li) {
    if (!li) return;
    if (li.dataset.lon != null) this.map.flyTo(li.dataset.lon, li.dataset.lat);
    const item = this.cameras.get(li.dataset.cameraId);
    if (!item) return;
    for (const other of this.el.list.querySelectorAll("li.chosen")) other.classList.remove("chosen");
    li.classList.add("chosen");
    this._stopLive();
    const token = ++this.liveToken;
    const camera = item.camera || {};
    const view = camera.live_view || { kind: "none", url: "" };
    const box = this.el.view;
    box.hidden = false;
    box.dataset.cameraId = camera.id;
    box.dataset.kind = view.kind;
    const title = node("div", "live-title", `${camera.name || camera.id} · ${cameraHealth(camera)}`);
    if (view.kind === "relay") {
      const img = node("img", "live-img");
      img.id = "live-view-img";
      img.alt = t("video.live", { camera: camera.name || camera.id });
      const note = node("div", "live-note muted", t("video.connecting"));
      img.addEventListener("load", () => note.remove(), { once: true });
      img.addEventListener("error", () => {
        if (img.getAttribute("src")) note.textContent = t("video.no_picture");
      });
      box.replaceChildren(title, img, note);
      try {
        // Like the event stream: an <img> cannot send the bearer header, so the relay takes a short-lived ticket.
        const { ticket } = await api.streamTicket();
        if (token !== this.liveToken) return;
        img.src = `${view.url}?ticket=${encodeURIComponent(ticket)}`;
      } catch (err) {
        if (token === this.liveToken) note.textContent = t("video.refused", { why: err.message });
      }
    } else if (view.kind === "live_url") {
      box.replaceChildren(title, ...this._externalView(view.url));
    } else {
      box.replaceChildren(title, node("div", "live-note muted", t("video.no_stream")));
    }
  }

  /** A media server's play URL: a <video> where this browser plays it from our origin, else a link. */
  _externalView(url) {
    const isHls = /\.m3u8(\?|$)/i.test(url);
    const video = document.createElement("video");
    if (isHls && sameOrigin(url) && video.canPlayType(HLS_TYPE)) {
      Object.assign(video, { className: "live-video", src: url, autoplay: true, muted: true, controls: true });
      video.playsInline = true;
      return [video];
    }
    const link = node("a", "live-link", t("video.open_stream"));
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const why = t(isHls ? "video.hls_elsewhere" : "video.external");
    return [link, node("div", "live-note muted", why)];
  }

  _stopLive() {
    // Clearing src closes the MJPEG connection, so the relay's reader stops when its last viewer leaves.
    for (const media of this.el.view.querySelectorAll("img, video")) {
      media.removeAttribute("src");
      if (media.tagName === "VIDEO") media.load();
    }
  }

  _message(list, cls, key) {
    this.listShown = [cls, key];
    list.replaceChildren(node("li", cls, t(key)));
  }
}

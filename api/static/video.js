// The incident panel's video: covering cameras with their health, a live view of the chosen one, the snapshots.
// DOM is built with textContent only: camera names and URLs come from an imported registry.
import { api, getBlob } from "./api.js";
import { distanceText, fullTime } from "./labels.js";
import { cameraHealth, cameraHealthClass } from "./markers.js";

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
    this._message(this.el.list, "loading", "Loading 加载中…");
    this.map.showCoverage([]);
  }

  /** Show the covering cameras in the API's order (healthy first, then unknown, then faulty). */
  showCameras(items) {
    this.map.showCoverage(items);
    this.cameras = new Map(items.map((item) => [String(item.camera && item.camera.id), item]));
    this.el.count.textContent = items.length ? `(${items.length})` : "";
    this._captionSnapshots();
    if (!items.length) {
      this._message(this.el.list, "muted", "No camera covers this spot 无覆盖监控");
      return;
    }
    this.el.list.replaceChildren(...items.map((item) => this._cameraRow(item)));
  }

  cameraError(text) {
    this._message(this.el.list, "error", text);
  }

  noPosition() {
    this._message(this.el.list, "muted", "No location 无位置");
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
      img.alt = `Snapshot 快照 ${s.camera_id}`;
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
        .catch((err) => fig.append(node("span", "error", `Unavailable 无法加载: ${err.message}`)));
      return fig;
    });
    this.el.snapshots.replaceChildren(node("h4", null, "Snapshot at opening 立案快照"), ...figures);
    this.el.snapshots.hidden = false;
    this._captionSnapshots();
  }

  /** Caption each snapshot with its camera's name (once the covering cameras are known) and the time taken. */
  _captionSnapshots() {
    for (const fig of this.el.snapshots.querySelectorAll("figure[data-camera-id]")) {
      const cam = this.cameras.get(fig.dataset.cameraId);
      const name = (cam && cam.camera && cam.camera.name) || fig.dataset.cameraId;
      const caption = fig.querySelector("figcaption");
      caption.textContent = `${name} · ${fullTime(caption.dataset.takenAt)}`;
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
      node("span", `cam-status ${cls}`, status));
    if (turn_to_deg != null) li.append(node("span", "cam-turn", `turn to ${Math.round(turn_to_deg)}° 转向`));
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
      img.alt = `Live 实时画面 ${camera.name || camera.id}`;
      const note = node("div", "live-note muted", "Connecting 连接中…");
      img.addEventListener("load", () => note.remove(), { once: true });
      img.addEventListener("error", () => {
        if (img.getAttribute("src")) note.textContent = "No picture from this camera 无画面";
      });
      box.replaceChildren(title, img, note);
      try {
        // Like the event stream: an <img> cannot send the bearer header, so the relay takes a short-lived ticket.
        const { ticket } = await api.streamTicket();
        if (token !== this.liveToken) return;
        img.src = `${view.url}?ticket=${encodeURIComponent(ticket)}`;
      } catch (err) {
        if (token === this.liveToken) note.textContent = `Live view refused 无法观看: ${err.message}`;
      }
    } else if (view.kind === "live_url") {
      box.replaceChildren(title, ...this._externalView(view.url));
    } else {
      box.replaceChildren(title, node("div", "live-note muted", "This camera has no stream 无视频流"));
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
    const link = node("a", "live-link", "Open the live stream 打开实时视频 ↗");
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const why = isHls
      ? "HLS plays inside the page only in Safari, and only from this server; elsewhere open it in the media server's player."
      : "This camera plays from its media server (FLV / WebRTC), outside this page.";
    return [link, node("div", "live-note muted", why)];
  }

  _stopLive() {
    // Clearing src closes the MJPEG connection, so the relay's reader stops when its last viewer leaves.
    for (const media of this.el.view.querySelectorAll("img, video")) {
      media.removeAttribute("src");
      if (media.tagName === "VIDEO") media.load();
    }
  }

  _message(list, cls, text) {
    list.replaceChildren(node("li", cls, text));
  }
}

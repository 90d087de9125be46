// The case's photos and audio: fetched with the bearer token (an <img> cannot send it) and shown from blobs.
import { html, nothing } from "./vendor/lit-html/lit-html.js";
import { getBlob } from "./api.js";
import { t } from "./i18n.js";
import "./panel-strings.js";

/** Object URLs of a case's files, fetched once each; onChange re-renders the panel as they arrive. */
export class MediaCache {
  constructor(onChange) {
    this.onChange = onChange;
    this.urls = new Map(); // file url -> { src } | { error }
    this.generation = 0;
  }

  /** Forget every file (a new case): free the blobs, drop late answers. */
  reset() {
    this.generation++;
    for (const entry of this.urls.values()) if (entry.src) URL.revokeObjectURL(entry.src);
    this.urls.clear();
  }

  /** The blob URL of a file, fetching it the first time; undefined while it loads. */
  get(url) {
    const entry = this.urls.get(url);
    if (entry) return entry;
    const generation = this.generation;
    this.urls.set(url, { loading: true });
    getBlob(url)
      .then((blob) => {
        if (generation !== this.generation) return;
        this.urls.set(url, { src: URL.createObjectURL(blob) });
        this.onChange();
      })
      .catch((err) => {
        if (generation !== this.generation) return;
        this.urls.set(url, { error: err.message });
        this.onChange();
      });
    return this.urls.get(url);
  }
}

/** One file: a thumbnail that opens the full picture, a player for audio, a link for anything else. */
export function fileTemplate(file, cache, onOpen) {
  const entry = cache.get(file.url);
  if (entry.error) return html`<span class="media-item failed" title=${entry.error}>${t("panel.media.failed")}</span>`;
  if (file.kind === "image") {
    return html`<button type="button" class="media-item thumb" data-kind="image" title=${t("panel.media.open")}
        @click=${() => entry.src && onOpen(entry.src, file.name)}>
      ${entry.src ? html`<img src=${entry.src} alt=${file.name}>` : html`<span class="muted">…</span>`}
    </button>`;
  }
  if (file.kind === "audio") {
    return html`<span class="media-item" data-kind="audio">
      ${entry.src ? html`<audio controls preload="metadata" src=${entry.src}></audio>` : html`<span class="muted">…</span>`}
    </span>`;
  }
  return html`<a class="media-item" data-kind="file" href=${entry.src || "#"} download=${file.name}>
    ${t("panel.media.file")} ${file.name}</a>`;
}

/** Every photo and recording of the case. */
export function mediaTemplate(files, cache, onOpen) {
  const shown = files.filter((f) => f.kind !== "file");
  if (!shown.length) return html`<p class="muted">${t("panel.media.none")}</p>`;
  return html`<div class="media-grid">${shown.map((f) => fileTemplate(f, cache, onOpen))}</div>`;
}

/** The full-size picture over the page; a click anywhere or Esc closes it. */
export function lightboxTemplate(open, onClose) {
  if (!open) return nothing;
  return html`<div class="panel-lightbox" role="dialog" aria-modal="true" tabindex="-1" @click=${onClose}
      @keydown=${(e) => e.key === "Escape" && onClose()}>
    <img src=${open.src} alt=${open.name}>
  </div>`;
}

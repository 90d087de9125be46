// The case's timeline: each step with who took it (and in which role), Beijing time, from → to, note and files.
import { html } from "./vendor/lit-html/lit-html.js";
import { t } from "./i18n.js";
import { fileTemplate } from "./panel-media.js";
import "./panel-strings.js";

/** The timeline list's items (rows from panel-logic timelineRows). */
export function timelineTemplate(rows, cache, onOpen) {
  if (!rows.length) return html`<li class="muted">${t("panel.none")}</li>`;
  return rows.map((r) => html`<li data-action=${r.action} class=${`to-${r.toStatus}`}>
    <div class="tl-head"><b>${r.label}</b><time>${r.at}</time></div>
    <div class="tl-meta">
      <span class="actor">${r.actor}</span>${r.role ? html` <span class="tl-role muted">${r.role}</span>` : ""}
      <span class="transition">${r.from ? `${r.from} → ` : ""}${r.to}</span>
    </div>
    ${r.note ? html`<p class="tl-note">${r.note}</p>` : ""}
    ${r.files.length ? html`<div class="tl-files media-grid">${r.files.map((f) => fileTemplate(f, cache, onOpen))}</div>` : ""}
  </li>`);
}

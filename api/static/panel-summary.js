// The incident panel's head (status, number, title, close) and the case's fields, in the current language.
import { html, nothing } from "./vendor/lit-html/lit-html.js";
import { formatTime, t } from "./i18n.js";
import { STATUSES } from "./labels.js";
import { caseTeamIds, categoryLabel, gridPathText, hasPosition, teamName } from "./store.js";
import { statusText, textOr } from "./panel-logic.js";
import { platformText } from "./panel-teams.js";
import "./panel-strings.js";

/** The drawer's head: status badge, case number, close button and title. */
export function headTemplate(c, id, onClose) {
  return html`<div class="detail-title-row">
      <span id="detail-status" class=${`badge status-${c ? c.status : ""}`}>${c ? statusText(c.status, STATUSES) : ""}</span>
      <span id="detail-id" class="mono">${id != null ? `#${id}` : ""}</span>
      <button type="button" id="detail-close" class="icon-button" title=${`${t("panel.close")} (Esc)`}
        aria-label=${t("panel.close")} @click=${onClose}>×</button>
    </div>
    <h2 id="detail-title" title=${(c && c.title) || ""}>${(c && c.title) || ""}</h2>`;
}

/** The case's fields as a definition list's rows. */
export function fieldsTemplate(c) {
  const teams = caseTeamIds(c.id);
  const row = (key, value) => html`<dt>${t(key)}</dt><dd>${value}</dd>`;
  const position = html`<span class="mono">${Number(c.lon).toFixed(5)}, ${Number(c.lat).toFixed(5)}</span>
    <span class="muted">WGS-84</span>`;
  return html`
    ${row("panel.field.platform", html`<span class="plat-chip"><i></i>${c.platform ? platformText(c.platform) : t("panel.teams.unrouted")}</span>`)}
    ${row("panel.field.category", c.category ? html`${categoryLabel(c.category)} <span class="muted mono">${c.category}</span>` : "—")}
    ${row("panel.field.source", textOr(`panel.source.${c.source}`, c.source || "—"))}
    ${row("panel.field.grid", gridPathText(c.grid_path))}
    ${row("panel.field.team", teams.length ? teams.map(teamName).join(", ") : "—")}
    ${row("panel.field.reported", formatTime(c.created_at))}
    ${row("panel.field.updated", formatTime(c.updated_at))}
    ${c.satisfaction != null ? row("panel.field.satisfaction", "★".repeat(Number(c.satisfaction))) : nothing}
    ${c.description ? row("panel.field.description", c.description) : nothing}
    ${hasPosition(c) ? row("panel.field.location", position) : nothing}`;
}

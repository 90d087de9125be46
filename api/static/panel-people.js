// People around a case: its grid and the grid's staff (phones as the API masks them), its reporters, and the
// open cases that may report the same matter (with a merge button for those who may merge).
import { html } from "./vendor/lit-html/lit-html.js";
import { formatTime, t } from "./i18n.js";
import { distanceText, textOr } from "./panel-logic.js";
import "./panel-strings.js";

/** The case's finest grid with its staff: name, role, phone. */
export function gridTemplate({ grid, error, path }) {
  if (error) return html`<p class="muted">${error}</p>`;
  if (!grid) return html`<p class="muted">${path && path.length ? t("panel.loading") : t("panel.none")}</p>`;
  const p = grid.properties || {};
  const staff = p.staff || [];
  return html`<p class="grid-name"><b>${p.name}</b> <span class="muted mono">${p.code}</span>
      ${p.parent ? html`<span class="muted"> · ${p.parent.name}</span>` : ""}</p>
    ${staff.length ? html`<ul class="grid-staff">${staff.map((s) => html`
      <li data-role=${s.role}><span class="staff-role">${textOr(`panel.grid.${s.role}`, s.role)}</span>
        <span class="staff-name">${s.name}</span> <span class="staff-phone mono">${s.phone || "—"}</span></li>`)}</ul>`
      : html`<p class="muted">${t("panel.grid.no_staff")}</p>`}`;
}

/** The case's reporters (its own and those of cases merged into it), masked where the role must not read them. */
export function reportersTemplate({ reporters, error }) {
  if (error) return html`<p class="muted">${error}</p>`;
  if (!reporters) return html`<p class="muted">${t("panel.loading")}</p>`;
  const people = reporters.reporters || [];
  if (!people.length) return html`<p class="muted">${t("panel.rep.none")}</p>`;
  return html`<ul class="panel-reporters">${people.map((r) => html`
    <li data-reporter-id=${r.id}><span>${r.name || "—"}</span> <span class="mono">${r.phone || ""}</span>
      <span class="muted">${textOr(`panel.role.${r.channel}`, r.channel)} · ${formatTime(r.reported_at, "short")}</span>
      ${r.merged_from ? html`<span class="muted"> · #${r.merged_from}</span>` : ""}
      ${r.satisfaction ? html`<span> ${"★".repeat(r.satisfaction)}</span>` : ""}</li>`)}</ul>`;
}

/** Open cases of the category near this one; a merge button where the user may merge this case now. */
export function duplicatesTemplate({ duplicates, error, canMerge, onMerge, onSelect, busy }) {
  if (error) return html`<p class="muted">${error}</p>`;
  if (!duplicates) return html`<p class="muted">${t("panel.loading")}</p>`;
  if (!duplicates.items.length) return html`<p class="muted">${t("panel.dup.none")}</p>`;
  return html`<ul class="panel-duplicates">${duplicates.items.map((d) => html`
    <li data-case-id=${d.id}>
      <a href="#" @click=${(e) => { e.preventDefault(); onSelect(d.id); }}>#${d.id} ${d.title}</a>
      <span class="muted">${t("panel.dup.away", { d: distanceText(d.distance_m) })} · ${formatTime(d.created_at, "short")}</span>
      ${canMerge ? html`<button type="button" class="act" data-merge-into=${d.id} ?disabled=${busy}
        @click=${() => onMerge(d.id)}>${t("panel.dup.merge")}</button>` : ""}
    </li>`)}</ul>`;
}

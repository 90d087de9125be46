// The steps this user may take on the case, as the server's lifecycle says, and the inputs those steps read.
import { html, nothing } from "./vendor/lit-html/lit-html.js";
import { t } from "./i18n.js";
import { PLATFORMS } from "./labels.js";
import { distanceText, etaText, isFinished, needsReason } from "./panel-logic.js";
import { platformText } from "./panel-teams.js";
import "./panel-strings.js";

const STARS = [5, 4, 3, 2, 1];

/** Read the step inputs from the rendered form (they keep what the operator typed across re-renders). */
export function readInputs(root) {
  const value = (sel) => {
    const el = root.querySelector(sel);
    return el ? el.value : "";
  };
  return {
    note: value("#action-note"),
    platform: value("#action-platform"),
    team_id: value("#action-team"),
    satisfaction: value("#action-satisfaction"),
    target: value("#action-target"),
  };
}

/** Empty the inputs after a step went through. */
export function clearInputs(root) {
  for (const sel of ["#action-note", "#action-target"]) {
    const el = root.querySelector(sel);
    if (el) el.value = "";
  }
}

/**
 * The step section: inputs the shown steps need, then one button per step, the loop's next one highlighted.
 * plan: buttonsFor(...); c: the case; suggestions: GET /suggestions answer or null; message: { kind, text }.
 */
export function actionsTemplate({ plan, lifecycle, c, suggestions, busy, message, onAct }) {
  const { buttons, inputs } = plan;
  const reason = buttons.some((b) => needsReason(lifecycle, b.action));
  const teams = (suggestions && suggestions.teams) || [];
  const empty = isFinished(c.status) ? t("panel.loop_done") : t("panel.no_step");
  return html`
    ${buttons.length ? html`<div class="action-inputs">
      <label class="field wide"><span>${reason ? `${t("panel.in.note")} / ${t("panel.in.reason")}` : t("panel.in.note")}</span>
        <input id="action-note" type="text" maxlength="2000" autocomplete="off">
      </label>
      ${inputs.has("platform") ? html`<label class="field wide"><span>${t("panel.in.platform")}</span>
        <select id="action-platform">${Object.keys(PLATFORMS).map((code) => html`
          <option value=${code} ?selected=${code === (c.platform || "governance")}>${platformText(code)}</option>`)}
        </select></label>` : nothing}
      ${inputs.has("team") ? html`<label class="field wide"><span>${t("panel.in.team")}</span>
        <select id="action-team"><option value="">${t("panel.in.team_auto")}</option>${teams
          .filter((tm) => tm.status === "available").map((tm) => html`
          <option value=${tm.team_id}>${tm.name} · ${distanceText(tm.distance_m)} · ${etaText(tm.eta_s)}</option>`)}
        </select></label>` : nothing}
      ${inputs.has("satisfaction") ? html`<label class="field wide"><span>${t("panel.in.satisfaction")}</span>
        <select id="action-satisfaction">${STARS.map((n) => html`<option value=${n}>${n} ${"★".repeat(n)}</option>`)}</select>
        </label>` : nothing}
      ${inputs.has("target") ? html`<label class="field wide"><span>${t("panel.in.target")}</span>
        <input id="action-target" type="text" inputmode="numeric" maxlength="20" autocomplete="off"></label>` : nothing}
    </div>` : nothing}
    <div id="action-next" class="action-buttons next">
      ${buttons.length ? buttons.map((b) => html`<button type="button" class=${`act ${b.primary ? "primary" : ""}`}
          data-action=${b.action} data-key=${b.key} id=${`action-${b.key}`} ?disabled=${busy}
          @click=${() => onAct(b)}>${t(`panel.act.${b.key}`)}</button>`)
        : html`<span class="muted">${empty}</span>`}
    </div>
    <p id="action-error" class="msg error" role="alert" ?hidden=${!message || message.kind !== "error"}>
      ${message && message.kind === "error" ? message.text : ""}</p>
    <p id="action-ok" class="msg ok" role="status" ?hidden=${!message || message.kind !== "ok"}>
      ${message && message.kind === "ok" ? message.text : ""}</p>`;
}

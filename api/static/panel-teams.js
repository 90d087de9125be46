// Teams on and for a case: the open offer (accept / decline), suggested teams with distance and ETA, joint tasks.
import { html, nothing } from "./vendor/lit-html/lit-html.js";
import { lang, t } from "./i18n.js";
import { PLATFORMS } from "./labels.js";
import { distanceText, etaText, mayAnswerOffer, mayCommandTasks, mayFinishTask, offerState, sortedTasks, textOr } from "./panel-logic.js";
import "./panel-strings.js";

/** A platform's name in the current language. */
export function platformText(code) {
  const p = PLATFORMS[code];
  return p ? (lang() === "zh" ? p.zh : p.en) : String(code ?? "—");
}

function secondsText(s) {
  if (s == null) return "—";
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The case's open offers: the team, its time left, and (for its members or the command room) accept / decline. */
export function offersTemplate({ assignments, user, teamName, now, onAnswer, busy }) {
  const offers = (assignments || []).map((a) => ({ a, state: offerState(a, now) })).filter((o) => o.state);
  if (!offers.length) return nothing;
  return html`<div class="panel-offers">${offers.map(({ a, state }) => html`
    <div class="offer" data-assignment-id=${a.id} data-state=${state.open ? "offered" : "lapsed"}>
      <span>${state.open
        ? t("panel.offer.offered", { team: teamName(a.team_id), left: secondsText(state.secondsLeft) })
        : t("panel.offer.lapsed", { team: teamName(a.team_id) })}</span>
      ${a.eta_s != null ? html`<span class="muted"> · ${etaText(a.eta_s)}</span>` : ""}
      ${state.open && mayAnswerOffer(user, a) ? html`
        <button type="button" class="act primary" data-offer="accept" ?disabled=${busy}
          @click=${() => onAnswer(a, "accept")}>${t("panel.offer.accept")}</button>
        <button type="button" class="act" data-offer="decline" ?disabled=${busy}
          @click=${() => onAnswer(a, "decline")}>${t("panel.offer.decline")}</button>` : ""}
    </div>`)}</div>`;
}

/** Suggested teams, best first; where the user may dispatch, a click sends that team. */
export function suggestionsTemplate({ suggestions, error, canDispatch, onChoose, busy }) {
  if (error) return html`<p class="muted">${error}</p>`;
  if (!suggestions) return html`<p class="muted">${t("panel.loading")}</p>`;
  if (!suggestions.teams.length) return html`<p class="muted">${t("panel.teams.none")}</p>`;
  return html`<ol class="panel-teams" data-platform=${suggestions.platform}>${suggestions.teams.map((tm) => html`
    <li data-team-id=${tm.team_id} data-status=${tm.status}>
      <span class="team-name">${tm.name}</span>
      <span class="muted">${platformText(tm.platform)} · ${textOr(`panel.team.${tm.status}`, tm.status)}</span>
      <span class="team-dist">${distanceText(tm.distance_m)}</span>
      <span class="team-eta">${etaText(tm.eta_s)}</span>
      ${canDispatch && tm.status === "available" ? html`<button type="button" class="act" data-dispatch-team=${tm.team_id}
        ?disabled=${busy} @click=${() => onChoose(tm.team_id)}>${t("panel.teams.choose")}</button>` : ""}
    </li>`)}</ol>`;
}

/** The tasks of a joint case (lead and assisting), with done buttons and a form to add an assisting one. */
export function tasksTemplate({ tasks, user, teamName, onDone, onAdd, busy, caseOpen }) {
  const rows = sortedTasks(tasks);
  const list = rows.length
    ? html`<ul class="panel-tasks">${rows.map((task) => html`
      <li data-assignment-id=${task.assignment_id} data-role=${task.role} data-state=${task.state}>
        <span class="task-role">${t(task.role === "lead" ? "panel.tasks.lead" : "panel.tasks.assisting")}</span>
        <span>${platformText(task.platform)} · ${teamName(task.team)}</span>
        <span class="muted">${textOr(`panel.state.${task.state}`, task.state)} · ${t(task.open ? "panel.tasks.open" : "panel.tasks.closed")}</span>
        ${task.task ? html`<p class="task-text">${task.task}</p>` : ""}
        ${mayFinishTask(user, task) ? html`<button type="button" class="act" data-task-done=${task.assignment_id}
          ?disabled=${busy} @click=${() => onDone(task)}>${t("panel.tasks.done")}</button>` : ""}
      </li>`)}</ul>`
    : html`<p class="muted">${t("panel.tasks.none")}</p>`;
  if (!mayCommandTasks(user) || !caseOpen) return list;
  const submit = (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    onAdd({ platform: form.elements.platform.value, task: form.elements.task.value.trim() }, form);
  };
  return html`${list}
    <form class="task-add" @submit=${submit}>
      <select name="platform" aria-label=${t("panel.in.platform")}>
        ${Object.keys(PLATFORMS).map((code) => html`<option value=${code}>${platformText(code)}</option>`)}
      </select>
      <input name="task" type="text" maxlength="2000" placeholder=${t("panel.tasks.what")} aria-label=${t("panel.tasks.what")}>
      <button type="submit" class="act" id="task-add" ?disabled=${busy}>${t("panel.tasks.add")}</button>
    </form>`;
}

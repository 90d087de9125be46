// What each live feed event does to the page: the store (and through it the map, list and counters), the
// ticker's line in the current language, the chime and highlight of urgent ones, and the gw:case-changed event.
import { addStrings, t } from "./i18n.js";
import { actionName, distanceText, fullTime, isFinished, platformName, statusName } from "./labels.js";
import { isUrgent } from "./live-logic.js";
import { emit, gridPathText, setAssignment, store, teamName, upsertCase, upsertTeam } from "./store.js";

addStrings({
  zh: {
    "ev.new_case": "立案", "ev.urgent_case": "紧急立案", "ev.assigned": "派遣", "ev.released": "收队", "ev.accepted": "接单",
    "ev.no_team": "无人接单", "ev.no_team_text": "#{id}：{n} 支队伍拒单，请重新派遣", "ev.team": "队伍", "ev.silent": "失联",
    "ev.silent_text": "{team}：无定位自 {since}", "ev.reporting": "恢复", "ev.alert": "告警", "ev.critical": "严重告警",
    "ev.alert_text": "{kind} {metric}={value}（限值 {limit}）· {device} · {grid}", "ev.acknowledged": "已确认",
    "ev.cleared": "已解除", "ev.linked": "已关联案件 #{id}", "ev.supervised": "督办", "ev.eta": "预计 {min} 分钟",
  },
  en: {
    "ev.new_case": "New case", "ev.urgent_case": "Urgent case", "ev.assigned": "Assigned", "ev.released": "Released",
    "ev.accepted": "Accepted", "ev.no_team": "No team", "ev.no_team_text": "#{id}: {n} teams refused; dispatch again",
    "ev.team": "Team", "ev.silent": "Silent", "ev.silent_text": "{team}: no position since {since}", "ev.reporting": "Reporting",
    "ev.alert": "Alert", "ev.critical": "Critical alert", "ev.alert_text": "{kind} {metric}={value} (limit {limit}) · {device} · {grid}",
    "ev.acknowledged": "acknowledged", "ev.cleared": "cleared", "ev.linked": "linked to case #{id}", "ev.supervised": "Supervised",
    "ev.eta": "ETA {min} min",
  },
});

const QUIET_FOR_QUEUES = new Set(["team.moved", "team.silent", "team.reporting"]);

/** Announce a case change to the other views (queues, dashboard): they listen on document. */
function announceCase(id) {
  document.dispatchEvent(new CustomEvent("gw:case-changed", { detail: { id: String(id) } }));
}

/**
 * Build the handler the live stream calls: cmap, list, detail and feed are the page's parts,
 * onUrgent(kind, data) rings and highlights, onActivity() refreshes the queue counters, onAlert() counts one.
 */
export function eventHandler({ cmap, list, detail, feed, onUrgent, onActivity, onAlert }) {
  const refreshDetail = (id, soon = false) => {
    if (store.selectedId !== String(id)) return;
    if (soon) detail.refreshSoon();
    else detail.rerender();
  };
  return function handleEvent(kind, data, feedId) {
    const urgent = isUrgent(kind, data);
    switch (kind) {
      case "case.opened": {
        const r = upsertCase(data.case);
        if (!r) return;
        if (r.isNew) list.flash(r.case.id, { urgent });
        emit("case-changed", r);
        const c = r.case;
        feed.push({
          kind, feedId, caseId: c.id, level: "new", urgent,
          describe: () => ({
            tag: t(urgent ? "ev.urgent_case" : "ev.new_case"),
            text: `#${c.id} ${c.title} · ${platformName(c.platform)} · ${gridPathText(c.grid_path)}`,
          }),
        });
        announceCase(c.id);
        break;
      }
      case "case.updated":
      case "case.supervised": {
        const r = upsertCase(data.case);
        if (!r) return;
        emit("case-changed", r);
        const c = r.case;
        const ev = data.event || {};
        feed.push({
          kind, feedId, caseId: c.id, level: isFinished(c.status) ? "done" : kind === "case.supervised" ? "warning" : "",
          describe: () => ({
            tag: kind === "case.supervised" ? t("ev.supervised") : actionName(ev.action) || statusName(c.status),
            text: `#${c.id} ${c.title} → ${statusName(ev.to_status || c.status)}${ev.actor ? ` · ${ev.actor}` : ""}${ev.note ? ` · ${ev.note}` : ""}`,
          }),
          at: ev.at || new Date(),
        });
        refreshDetail(c.id, true);
        announceCase(c.id);
        break;
      }
      case "team.assigned": {
        const tm = upsertTeam(data.team);
        if (tm) cmap.setTeam(tm.team);
        const r = upsertCase(data.case);
        setAssignment(data.assignment);
        if (r) emit("case-changed", r);
        if (data.assignment) emit("assignment-changed", data.assignment);
        feed.push({
          kind, feedId, caseId: data.case_id,
          describe: () => ({
            tag: t("ev.assigned"),
            text: `${data.team ? data.team.name : "?"} → #${data.case_id}${data.distance_m != null ? ` · ${distanceText(data.distance_m)}` : ""}` +
              `${data.eta_s != null ? ` · ${t("ev.eta", { min: Math.max(1, Math.round(data.eta_s / 60)) })}` : ""}`,
          }),
        });
        refreshDetail(data.case_id);
        break;
      }
      case "team.released": {
        setAssignment(data.assignment);
        const r = upsertCase(data.case);
        if (r) emit("case-changed", r);
        if (data.assignment) emit("assignment-changed", data.assignment);
        feed.push({ kind, feedId, caseId: data.case_id, level: "quiet",
                    describe: () => ({ tag: t("ev.released"), text: `${teamName(data.team_id)} ✓ #${data.case_id}` }) });
        refreshDetail(data.case_id);
        break;
      }
      case "team.accepted": {
        setAssignment(data.assignment);
        if (data.assignment) emit("assignment-changed", data.assignment);
        feed.push({ kind, feedId, caseId: data.case_id, level: "quiet",
                    describe: () => ({ tag: t("ev.accepted"), text: `${teamName(data.team_id)} → #${data.case_id}` }) });
        refreshDetail(data.case_id);
        break;
      }
      case "dispatch.no_team": {
        const r = upsertCase(data.case);
        if (r) emit("case-changed", r);
        feed.push({ kind, feedId, caseId: data.case_id,
                    describe: () => ({ tag: t("ev.no_team"), text: t("ev.no_team_text", { id: data.case_id, n: (data.refused_by || []).length }) }) });
        refreshDetail(data.case_id);
        break;
      }
      case "team.moved": {
        const tm = upsertTeam(data.team);
        if (!tm) return;
        cmap.setTeam(tm.team);
        cmap.moveAssignmentsOf(tm.team);
        if (tm.before && tm.before.status && tm.before.status !== tm.team.status) {
          const name = tm.team.name || teamName(tm.team.id);
          feed.push({ kind, feedId, level: "quiet",
                      describe: () => ({ tag: t("ev.team"), text: `${name}: ${tm.before.status} → ${tm.team.status}` }) });
        }
        break;
      }
      case "team.silent":
      case "team.reporting": {
        // The phone stopped (or started again) reporting: the pin fades while its position is stale.
        const tm = upsertTeam(data.team);
        if (!tm) return;
        cmap.setTeam(tm.team, { animate: false });
        const silent = kind === "team.silent";
        const name = tm.team.name || teamName(tm.team.id);
        feed.push({
          kind, feedId, level: silent ? "warning" : "quiet",
          describe: () => ({
            tag: t(silent ? "ev.silent" : "ev.reporting"),
            text: silent ? t("ev.silent_text", { team: name, since: fullTime(tm.team.reported_at) }) : name,
          }),
        });
        break;
      }
      case "alert.raised": {
        const a = data.alert || {};
        cmap.flashAlert(a);
        onAlert();
        feed.push({
          kind, feedId, urgent, level: a.severity === "critical" ? "critical" : "warning",
          describe: () => ({
            tag: t(a.severity === "critical" ? "ev.critical" : "ev.alert"),
            text: t("ev.alert_text", { kind: a.sensor_kind || "", metric: a.metric, value: a.value, limit: a.limit,
                                       device: a.device_id, grid: gridPathText(a.grid_path) }),
          }),
          at: a.raised_at || new Date(),
        });
        break;
      }
      case "alert.acknowledged":
      case "alert.cleared":
      case "alert.linked": {
        const a = data.alert || {};
        const what = { "alert.acknowledged": "ev.acknowledged", "alert.cleared": "ev.cleared", "alert.linked": "ev.linked" }[kind];
        feed.push({ kind, feedId, level: "quiet", caseId: data.case_id ?? null,
                    describe: () => ({ tag: t("ev.alert"), text: `${a.device_id} ${a.metric} · ${t(what, { id: data.case_id })}` }) });
        break;
      }
      default:
        return;
    }
    if (urgent) onUrgent(kind, data);
    // Teams move every few seconds and change no queue: only case and alert events refresh the counters.
    if (!QUIET_FOR_QUEUES.has(kind)) onActivity();
  };
}

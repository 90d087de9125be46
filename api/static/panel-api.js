// The incident panel's calls beyond api.js's: suggestions, grid, duplicates, reporters, offers and joint tasks.
import { getJSON, request } from "./api.js";

const caseUrl = (id) => `/api/cases/${encodeURIComponent(id)}`;
const ifMatch = (version) => (version != null ? { "If-Match": `"${version}"` } : {});

export const panelApi = {
  lifecycle: () => getJSON("/api/lifecycle"),
  suggestions: (id, platform) => getJSON(`${caseUrl(id)}/suggestions${platform ? `?platform=${encodeURIComponent(platform)}` : ""}`),
  grid: (code) => getJSON(`/api/grids/${encodeURIComponent(code)}`),
  duplicates: (id) => getJSON(`${caseUrl(id)}/duplicates`),
  reporters: (id) => getJSON(`${caseUrl(id)}/reporters`),
  answerOffer: (id, assignmentId, answer, note = "") =>
    request(`${caseUrl(id)}/assignments/${encodeURIComponent(assignmentId)}/${answer}`, { method: "POST", body: { note } }),
  addTask: (id, body, version) => request(`${caseUrl(id)}/tasks`, { method: "POST", body, headers: ifMatch(version) }),
  taskDone: (id, assignmentId, note = "") =>
    request(`${caseUrl(id)}/tasks/${encodeURIComponent(assignmentId)}/done`, { method: "POST", body: { note } }),
  step: (id, action, body, version) =>
    request(`${caseUrl(id)}/actions/${encodeURIComponent(action)}`, { method: "POST", body, headers: ifMatch(version) }),
};

// Thin wrappers around the gridwatch HTTP API.

export class ApiError extends Error {
  constructor(status, detail, url) {
    super(detailText(detail) || `HTTP ${status} from ${url}`);
    this.status = status;
    this.detail = detail;
    this.url = url;
  }
}

/** Turn FastAPI's `detail` (a string, a list of validation errors or an object) into one line. */
export function detailText(detail) {
  if (detail == null) return "";
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => (typeof d === "string" ? d : `${(d.loc || []).join(".")}: ${d.msg ?? JSON.stringify(d)}`))
      .join("; ");
  }
  if (typeof detail === "object" && detail.message) return String(detail.message);
  return JSON.stringify(detail);
}

async function request(url, options = {}) {
  const response = await fetch(url, {
    headers: { Accept: "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) },
    ...options,
  });
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) {
    // A JSON error carries FastAPI's `detail`; anything else (an HTML error page) is summarised.
    const plain = typeof body === "string" && body.length < 200 && !body.trimStart().startsWith("<") ? body : "";
    const detail = body && typeof body === "object"
      ? body.detail ?? body
      : plain || `HTTP ${response.status} ${response.statusText} (${url.split("?")[0]})`;
    throw new ApiError(response.status, detail, url);
  }
  return body;
}

export function getJSON(url) {
  return request(url);
}

export const CASES_LIMIT = 500;

export const api = {
  grids: (level) => getJSON(`/api/grids?format=geojson&level=${level}&limit=1000`),
  teams: () => getJSON("/api/teams?format=geojson"),
  cases: () => getJSON(`/api/cases?format=geojson&limit=${CASES_LIMIT}`),
  cameras: () => getJSON("/api/cameras?format=geojson&limit=1000"),
  caseDetail: (id) => getJSON(`/api/cases/${encodeURIComponent(id)}`),
  coveringCameras: (lon, lat) =>
    getJSON(`/api/cameras/covering?lon=${encodeURIComponent(lon)}&lat=${encodeURIComponent(lat)}`),
  health: () => getJSON("/healthz"),
  categories: () => getJSON("/api/categories"),
  caseAction: (id, action, body) =>
    request(`/api/cases/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, {
      method: "POST",
      body: JSON.stringify(body),
    }),
};

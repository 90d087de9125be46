// Thin wrappers around the gridwatch HTTP API; every call carries the session's bearer token.

export class ApiError extends Error {
  constructor(status, detail, url, retryAfter = null) {
    super(detailText(detail) || `HTTP ${status} from ${url}`);
    this.status = status;
    this.detail = detail;
    this.url = url;
    this.retryAfter = retryAfter; // seconds, from a 429's Retry-After
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

// The session (auth.js) plugs in here: where the access token comes from, and how to renew it
// after a 401. Kept as hooks so this module knows HTTP and nothing of how a session is kept.
let auth = {
  token: () => null,
  renew: async () => false,
};

/** Install the session's hooks: token() -> access token or null; renew(staleToken) -> whether a retry may succeed. */
export function useAuth(hooks) {
  auth = { ...auth, ...hooks };
}

async function send(url, { body, form, multipart, headers = {}, bearer = true, ...options }) {
  const token = bearer ? auth.token() : null;
  const response = await fetch(url, {
    ...options,
    headers: {
      Accept: "application/json",
      ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    // A FormData body (files) sets its own multipart Content-Type with the boundary.
    body: multipart ?? (form ? new URLSearchParams(form) : body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { response, body: parsed, token };
}

/**
 * Send a request and return its JSON body. A 401 on a call made with a token renews the session
 * once and retries; `retry: false` is for the auth endpoints themselves.
 */
export async function request(url, { retry = true, ...options } = {}) {
  let { response, body, token } = await send(url, options);
  if (response.status === 401 && retry && options.bearer !== false && (await auth.renew(token))) {
    ({ response, body } = await send(url, options));
  }
  if (!response.ok) {
    // A JSON error carries FastAPI's `detail`; anything else (an HTML error page) is summarised.
    const plain = typeof body === "string" && body.length < 200 && !body.trimStart().startsWith("<") ? body : "";
    const detail = body && typeof body === "object"
      ? body.detail ?? body
      : plain || `HTTP ${response.status} ${response.statusText} (${url.split("?")[0]})`;
    const retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw new ApiError(response.status, detail, url, retryAfter);
  }
  return body;
}

export function getJSON(url) {
  return request(url);
}

/** Fetch a file that needs the bearer token (an <img> cannot send it) and return it as a Blob. */
export async function getBlob(url) {
  let token = auth.token();
  const get = (t) => fetch(url, { headers: t ? { Authorization: `Bearer ${t}` } : {} });
  let response = await get(token);
  if (response.status === 401 && (await auth.renew(token))) response = await get((token = auth.token()));
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status} (${url.split("?")[0]})`, url);
  return response.blob();
}

// The side list's newest cases: the map shows every case (server clusters) and the queues page through all of them.
export const CASES_LIMIT = 100;

export const api = {
  grids: (level) => getJSON(`/api/grids?format=geojson&level=${level}&limit=1000`),
  teams: () => getJSON("/api/teams?format=geojson"),
  cases: () => getJSON(`/api/cases?format=geojson&limit=${CASES_LIMIT}`),
  cameras: () => getJSON("/api/cameras?format=geojson&limit=1000"),
  cameraSectors: (bbox) => getJSON(`/api/cameras/sectors?bbox=${bbox.map((v) => v.toFixed(6)).join(",")}&limit=1000`),
  snapshots: (caseId) => getJSON(`/api/cases/${encodeURIComponent(caseId)}/snapshots`),
  caseDetail: (id) => getJSON(`/api/cases/${encodeURIComponent(id)}`),
  coveringCameras: (lon, lat) =>
    getJSON(`/api/cameras/covering?lon=${encodeURIComponent(lon)}&lat=${encodeURIComponent(lat)}`),
  health: () => getJSON("/healthz"),
  categories: () => getJSON("/api/categories"),
  lifecycle: () => getJSON("/api/lifecycle"),
  assignments: () => getJSON("/api/assignments?limit=1000"),
  caseAction: (id, action, body, version) =>
    request(`/api/cases/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, {
      method: "POST", body, headers: version != null ? { "If-Match": `"${version}"` } : {},
    }),
  // What waits per queue (the queues slice's route; a 404 until it lands hides the header's counters).
  queues: () => getJSON("/api/queues"),
  streamTicket: () => request("/api/auth/stream-ticket", { method: "POST" }),
  // The mobile page: a report with its files in one request, and the lists of a grid's and one's own cases.
  intake: (formData) => request("/api/cases/intake", { method: "POST", multipart: formData }),
  caseList: (query) => getJSON(`/api/cases?${new URLSearchParams(query)}`),
};

// The auth endpoints: never retried through renew (that would loop), and token/refresh send no bearer.
export const authApi = {
  token: (username, password) =>
    request("/api/auth/token", { method: "POST", form: { username, password }, bearer: false, retry: false }),
  refresh: (refreshToken) =>
    request("/api/auth/refresh", { method: "POST", body: { refresh_token: refreshToken }, bearer: false, retry: false }),
  logout: (refreshToken) =>
    request("/api/auth/logout", { method: "POST", body: { refresh_token: refreshToken }, retry: false }),
  me: () => getJSON("/api/auth/me"),
};

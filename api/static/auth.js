// The login session: access token in memory, refresh token in sessionStorage (a reload stays
// logged in, closing the tab logs out), renewed shortly before the access token lapses.
import { ApiError, authApi, useAuth } from "./api.js";

const REFRESH_KEY = "gridwatch.refresh_token";
const EARLY_S = 60; // renew this long before the access token expires
const RETRY_MS = 15_000; // after a renewal that failed for a reason other than 401

/** The stored refresh token was refused (expired, revoked or idle too long). */
export class SessionExpired extends Error {}

let accessToken = null;
let expiresAt = 0; // ms since the epoch
let user = null;
let timer = null;
let renewing = null; // the one renewal in flight, shared by everyone who needs it
// Where sessionStorage is unavailable (some private modes) the token lives for this page only.
let memoryRefresh = null;
const listeners = { user: new Set(), ended: new Set() };

export const session = {
  get user() {
    return user;
  },

  /** Log in with a password; resolve to the user, reject with an ApiError (401, 423, 429…). */
  async login(username, password) {
    accept(await authApi.token(username, password));
    return user;
  },

  /** Continue the session a reload left in sessionStorage: the user, null if none, SessionExpired if refused. */
  async resume() {
    if (!readRefresh()) return null;
    try {
      await renew();
    } catch (err) {
      if (isRefused(err)) {
        clear();
        throw new SessionExpired("Session expired 会话已过期");
      }
      throw err;
    }
    return user;
  },

  /** End the session on the server (best effort) and forget it here. */
  async logout() {
    clearTimeout(timer);
    try {
      // The logout call needs a live access token; a lapsed one is renewed first.
      if (Date.now() >= expiresAt - 5000) await renew();
      const token = readRefresh();
      if (token) await authApi.logout(token);
    } catch (err) {
      console.warn("logout failed; the session ends here anyway", err);
    }
    clear();
    emit("ended", "logout");
  },

  /** Call fn(user) whenever a renewal brings the user's record (it may have changed). */
  onUser(fn) {
    listeners.user.add(fn);
  },

  /** Call fn(reason) when the session ends: "expired" (refused by the server) or "logout". */
  onEnded(fn) {
    listeners.ended.add(fn);
  },
};

useAuth({
  token: () => accessToken,
  // After a 401: if another call already renewed the token, just retry; otherwise renew once.
  renew: async (staleToken) => {
    if (accessToken && accessToken !== staleToken && Date.now() < expiresAt) return true;
    try {
      await renewOrEnd();
      return true;
    } catch {
      return false;
    }
  },
});

// Background tabs run timers late: on coming back, renew at once if the token is about to lapse.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && accessToken && Date.now() >= expiresAt - EARLY_S * 1000) {
    renewOrEnd().catch(() => {});
  }
});

/** Trade the stored refresh token for a new pair; concurrent callers share one request. */
function renew() {
  if (!renewing) {
    const token = readRefresh();
    renewing = (token ? authApi.refresh(token).then(accept) : Promise.reject(new SessionExpired("no refresh token")))
      .finally(() => {
        renewing = null;
      });
  }
  return renewing;
}

/** Renew; if the server refuses the refresh token the session is over and the page must say so. */
async function renewOrEnd() {
  try {
    await renew();
  } catch (err) {
    if (isRefused(err)) {
      if (user || accessToken) {
        clear();
        emit("ended", "expired");
      }
    } else {
      // A network error or a 5xx: the refresh token may still be good, try again soon.
      schedule(err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000 : RETRY_MS);
    }
    throw err;
  }
}

function isRefused(err) {
  // Any 4xx but "slow down" means this refresh token will never work again.
  return err instanceof SessionExpired || (err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 429].includes(err.status));
}

function accept(answer) {
  if (!answer || !answer.access_token) throw new ApiError(500, "token answer without access_token", "/api/auth");
  accessToken = answer.access_token;
  const lifetime = Number(answer.expires_in) || 600;
  expiresAt = Date.now() + lifetime * 1000;
  // The refresh token rotates: the newest one is the only one that still works.
  if (answer.refresh_token) writeRefresh(answer.refresh_token);
  if (Number(answer.refresh_expires_in) > 0) idleMs = Number(answer.refresh_expires_in) * 1000;
  if (answer.user) {
    user = answer.user;
    emit("user", user);
  }
  schedule(Math.max(lifetime * 500, (lifetime - EARLY_S) * 1000));
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(renewIfActive, ms);
}

// The idle timeout (等保 session timeout) counts the operator's own input, not the page's background calls:
// a token is renewed ahead of expiry only if someone used the page within the idle window.
let lastInput = Date.now();
let idleMs = 30 * 60 * 1000;
for (const kind of ["pointerdown", "keydown", "wheel", "touchstart"]) {
  document.addEventListener(kind, () => { lastInput = Date.now(); }, { passive: true, capture: true });
}

function renewIfActive() {
  if (Date.now() - lastInput > idleMs) {
    clear();
    emit("ended", "expired");
    return;
  }
  renewOrEnd().catch(() => {});
}

function clear() {
  clearTimeout(timer);
  accessToken = null;
  expiresAt = 0;
  user = null;
  writeRefresh(null);
}

function emit(topic, payload) {
  for (const fn of listeners[topic]) {
    try {
      fn(payload);
    } catch (err) {
      console.error(`session listener for ${topic} failed`, err);
    }
  }
}

function readRefresh() {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return memoryRefresh;
  }
}

function writeRefresh(token) {
  memoryRefresh = token;
  try {
    if (token) sessionStorage.setItem(REFRESH_KEY, token);
    else sessionStorage.removeItem(REFRESH_KEY);
  } catch {
    /* kept in memoryRefresh */
  }
}

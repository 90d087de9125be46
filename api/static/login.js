// The login card that covers the page until someone has logged in (and again when a session lapses).
import { ApiError } from "./api.js";
import { addStrings, t } from "./i18n.js";

addStrings({
  zh: {
    "login.enter_both": "请输入用户名和密码", "login.unreachable": "无法连接服务器（{detail}）",
    "login.wrong": "用户名或密码错误", "login.locked": "账号已锁定：{detail}", "login.too_many": "尝试过于频繁",
    "login.retry_in": "：请 {s} 秒后重试", "login.failed": "登录失败（HTTP {status}）：{detail}", "login.expired": "会话已过期",
  },
  en: {
    "login.enter_both": "Enter username and password", "login.unreachable": "Cannot reach the server ({detail})",
    "login.wrong": "Wrong username or password", "login.locked": "Account locked: {detail}", "login.too_many": "Too many attempts",
    "login.retry_in": ": retry in {s} s", "login.failed": "Login failed (HTTP {status}): {detail}", "login.expired": "Session expired",
  },
});

export class LoginScreen {
  /**
   * root carries data-auth (pending, out, in) which the stylesheet turns into card or page;
   * app lists the page's regions, made inert while the card covers them.
   */
  constructor({ root, form, username, password, submit, message, app, logIn, onLoggedIn }) {
    Object.assign(this, { root, form, username, password, submit, message, app, logIn, onLoggedIn });
    this.heldUntil = 0; // after a 429 the button waits out Retry-After
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this._submit();
    });
  }

  show(text = "", kind = "error") {
    this.root.dataset.auth = "out";
    for (const el of this.app) el.inert = true;
    this._say(text, kind);
    (this.username.value ? this.password : this.username).focus();
  }

  hide() {
    this.root.dataset.auth = "in";
    for (const el of this.app) el.inert = false;
    this._say("");
  }

  /** Fill in the name of whoever was logged in, unless someone has typed another. */
  suggestUsername(name) {
    if (!this.username.value) this.username.value = name;
  }

  async _submit() {
    const username = this.username.value.trim();
    const password = this.password.value;
    if (!username || !password) {
      this._say(t("login.enter_both"));
      (username ? this.password : this.username).focus();
      return;
    }
    this.submit.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    this._say("");
    let user;
    try {
      user = await this.logIn(username, password);
      this.password.value = "";
    } catch (err) {
      this._say(loginFailure(err));
      if (err instanceof ApiError && err.status === 429 && err.retryAfter) this.heldUntil = Date.now() + err.retryAfter * 1000;
      this.password.select();
      return;
    } finally {
      this.form.removeAttribute("aria-busy");
      this._release();
    }
    this.onLoggedIn(user);
  }

  _release() {
    const wait = this.heldUntil - Date.now();
    this.submit.disabled = wait > 0;
    if (wait > 0) setTimeout(() => this._release(), wait);
  }

  /** Say why the card is showing: an error (the default) or a notice such as an expired session. */
  _say(text, kind = "error") {
    this.message.textContent = text;
    this.message.hidden = !text;
    this.message.classList.toggle("notice", kind === "notice");
  }
}

/** One line in the current language for a failed login: wrong password, locked, rate-limited or unreachable. */
export function loginFailure(err) {
  if (!(err instanceof ApiError)) return t("login.unreachable", { detail: err.message });
  switch (err.status) {
    case 401:
      return t("login.wrong");
    case 423:
      return t("login.locked", { detail: err.message });
    case 429:
      return t("login.too_many") + (err.retryAfter ? t("login.retry_in", { s: err.retryAfter }) : "");
    default:
      return t("login.failed", { status: err.status, detail: err.message });
  }
}

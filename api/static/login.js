// The login card that covers the page until someone has logged in (and again when a session lapses).
import { ApiError } from "./api.js";

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
      this._say("Enter username and password 请输入用户名和密码");
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

/** One bilingual line for a failed login: wrong password, locked, rate-limited or unreachable. */
export function loginFailure(err) {
  if (!(err instanceof ApiError)) return `Cannot reach the server 无法连接服务器 (${err.message})`;
  switch (err.status) {
    case 401:
      return "Wrong username or password 用户名或密码错误";
    case 423:
      return `Account locked 账号已锁定: ${err.message}`;
    case 429:
      return `Too many attempts 尝试过于频繁${err.retryAfter ? `: retry in ${err.retryAfter} s 请 ${err.retryAfter} 秒后重试` : ""}`;
    default:
      return `Login failed 登录失败 (HTTP ${err.status}): ${err.message}`;
  }
}

// The live feed over Server-Sent Events. EventSource cannot send a bearer header, so each connection opens with a
// short-lived ticket; the page reconnects itself (a fresh ticket each time, with backoff) and asks the server
// to replay from the last event it saw (?since=), so nothing published while it was down is lost.
import { api } from "./api.js";
import { Backoff, laterEventId, streamQuery } from "./live-logic.js";

const STREAM_URL = "/api/events/stream";
export const STREAM_KINDS = ["alert.raised", "alert.acknowledged", "alert.cleared", "alert.linked", "case.opened", "case.updated",
  "case.supervised", "team.assigned", "team.released", "team.moved", "team.silent", "team.reporting", "team.accepted",
  "dispatch.no_team"];

export class LiveStream {
  /**
   * onEvent(kind, data, feedId) for each message; onState("connecting" | "live" | "reconnecting" | "offline");
   * onCaughtUp() after a reconnect, to re-read what a replay may not cover (cases closed and purged meanwhile).
   */
  constructor({ onEvent, onState, onCaughtUp, backoff = new Backoff() }) {
    Object.assign(this, { onEvent, onState, onCaughtUp, backoff });
    this.source = null;
    this.wanted = false;
    this.attempt = 0; // bumps on every (re)connect and stop, so a late answer is dropped
    this.timer = null;
    this.hadError = false;
    this.lastEventId = null;
    this.reconnects = 0;
  }

  start() {
    this.wanted = true;
    this.backoff.reset();
    this._connect();
  }

  stop() {
    this.wanted = false;
    this.attempt++;
    clearTimeout(this.timer);
    this._close();
    this.onState("offline");
  }

  /** Drop the connection as a network fault would (the page's own hook for operators and browser tests). */
  drop() {
    if (!this.source) return;
    this._close();
    this._failed();
  }

  async _connect() {
    clearTimeout(this.timer);
    this._close();
    const attempt = ++this.attempt;
    this.onState(this.hadError ? "reconnecting" : "connecting");
    let ticket;
    try {
      ticket = (await api.streamTicket()).ticket;
    } catch (err) {
      if (attempt !== this.attempt || !this.wanted) return;
      console.warn("stream ticket refused", err);
      this._failed();
      return;
    }
    if (attempt !== this.attempt || !this.wanted) return;
    const source = new EventSource(`${STREAM_URL}?${streamQuery(ticket, this.lastEventId)}`);
    this.source = source;
    source.onopen = () => {
      this.onState("live");
      this.backoff.reset();
      if (this.hadError) {
        this.reconnects++;
        document.body.dataset.streamReconnects = String(this.reconnects);
        this.onCaughtUp();
      }
      this.hadError = false;
    };
    // Never let the browser retry on its own: it would reuse a ticket that has expired.
    source.onerror = () => {
      if (attempt !== this.attempt) return;
      this._close();
      this._failed();
    };
    for (const kind of STREAM_KINDS) source.addEventListener(kind, (e) => this._message(kind, e));
  }

  _message(kind, e) {
    this.lastEventId = laterEventId(this.lastEventId, e.lastEventId);
    let data;
    try {
      data = JSON.parse(e.data);
    } catch {
      console.warn(`unreadable ${kind} message`, e.data);
      return;
    }
    try {
      this.onEvent(kind, data, e.lastEventId);
    } catch (err) {
      console.error(`handling ${kind} failed`, err);
    }
  }

  _failed() {
    this.hadError = true;
    this.onState("reconnecting");
    if (!this.wanted) return;
    this.timer = setTimeout(() => this._connect(), this.backoff.next());
  }

  _close() {
    if (this.source) {
      this.source.onopen = this.source.onerror = null;
      this.source.close();
      this.source = null;
    }
  }
}

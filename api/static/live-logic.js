// The live stream's decisions, kept free of the DOM so Node tests them: what is urgent, how long to wait before
// reconnecting, where to resume, and how often the queue counters may be fetched.

// Case priorities from the taxonomy (cases/taxonomy.py Priority) that call the room's attention at once.
export const URGENT_PRIORITIES = new Set(["urgent", "high"]);

/** Whether a feed event must ring and stand out: a case opened with an urgent or high priority, or a critical alert. */
export function isUrgent(kind, data) {
  if (!data) return false;
  if (kind === "case.opened") return URGENT_PRIORITIES.has(String(data.case?.priority || ""));
  if (kind === "alert.raised") return data.alert?.severity === "critical";
  return false;
}

/**
 * Exponential backoff with jitter, so a room of screens does not reconnect in step.
 * random() is injected (tests pass a constant); reset() after a connection opens.
 */
export class Backoff {
  constructor({ baseMs = 2000, maxMs = 60_000, jitter = 0.2, random = Math.random } = {}) {
    Object.assign(this, { baseMs, maxMs, jitter, random });
    this.currentMs = baseMs;
  }

  /** The wait before the next attempt; each call doubles the following one up to maxMs. */
  next() {
    const wait = this.currentMs * (1 - this.jitter + this.random() * 2 * this.jitter);
    this.currentMs = Math.min(this.currentMs * 2, this.maxMs);
    return Math.round(wait);
  }

  reset() {
    this.currentMs = this.baseMs;
  }
}

/** The id to resume from after an event: the feed's ids are increasing integers; anything else is ignored. */
export function laterEventId(current, eventId) {
  if (!/^\d+$/.test(String(eventId ?? ""))) return current;
  if (current != null && Number(eventId) <= Number(current)) return current;
  return String(eventId);
}

/**
 * The stream's query: the ticket, and since=<last id seen> after a drop so the server replays what was missed.
 * (EventSource sends Last-Event-ID only on its own retries, which the page never uses: tickets expire.)
 */
export function streamQuery(ticket, lastEventId) {
  const params = new URLSearchParams({ ticket });
  if (lastEventId != null) params.set("since", String(lastEventId));
  return params.toString();
}

/**
 * Call fn at most once per gapMs however often request() is called: at once when the last call is old enough,
 * otherwise once at the end of the gap (later requests in the gap fold into that one).
 * now() and setTimer(fn, ms) are injected so tests drive the clock.
 */
export function throttle(fn, { gapMs = 1000, now = () => Date.now(), setTimer = (f, ms) => setTimeout(f, ms) } = {}) {
  let last = -Infinity;
  let scheduled = false;
  const run = () => {
    scheduled = false;
    last = now();
    fn();
  };
  return function request() {
    if (scheduled) return;
    const wait = last + gapMs - now();
    if (wait <= 0) run();
    else {
      scheduled = true;
      setTimer(run, wait);
    }
  };
}

// The queues of GET /api/queues, in the API's order (the queues slice builds the route).
export const QUEUES = ["to_accept", "to_route", "overdue", "escalated", "to_verify", "triage"];

/** The counts of a /api/queues answer by queue name; queues the answer leaves out count as null. */
export function queueCounts(body) {
  const counts = Object.fromEntries(QUEUES.map((q) => [q, null]));
  for (const row of (body && body.queues) || []) if (row && QUEUES.includes(row.queue)) counts[row.queue] = Number(row.count);
  return counts;
}

// The live stream's pure decisions (api/static/live-logic.js): urgency, backoff, the replay id, the counters' throttle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Backoff, isUrgent, laterEventId, queueCounts, streamQuery, throttle } from "../../api/static/live-logic.js";

test("a case opened urgent or high, or a critical alert, is urgent; the rest is not", () => {
  assert.equal(isUrgent("case.opened", { case: { priority: "urgent" } }), true);
  assert.equal(isUrgent("case.opened", { case: { priority: "high" } }), true);
  assert.equal(isUrgent("case.opened", { case: { priority: "normal" } }), false);
  assert.equal(isUrgent("case.opened", { case: {} }), false);
  assert.equal(isUrgent("alert.raised", { alert: { severity: "critical" } }), true);
  assert.equal(isUrgent("alert.raised", { alert: { severity: "warning" } }), false);
  // An update of an urgent case does not ring again: only its arrival does.
  assert.equal(isUrgent("case.updated", { case: { priority: "urgent" } }), false);
  assert.equal(isUrgent("case.opened", null), false);
});

test("the backoff doubles up to its ceiling and starts over once connected", () => {
  const backoff = new Backoff({ baseMs: 2000, maxMs: 10_000, random: () => 0.5 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next()], [2000, 4000, 8000, 10_000]);
  backoff.reset();
  assert.equal(backoff.next(), 2000);
});

test("the backoff's jitter stays within its band", () => {
  const low = new Backoff({ baseMs: 1000, jitter: 0.2, random: () => 0 });
  const high = new Backoff({ baseMs: 1000, jitter: 0.2, random: () => 0.999999 });
  assert.equal(low.next(), 800);
  assert.equal(high.next(), 1200);
});

test("the replay id is the highest numeric event id seen", () => {
  let id = null;
  for (const seen of ["41", "42", "", "ping", undefined, "40", "43"]) id = laterEventId(id, seen);
  assert.equal(id, "43");
  assert.equal(laterEventId("9", "10"), "10", "compared as numbers, not text");
});

test("the stream query asks for a replay only once an event was seen", () => {
  assert.equal(streamQuery("tk1", null), "ticket=tk1");
  assert.equal(streamQuery("tk1", "57"), "ticket=tk1&since=57");
});

test("queue counts are read by name and missing queues are null", () => {
  const counts = queueCounts({ at: "2026-11-30T00:00:00Z", queues: [{ queue: "to_accept", count: 3 }, { queue: "bogus", count: 1 }] });
  assert.equal(counts.to_accept, 3);
  assert.equal(counts.overdue, null);
  assert.equal("bogus" in counts, false);
});

test("the counters' refresh runs at most once a second, folding a burst into one trailing call", () => {
  let clock = 0;
  const timers = [];
  const calls = [];
  const request = throttle(() => calls.push(clock), {
    gapMs: 1000, now: () => clock, setTimer: (fn, ms) => timers.push({ at: clock + ms, fn }),
  });
  request(); // at once: nothing ran before
  assert.deepEqual(calls, [0]);
  clock = 100;
  request();
  clock = 400;
  request();
  request();
  assert.equal(timers.length, 1, "one trailing call for the whole burst");
  assert.equal(timers[0].at, 1000);
  clock = 1000;
  timers.shift().fn();
  assert.deepEqual(calls, [0, 1000]);
  clock = 2500;
  request(); // the gap has passed: at once again
  assert.deepEqual(calls, [0, 1000, 2500]);
  assert.equal(timers.length, 0);
});

// Front-end unit tests for the incident panel's pure logic (api/static/panel-logic.js), against the server's own
// lifecycle answer (lifecycle.fixture.json, held equal to GET /api/lifecycle by tests/api/test_case_suggestions.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { setLang } from "../../api/static/i18n.js";
import { STATUSES } from "../../api/static/labels.js";
import {
  buttonsFor, caseFiles, etaText, mayAnswerOffer, offerState, stepBody, timelineRows,
} from "../../api/static/panel-logic.js";

const lifecycle = JSON.parse(readFileSync(new URL("./lifecycle.fixture.json", import.meta.url), "utf8"));
const operator = { role: "operator" };
const member = { role: "platform_member", team_id: "T-MKT-01" };
const viewer = { role: "viewer" };
const keys = (plan) => plan.buttons.map((b) => b.key);

test("an operator on a reported, routed case: accept first, then the side steps, each once", () => {
  const plan = buttonsFor({ lifecycle, status: "reported", platform: "market", user: operator });
  assert.equal(plan.buttons[0].key, "accept");
  assert.ok(plan.buttons[0].primary);
  assert.deepEqual(new Set(keys(plan)), new Set(["accept", "route", "reject", "escalate", "merge"]));
  assert.ok(plan.inputs.has("platform") && plan.inputs.has("target") && plan.inputs.has("note"));
});

test("an unrouted case puts route first", () => {
  const plan = buttonsFor({ lifecycle, status: "accepted", platform: null, user: operator });
  assert.equal(plan.buttons[0].key, "route");
  assert.ok(!plan.buttons.find((b) => b.key === "dispatch").primary);
});

test("dispatch reads a team; verify offers pass (primary) before fail", () => {
  const routed = buttonsFor({ lifecycle, status: "routed", platform: "market", user: operator });
  assert.equal(routed.buttons[0].key, "dispatch");
  assert.ok(routed.inputs.has("team"));
  const fedBack = buttonsFor({ lifecycle, status: "fed_back", platform: "market", user: operator });
  assert.deepEqual(keys(fedBack), ["verify", "verify-fail"]);
  assert.deepEqual(fedBack.buttons.map((b) => b.primary), [true, false]);
});

test("a platform member may start only when its own team is on the case; a viewer sees no step", () => {
  assert.deepEqual(keys(buttonsFor({ lifecycle, status: "dispatched", platform: "market", user: member, teamIds: ["T-MKT-01"] })),
    ["start"]);
  assert.deepEqual(keys(buttonsFor({ lifecycle, status: "dispatched", platform: "market", user: member, teamIds: ["T-MKT-02"] })),
    []);
  const none = buttonsFor({ lifecycle, status: "reported", platform: "market", user: viewer });
  assert.deepEqual(keys(none), []);
  assert.equal(none.inputs.size, 0);
});

test("the server's next_actions for this status win over the lifecycle", () => {
  const plan = buttonsFor({ lifecycle, status: "handling", platform: "market", user: operator,
    serverNext: { status: "handling", actions: ["escalate"] } });
  assert.deepEqual(keys(plan), ["escalate"]);
});

test("a closed case: evaluate (with satisfaction) and reopen; a finished one without lifecycle shows nothing", () => {
  const plan = buttonsFor({ lifecycle, status: "closed", platform: "market", user: operator });
  assert.deepEqual(new Set(keys(plan)), new Set(["evaluate", "reopen"]));
  assert.ok(plan.inputs.has("satisfaction"));
  assert.deepEqual(keys(buttonsFor({ lifecycle: null, status: "closed", user: operator })), []);
});

test("reject, escalate and reopen need a reason; merge needs a target; route a platform", () => {
  const spec = (key, action = key) => ({ key, action });
  assert.match(stepBody(spec("reject"), lifecycle, { note: "  " }).error, /理由/);
  assert.deepEqual(stepBody(spec("reject"), lifecycle, { note: "not ours" }).body, { note: "not ours" });
  assert.match(stepBody(spec("merge"), lifecycle, { target: "abc" }).error, /案件编号/);
  assert.equal(stepBody(spec("merge"), lifecycle, { target: "#42" }).body.target_case_id, 42);
  assert.equal(stepBody(spec("route"), lifecycle, { platform: "service" }).body.platform, "service");
  assert.deepEqual(stepBody(spec("dispatch"), lifecycle, { team_id: "T-1" }).body, { note: "", team_id: "T-1" });
  assert.deepEqual(stepBody(spec("dispatch"), lifecycle, {}).body, { note: "" }, "no team: the nearest, automatically");
  assert.equal(stepBody({ key: "verify-fail", action: "verify", extra: { passed: false } }, lifecycle, {}).body.passed, false);
  assert.equal(stepBody(spec("evaluate"), lifecycle, { satisfaction: "4" }).body.satisfaction, 4);
});

test("ETA reads in minutes in the current language", () => {
  assert.equal(etaText(null), "—");
  assert.equal(etaText(30), "不到 1 分钟");
  assert.equal(etaText(260), "约 4 分钟");
  setLang("en");
  try {
    assert.equal(etaText(260), "about 4 min");
  } finally {
    setLang("zh");
  }
});

const events = [
  { id: 3, action: "attach", actor: "li", role: "grid_staff", at: "2026-11-30T02:05:00Z", from_status: "accepted",
    to_status: "accepted", note: "", data: { sha256: "a".repeat(64), content_type: "image/jpeg", filename: "p.jpg" }, attachments: [] },
  { id: 1, action: "report", actor: "citizen", role: "", at: "2026-11-30T01:59:00Z", from_status: null,
    to_status: "reported", note: "smoke", data: {}, attachments: [] },
  { id: 2, action: "accept", actor: "duty", role: "operator", at: "2026-11-30T02:00:00Z", from_status: "reported",
    to_status: "accepted", note: "", data: {}, attachments: ["b".repeat(64) + "", "/api/files/x.m4a"] },
];

test("timeline: oldest first, Beijing time, role and from → to in the current language", () => {
  const rows = timelineRows(7, events, STATUSES);
  assert.deepEqual(rows.map((r) => r.action), ["report", "accept", "attach"]);
  assert.equal(rows[1].at, "2026/11/30 10:00", "02:00 UTC is 10:00 in Beijing");
  assert.equal(rows[1].role, "值班员");
  assert.equal(rows[1].from, "上报");
  assert.equal(rows[1].to, "受理");
  assert.equal(rows[2].from, "", "a step that keeps the status shows no arrow");
  setLang("en");
  try {
    const en = timelineRows(7, events, STATUSES);
    assert.equal(en[1].label, "Accept");
    assert.equal(en[1].to, "Registered");
    assert.equal(en[1].at, "30/11/2026, 10:00");
  } finally {
    setLang("zh");
  }
});

test("files: a hash is the case's attachment, typed from its attach event; audio from its name", () => {
  const files = caseFiles(7, events);
  assert.deepEqual(files.map((f) => [f.kind, f.url]), [
    ["image", `/api/cases/7/attachments/${"a".repeat(64)}`],
    ["file", `/api/cases/7/attachments/${"b".repeat(64)}`],
    ["audio", "/api/files/x.m4a"],
  ]);
  assert.equal(timelineRows(7, events, STATUSES)[1].files.length, 2);
});

test("an offer counts down to its expiry; only its team's members or the command room answer it", () => {
  const offer = { id: 9, team_id: "T-MKT-01", state: "offered", released_at: null, offer_expires_at: "2026-11-30T02:03:00Z" };
  const at = Date.parse("2026-11-30T02:00:30Z");
  assert.deepEqual(offerState(offer, at), { open: true, secondsLeft: 150 });
  assert.deepEqual(offerState(offer, at + 600_000), { open: false, secondsLeft: 0 });
  assert.equal(offerState({ ...offer, state: "accepted" }, at), null);
  assert.ok(mayAnswerOffer(member, offer) && mayAnswerOffer(operator, offer));
  assert.ok(!mayAnswerOffer({ role: "platform_member", team_id: "T-MKT-02" }, offer));
  assert.ok(!mayAnswerOffer(viewer, offer));
});

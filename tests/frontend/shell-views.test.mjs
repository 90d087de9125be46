// The shell's views and labels (api/static/views.js, labels.js): the view a hash names, names per language.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hashForView, viewFromHash } from "../../api/static/views.js";
import { actionName, platformName, roleName, sourceName, statusName, teamStatusName, fullTime, clockTime } from "../../api/static/labels.js";
import { setLang } from "../../api/static/i18n.js";

test("the hash names the view; anything else is the map", () => {
  assert.equal(viewFromHash("#view=queues"), "queues");
  assert.equal(viewFromHash("#dashboard"), "dashboard");
  assert.equal(viewFromHash("#view=dashboard&case=12"), "dashboard");
  assert.equal(viewFromHash(""), "map");
  assert.equal(viewFromHash("#view=nope"), "map");
  assert.equal(viewFromHash("#case=12"), "map");
});

test("remembering a view keeps the other hash parameters", () => {
  assert.equal(hashForView("", "queues"), "#view=queues");
  assert.equal(hashForView("#view=map&case=12", "dashboard"), "#view=dashboard&case=12");
  assert.equal(viewFromHash(hashForView("#queues", "dashboard")), "dashboard");
});

test("labels name a code in the current language only", () => {
  assert.equal(statusName("dispatched"), "派遣");
  assert.equal(platformName("market"), "市场监管");
  assert.equal(roleName("operator"), "值班员");
  assert.equal(actionName("hand_back"), "上级退回");
  assert.equal(sourceName("hotline"), "热线");
  assert.equal(teamStatusName("off_duty"), "下班");
  setLang("en");
  try {
    assert.equal(statusName("dispatched"), "Dispatched");
    assert.equal(platformName("market"), "Market");
    assert.equal(roleName("operator"), "Operator");
    assert.equal(actionName("hand_back"), "Returned by the city");
    assert.equal(sourceName("hotline"), "Hotline");
    assert.equal(teamStatusName("off_duty"), "Off duty");
    assert.equal(statusName("no_such"), "no_such", "an unknown code shows as itself");
  } finally {
    setLang("zh");
  }
});

test("times in labels are Beijing time whatever the machine's zone", () => {
  // 16:30:05 UTC is 00:30:05 the next day in Beijing.
  assert.equal(clockTime(new Date("2026-09-30T16:30:05Z")), "00:30:05");
  assert.match(fullTime("2026-09-30T16:30:05Z"), /2026\D10\D01 00:30:05/);
});

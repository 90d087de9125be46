// Front-end unit tests for api/static/i18n.js, run by node's own test runner (tests/unit/test_frontend_logic.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { addStrings, formatNumber, formatTime, lang, setLang, t } from "../../api/static/i18n.js";

addStrings({ zh: { hello: "你好，{name}", only_zh: "只有中文" }, en: { hello: "Hello, {name}" } });

test("Chinese is the default language", () => {
  assert.equal(lang(), "zh");
  assert.equal(t("hello", { name: "值班员" }), "你好，值班员");
});

test("the switch changes every string and falls back to Chinese, then to the key", () => {
  setLang("en");
  try {
    assert.equal(t("hello", { name: "operator" }), "Hello, operator");
    assert.equal(t("only_zh"), "只有中文");
    assert.equal(t("no.such.key"), "no.such.key");
  } finally {
    setLang("zh");
  }
});

test("an unknown language is refused", () => {
  assert.throws(() => setLang("fr"), /unknown language fr/);
});

test("times are Beijing time whatever the zone of the machine", () => {
  // 16:30 UTC on 30 September is 00:30 on 1 October in Beijing: the National Day holiday's first hour.
  assert.equal(formatTime("2026-09-30T16:30:00Z", "date"), "2026/10/01");
  assert.equal(formatTime("2026-09-30T16:30:00Z", "time"), "00:30:00");
  assert.equal(formatTime("not a time"), "");
});

test("rates are percentages and missing figures a dash", () => {
  assert.equal(formatNumber(0.875, { rate: true }), "87.5%");
  assert.equal(formatNumber(null), "—");
  assert.equal(formatNumber(12345), "12,345");
});

// The 中/EN switch in the header, and the page's static text (index.html's data-i18n keys) in either language.
import { html, render } from "./vendor/lit-html/lit-html.js";
import { addStrings, lang, onLangChange, setLang, t } from "./i18n.js";

// The shell's own static text; other views register theirs in their own modules.
addStrings({
  zh: {
    "app.title": "综合指挥室", "app.sub": "四个平台 · gridwatch", "app.doc_title": "gridwatch · 综合指挥室",
    "counter.open": "在办案件", "counter.dispatched": "派遣中", "counter.dispatched_title": "已派遣待处置的案件",
    "counter.alerts": "今日告警", "counter.dead": "死信", "counters.label": "统计",
    "clock.title": "北京时间", "logout": "退出",
    "view.map": "地图", "view.queues": "队列", "view.dashboard": "态势", "views.label": "视图",
    "report.weekly": "周报", "report.weekly_title": "在新标签页打开上周的社会治理形势分析报告",
    "report.weekly_pdf_title": "上周报告 PDF", "report.failed": "周报打不开：{reason}",
    "map.label": "地图", "map.town": "全镇地图",
    "side.label": "案件", "side.cases": "案件", "side.list": "案件列表",
    "scope.label": "范围", "scope.active": "在办", "scope.open": "仅未办结", "scope.closed": "已办结", "scope.all": "全部",
    "platform.label": "平台",
    "feed.title": "动态", "feed.label": "实时动态",
    "login.sub": "请登录", "login.username": "用户名", "login.password": "密码", "login.submit": "登录",
    "lang.switch": "界面语言",
  },
  en: {
    "app.title": "Command room", "app.sub": "Four platforms · gridwatch", "app.doc_title": "gridwatch · Command room",
    "counter.open": "Open cases", "counter.dispatched": "Dispatched", "counter.dispatched_title": "Cases dispatched to a team, not yet started",
    "counter.alerts": "Alerts today", "counter.dead": "Dead letters", "counters.label": "Counters",
    "clock.title": "Beijing time (Asia/Shanghai)", "logout": "Log out",
    "view.map": "Map", "view.queues": "Queues", "view.dashboard": "Dashboard", "views.label": "Views",
    "report.weekly": "Weekly report", "report.weekly_title": "Open last week's situation report in a new tab",
    "report.weekly_pdf_title": "Last week's report as PDF", "report.failed": "The weekly report did not open: {reason}",
    "map.label": "Map", "map.town": "Town map",
    "side.label": "Cases", "side.cases": "Cases", "side.list": "Case list",
    "scope.label": "Scope", "scope.active": "Active", "scope.open": "Open only", "scope.closed": "Closed", "scope.all": "All",
    "platform.label": "Platform",
    "feed.title": "Feed", "feed.label": "Live events",
    "login.sub": "Command room · please log in", "login.username": "Username", "login.password": "Password", "login.submit": "Log in",
    "lang.switch": "Interface language",
  },
});

// data-i18n sets the text; the others set an attribute of the same element.
const ATTRIBUTES = { "data-i18n-title": "title", "data-i18n-aria": "aria-label", "data-i18n-placeholder": "placeholder" };

/** Put every data-i18n key under root into the current language. */
export function applyStaticText(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const [attr, target] of Object.entries(ATTRIBUTES)) {
    for (const el of root.querySelectorAll(`[${attr}]`)) el.setAttribute(target, t(el.getAttribute(attr)));
  }
  document.title = t("app.doc_title");
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  document.body.dataset.lang = lang();
}

function switchTemplate() {
  const choice = (code, label) => html`<button type="button" data-lang=${code} aria-pressed=${String(lang() === code)}
    @click=${() => lang() !== code && setLang(code)}>${label}</button>`;
  return html`${choice("zh", "中")}<span aria-hidden="true">/</span>${choice("en", "EN")}`;
}

/** Draw the switch into its slot and keep the static text in step with the language. */
export function mountLanguageSwitch(slot) {
  const draw = () => {
    slot.setAttribute("aria-label", t("lang.switch"));
    render(switchTemplate(), slot);
  };
  onLangChange(() => {
    applyStaticText();
    draw();
  });
  applyStaticText();
  draw();
}

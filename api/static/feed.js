// The live event ticker along the bottom of the screen, newest on the left, drawn with lit-html.
// Each line keeps a describe() that names it in the current language, so a switch re-words the whole ticker.
import { html, render } from "./vendor/lit-html/lit-html.js";
import { ifDefined } from "./vendor/lit-html/directives/if-defined.js";
import { repeat } from "./vendor/lit-html/directives/repeat.js";
import { onLangChange } from "./i18n.js";
import { clockTime } from "./labels.js";

const MAX_ITEMS = 60;
let serial = 0;

export class Feed {
  constructor({ list, onSelectCase }) {
    this.list = list;
    this.items = [];
    list.addEventListener("click", (e) => {
      const li = e.target.closest("[data-feed-case-id]");
      if (li) onSelectCase(li.dataset.feedCaseId);
    });
    list.addEventListener("keydown", (e) => {
      const li = e.target.closest("[data-feed-case-id]");
      if (li && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        onSelectCase(li.dataset.feedCaseId);
      }
    });
    onLangChange(() => this._render());
  }

  /**
   * Add one line: kind drives the colour, describe() returns { tag, text } in the current language
   * (or pass tag and text as they are); urgent lines stand out until the next ones push them along.
   */
  push({ kind, tag = "", text = "", describe = null, caseId = null, level = "", at = new Date(), feedId = "", urgent = false }) {
    const when = at instanceof Date ? at : new Date(at);
    this.items.unshift({ key: ++serial, kind, caseId, level, when, feedId, urgent, describe: describe || (() => ({ tag, text })) });
    if (this.items.length > MAX_ITEMS) this.items.length = MAX_ITEMS;
    this._render();
  }

  _render() {
    render(
      repeat(this.items, (item) => item.key, (item) => {
        const { tag, text } = item.describe();
        const selectable = item.caseId != null;
        return html`<li class="feed-item ${item.level} ${item.urgent ? "urgent" : ""}" data-kind=${item.kind}
          data-feed-id=${ifDefined(item.feedId || undefined)} data-feed-case-id=${ifDefined(selectable ? String(item.caseId) : undefined)}
          tabindex=${selectable ? "0" : "-1"}><time>${clockTime(item.when)}</time><b>${tag}</b><span>${text}</span></li>`;
      }),
      this.list,
    );
  }
}

// The live event ticker along the bottom of the screen, newest on the left.
import { clockTime, esc } from "./labels.js";

const MAX_ITEMS = 60;

export class Feed {
  constructor({ list, onSelectCase }) {
    this.list = list;
    list.addEventListener("click", (e) => {
      const li = e.target.closest("[data-feed-case-id]");
      if (li) onSelectCase(li.dataset.feedCaseId);
    });
  }

  /** Add one line: kind drives the colour, tag is a short bilingual word, text is plain. */
  push({ kind, tag, text, caseId = null, level = "", at = new Date(), feedId = "" }) {
    const li = document.createElement("li");
    li.className = `feed-item ${level}`;
    li.dataset.kind = kind;
    if (feedId) li.dataset.feedId = feedId;
    if (caseId != null) {
      li.dataset.feedCaseId = String(caseId);
      li.tabIndex = 0;
    }
    li.innerHTML = `<time>${esc(clockTime(at instanceof Date ? at : new Date(at)))}</time><b>${esc(tag)}</b><span>${esc(text)}</span>`;
    this.list.prepend(li);
    while (this.list.children.length > MAX_ITEMS) this.list.lastElementChild.remove();
  }
}

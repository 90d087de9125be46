// The weekly report's links: a plain link sends no bearer token (the API would answer 401), so the page fetches
// the file with the session's token and opens it in the tab the click opened.
import { getBlob } from "./api.js";
import { t } from "./i18n.js";

const KEEP_URL_MS = 60_000;

/** Make each report link open its file, fetched with the token, in a new tab; onError gets a message to show. */
export function mountReportLinks(links, { onError }) {
  for (const link of links) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      // Opened in the click itself, so no popup blocker stops it; filled once the file has arrived.
      const tab = window.open("", "_blank");
      openReport(link.getAttribute("href"), tab).catch((err) => {
        tab?.close();
        onError(t("report.failed", { reason: err.message || String(err) }));
      });
    });
  }
}

async function openReport(href, tab) {
  const url = URL.createObjectURL(await getBlob(href));
  if (tab) tab.location.href = url;
  else window.location.href = url;
  setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS);
}

"""/docs and /redoc in a real browser with the network cut off: they work from local assets under the CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest


pytestmark = pytest.mark.timeout(120)

# Any violation, even of a part the page does not need, is reported: the check sees every one.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _offline(page, base_url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Abort every request not to the app, as in a command room without internet; return what was refused."""
    refused: list[str] = []
    app_host = urlsplit(base_url).netloc

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(r.request.url).netloc == app_host:
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort("internetdisconnected")

    page.context.route("**/*", route)
    page.add_init_script(CSP_LISTENER)
    return refused


def _console_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("path, ready", [
    ("/docs", "#swagger-ui .opblock-summary-path"),
    ("/redoc", "[data-section-id^='operation/']"),
])
def test_api_docs_list_the_operations_offline_without_csp_violations(app_url: str, browser_page, path: str,
                                                                     ready: str) -> None:
    page = browser_page
    refused = _offline(page, app_url)
    errors = _console_errors(page)
    page.goto(app_url + path)
    page.wait_for_selector(ready, timeout=30_000)
    page.get_by_text("/api/cases", exact=False).first.wait_for(timeout=10_000)
    assert page.locator(ready).count() > 10, "the operations are listed"
    assert page.evaluate("window.__csp") == [], "no Content-Security-Policy violation"
    assert [e for e in errors if "Content Security Policy" in e] == [], errors
    assert refused == [], f"the docs reached outside the app: {refused}"

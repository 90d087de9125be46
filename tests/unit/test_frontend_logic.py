"""The page's own logic, tested in Node's test runner (tests/frontend/*.test.mjs) as part of the one test command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND_TESTS = Path(__file__).resolve().parent.parent / "frontend"


def test_front_end_unit_tests_pass_in_node() -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is not installed (CI=true: .ci/run installs nodejs)")
        pytest.skip("node is not installed")
    files = sorted(str(p) for p in FRONTEND_TESTS.glob("*.test.mjs"))
    assert files, f"no front-end tests under {FRONTEND_TESTS}"
    # A zone far from Beijing: the page must show Asia/Shanghai times whatever the machine's zone.
    done = subprocess.run([node, "--test", *files], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TZ": "America/New_York"})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout


HTML_SINKS = re.compile(r"\.innerHTML\s*[+]?=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|unsafeHTML")


def test_no_page_module_writes_html_from_strings() -> None:
    # The page's views are lit-html templates, which escape what they insert; a string written as HTML would not be.
    static = FRONTEND_TESTS.parent.parent / "api" / "static"
    found = [f"{path.relative_to(static)}:{n}: {line.strip()}"
             for path in sorted(static.rglob("*.js")) if "vendor" not in path.parts
             for n, line in enumerate(path.read_text().splitlines(), 1) if HTML_SINKS.search(line)]
    assert found == [], "HTML written from strings:\n" + "\n".join(found)


IMPORT = re.compile(r"""(?:import|export)\s[^;]*?from\s+["'](\.\.?/[^"']+)["']|import\s+["'](\.\.?/[^"']+)["']""")


def page_modules(static: Path, entry: str = "app.js") -> list[str]:
    """Return every ES module the page's entry imports, directly or not, as paths under api/static."""
    seen: list[str] = []

    def walk(rel: str) -> None:
        if rel in seen:
            return
        seen.append(rel)
        for match in IMPORT.finditer((static / rel).read_text()):
            target = (static / rel).parent.joinpath(match.group(1) or match.group(2)).resolve()
            walk(target.relative_to(static.resolve()).as_posix())

    walk(entry)
    return seen


def test_the_page_preloads_every_module_it_imports() -> None:
    # Without the preloads the browser learns of a module only when its importer arrives: one round trip per level.
    static = FRONTEND_TESTS.parent.parent / "api" / "static"
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', (static / "index.html").read_text())
    assert sorted(preloaded) == sorted(page_modules(static)[1:])


STRING_KEY = re.compile(r'"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)":\s*["`]')


def test_no_two_modules_register_the_same_string_key() -> None:
    # Each module registers its own strings (i18n.addStrings) and a later one wins: a key used twice silently shows
    # another module's text (camera health "ok" once read "服务正常 · {store}" in the incident panel).
    static = FRONTEND_TESTS.parent.parent / "api" / "static"
    owners: dict[str, set[str]] = {}
    for path in static.glob("*.js"):
        for key in set(STRING_KEY.findall(path.read_text())):
            owners.setdefault(key, set()).add(path.name)
    shared = {key: sorted(files) for key, files in owners.items() if len(files) > 1}
    assert shared == {}, shared

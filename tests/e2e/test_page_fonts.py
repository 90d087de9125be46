"""Chinese labels on the command-room page render in a CJK font, on whichever system the room runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
# One Chinese UI font per system the command room may run on; any one of them renders the labels.
CJK_FONTS = {"Microsoft YaHei": "Windows", "PingFang SC": "macOS", "Noto Sans CJK SC": "Linux",
             "WenQuanYi Micro Hei": "older Linux"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _font_stack() -> list[str]:
    css = (ROOT / "api" / "static" / "style.css").read_text(encoding="utf-8")
    declared = re.search(r"--font:\s*([^;]+);", css)
    assert declared, "style.css declares the page's font stack as --font"
    return [name.strip().strip('"') for name in declared.group(1).split(",")]


def test_font_stack_names_a_chinese_font_of_each_system_and_ends_generic() -> None:
    stack = _font_stack()
    missing = [f"{font} ({system})" for font, system in CJK_FONTS.items() if font not in stack]
    assert missing == [], f"the font stack lacks {missing}"
    assert stack[-1] == "sans-serif"


def test_ci_installs_the_cjk_fonts_and_the_tools_later_issues_need() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("fonts-noto-cjk", "ffmpeg", "gdal-bin", "gir1.2-gst-rtsp-server-1.0", "python3-gst-1.0"):
        assert f"dpkg -s {package} >/dev/null 2>&1 || need_apt+=({package})" in script, package


def test_chinese_labels_render_in_a_cjk_font(app_url: str, browser_page, tmp_path: Path) -> None:
    page = browser_page
    log_in(page, app_url)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    checked = 0
    for selector in ("#topbar h1", ".counter.open .lbl b", ".side-head h2"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"{selector} is on the page"
        text = page.locator(selector).first.inner_text()
        hanzi = len(CJK.findall(text))
        assert hanzi, f"{selector} has Chinese text: {text!r}"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        cjk_glyphs = sum(f["glyphCount"] for f in fonts if f["familyName"] in CJK_FONTS)
        assert cjk_glyphs >= hanzi, f"{selector} {text!r} rendered with {fonts}, not a CJK font of the stack"
        checked += 1
    assert checked == 3
    page.screenshot(path=str(tmp_path / "fonts.png"))

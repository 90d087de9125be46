"""The old threshold table is a baseline only: no production module uses it, and the fixed-threshold way in is gone."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_architecture import PACKAGES

ROOT = Path(__file__).resolve().parents[2]
_OLD = re.compile(r"^\s*(from alerts\.rules import|import alerts\.rules\b|from alerts import rules\b)"
                  r"|open_case_from_alert", re.MULTILINE)


def test_no_production_module_uses_the_old_threshold_table_or_open_case_from_alert() -> None:
    users = [str(path.relative_to(ROOT)) for package in PACKAGES for path in (ROOT / package).rglob("*.py")
             if _OLD.search(path.read_text(encoding="utf-8"))]
    # alerts/service.raise_alert still takes an Exceedance for the store's contract tests; nothing else may.
    assert users == ["alerts/service.py"]

"""The vendored front-end libraries are the pinned versions, whole, with their licences (scripts/vendor_frontend.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENDOR = ROOT / "api" / "static" / "vendor"


def test_every_vendored_file_is_the_pinned_packages_own() -> None:
    manifest = json.loads((VENDOR / "VENDOR.json").read_text())
    pins = json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text())["packages"]
    assert set(manifest) == set(pins)
    for name, entry in manifest.items():
        assert entry["version"] == pins[name] == lock[f"node_modules/{name}"]["version"], name
        assert entry["license"] and entry["licence_file"] in entry["files"], name
        for rel, digest in entry["files"].items():
            path = VENDOR / name / rel
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} differs from its manifest"


def test_nothing_is_vendored_without_a_manifest_entry() -> None:
    manifest = json.loads((VENDOR / "VENDOR.json").read_text())
    listed = {VENDOR / name / rel for name, entry in manifest.items() for rel in entry["files"]}
    on_disk = {p for p in VENDOR.rglob("*") if p.is_file() and p.name != "VENDOR.json"}
    assert on_disk == listed

"""Vendor the page's pinned npm libraries into api/static/vendor/, with their licences and a manifest of hashes.

The page loads nothing from a CDN and the app downloads nothing at run time: the files are committed. This script
is how they got there, and how they are upgraded: change a pin in frontend/package.json, run
`python scripts/vendor_frontend.py` (it runs `npm ci --ignore-scripts` in frontend/), review the diff, commit.
tests/unit/test_vendored_assets.py checks that the committed files are the ones the manifest names.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
VENDOR = ROOT / "api" / "static" / "vendor"
MANIFEST = VENDOR / "VENDOR.json"

# Per package: the files the page uses (paths inside the npm package) and its licence file.
WANTED: dict[str, dict[str, object]] = {
    "lit-html": {
        "licence_file": "LICENSE",
        "files": ["lit-html.js", "directive.js", "directive-helpers.js", "directives/repeat.js",
                  "directives/class-map.js", "directives/style-map.js", "directives/if-defined.js",
                  "directives/live.js"],
    },
    "chart.js": {"licence_file": "LICENSE.md", "files": ["dist/chart.umd.min.js"]},
    # Its package.json names no licence; its LICENSE file is BSD 2-clause.
    "leaflet.heat": {"licence_file": "LICENSE", "files": ["dist/leaflet-heat.js"], "license": "BSD-2-Clause"},
}


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    """Install the pinned packages and copy their files, licences and a manifest into api/static/vendor."""
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    pins = json.loads((FRONTEND / "package.json").read_text())["dependencies"]
    manifest: dict[str, object] = {}
    for name, wanted in WANTED.items():
        source = FRONTEND / "node_modules" / name
        meta = json.loads((source / "package.json").read_text())
        if meta["version"] != pins[name]:
            raise SystemExit(f"{name}: installed {meta['version']}, pinned {pins[name]}")
        target = VENDOR / name
        shutil.rmtree(target, ignore_errors=True)
        files = {}
        for rel in [*wanted["files"], wanted["licence_file"]]:  # type: ignore[misc]
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, target / rel)
            files[rel] = sha256(target / rel)
        manifest[name] = {"version": meta["version"], "license": meta.get("license") or wanted["license"],
                          "licence_file": wanted["licence_file"], "files": files}
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    names = ", ".join(f"{name} {pins[name]}" for name in manifest)
    print(f"vendored {names} into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`gridwatch cameras import / export`: every row validated, refused rows reported, logins kept apart; every backend."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import gridwatch.cli_cameras
from gis.crs import Crs, from_wgs84
from gridwatch.cli import app
from storage import open_store
from tests.factories import make_grid
from video.models import Credentials, Mount

runner = CliRunner()
SECRET = "Hik-s3cret!"
HEADER = "id,name,lon,lat,crs,bearing_deg,fov_deg,range_m,height_m,mount,owner,gb_device_id,stream_url,live_url\n"
GCJ_LON, GCJ_LAT = from_wgs84(120.001, 32.301, Crs.GCJ02)
ROWS = [
    # line 2: good, with a login inside its URL
    f"cam-1,North gate,120.0,32.3,,90,60,150,8,fixed,police,32128310011320000001,"
    f"rtsp://admin:{SECRET}@192.168.1.64:554/Streaming/Channels/101,http://10.0.0.5/live/cam-1.flv\n",
    # line 3: a GB/T 28181 id of 19 digits
    "cam-2,Bridge,120.0,32.3,,90,60,150,6,fixed,water,1234567890123456789,,\n",
    # line 4: a stream on the server's own loopback
    "cam-3,Loop,120.0,32.3,,90,60,150,6,ptz,town,,rtsp://127.0.0.1:8554/x,\n",
    # line 5: good, in GCJ-02, a PTZ dome
    f"cam-4,Market,{GCJ_LON},{GCJ_LAT},gcj02,0,360,120,11.5,PTZ,traffic,,,\n",
    # line 6: cam-1 again
    "cam-1,Dup,120.0,32.3,,90,60,150,6,fixed,town,,,\n",
    # line 7: latitude out of range
    "cam-5,Nowhere,120.0,95,,90,60,150,6,fixed,town,,,\n",
    # line 8: a metadata address as live URL
    "cam-6,Meta,120.0,32.3,,90,60,150,6,fixed,town,,,http://169.254.169.254/latest\n",
]


@pytest.fixture
def cli_store(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRIDWATCH_STORE_URL", store_url)
    monkeypatch.delenv("GRIDWATCH_VIDEO_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("GRIDWATCH_VIDEO_FILE_ROOT", raising=False)
    monkeypatch.setattr(gridwatch.cli_cameras, "console", Console(width=300))
    store = open_store(store_url)
    try:
        with store.unit_of_work() as uow:
            uow.grids.upsert_many([make_grid("321283101", lon=120.0, lat=32.3, size=0.1)])
    finally:
        store.close()
    return store_url


def _stored(url: str) -> tuple[dict, dict]:
    store = open_store(url)
    try:
        with store.unit_of_work() as uow:
            cameras = {c.id: c for c in uow.cameras.all()}
            return cameras, {cid: uow.cameras.credentials(cid) for cid in cameras}
    finally:
        store.close()


def test_csv_import_keeps_good_rows_and_names_each_refused_line_and_field(
        cli_store: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "cameras.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    with caplog.at_level(logging.DEBUG):
        result = runner.invoke(app, ["cameras", "import", str(path)])
    assert result.exit_code == 1, result.output
    said = result.output
    assert "imported 2 cameras" in said and "refused 5 rows" in said
    for expected in ("cameras.csv line 3: gb_device_id '1234567890123456789' is not a 20-digit",
                     "cameras.csv line 4: stream_url: 'rtsp://127.0.0.1:8554/x' points at this server's own host",
                     "cameras.csv line 6: id 'cam-1' is already used (line 2)",
                     "cameras.csv line 7: lat 95.0 is outside -90..90",
                     "cameras.csv line 8: live_url: 'http://169.254.169.254/latest' points at the cloud metadata"):
        assert expected in said
    cameras, logins = _stored(cli_store)
    assert sorted(cameras) == ["cam-1", "cam-4"]
    first, dome = cameras["cam-1"], cameras["cam-4"]
    assert first.stream_url == "rtsp://192.168.1.64:554/Streaming/Channels/101" and first.has_credentials
    assert logins == {"cam-1": Credentials("admin", SECRET), "cam-4": None}
    assert (first.owner, first.height_m, first.gb_device_id, first.grid_code) == (
        "police", 8.0, "32128310011320000001", "321283101")
    assert dome.mount is Mount.PTZ and dome.lon == pytest.approx(120.001, abs=1e-6)
    assert SECRET not in said and SECRET not in caplog.text


def test_geojson_import_names_the_feature_and_field(cli_store: str, tmp_path: Path) -> None:
    def feature(props: dict, coordinates: list | None = (120.0, 32.3)) -> dict:
        geometry = None if coordinates is None else {"type": "Point", "coordinates": list(coordinates)}
        return {"type": "Feature", "geometry": geometry, "properties": props}

    base = {"name": "A", "bearing_deg": 10, "fov_deg": 70, "range_m": 100}
    path = tmp_path / "cams.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature({**base, "id": "g-1", "mount": "ptz", "gb_device_id": None}),
        feature({**base, "id": "g-2", "mount": "crane"}),
        feature({**base, "id": "g-3"}, coordinates=None),
        feature({**base, "id": "g-4", "stream_url": "file:///etc/passwd"}),
        feature({**base, "id": "g-5", "crs": "bd09"}, coordinates=from_wgs84(120.0, 32.3, Crs.BD09)),
    ]}), encoding="utf-8")
    result = runner.invoke(app, ["cameras", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "cams.geojson feature 1: mount 'crane' is not one of fixed, ptz" in result.output
    assert "cams.geojson feature 2: lon '' is not a number" in result.output
    assert "cams.geojson feature 3: stream_url: file: sources are refused" in result.output
    cameras, _ = _stored(cli_store)
    assert sorted(cameras) == ["g-1", "g-5"] and cameras["g-5"].lat == pytest.approx(32.3, abs=1e-6)


def test_loopback_streams_pass_only_when_an_admin_allows_the_host(cli_store: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "demo.csv"
    path.write_text(HEADER + ROWS[2], encoding="utf-8")
    assert runner.invoke(app, ["cameras", "import", str(path)]).exit_code == 1
    monkeypatch.setenv("GRIDWATCH_VIDEO_ALLOWED_HOSTS", "127.0.0.1")
    result = runner.invoke(app, ["cameras", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert _stored(cli_store)[0]["cam-3"].stream_url == "rtsp://127.0.0.1:8554/x"


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_never_carries_the_login_and_imports_back_the_same(cli_store: str, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "cameras.csv"
    path.write_text(HEADER + ROWS[0] + ROWS[3], encoding="utf-8")
    assert runner.invoke(app, ["cameras", "import", str(path)]).exit_code == 0
    before = _stored(cli_store)
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(app, ["cameras", "export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and "admin" not in text and "cam-4" in text
    stdout = runner.invoke(app, ["cameras", "export", "--format", fmt])
    assert stdout.exit_code == 0 and stdout.output == text
    # Re-importing the export (no logins in it) with --replace keeps the stored login and every field.
    again = runner.invoke(app, ["cameras", "import", str(out), "--replace"])
    assert again.exit_code == 0, again.output
    assert _stored(cli_store) == before


def test_replace_leaves_only_the_files_cameras(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "cameras.csv"
    path.write_text(HEADER + ROWS[0] + ROWS[3], encoding="utf-8")
    assert runner.invoke(app, ["cameras", "import", str(path)]).exit_code == 0
    path.write_text(HEADER + ROWS[3], encoding="utf-8")
    assert runner.invoke(app, ["cameras", "import", str(path), "--replace"]).exit_code == 0
    cameras, logins = _stored(cli_store)
    assert list(cameras) == ["cam-4"] and logins == {"cam-4": None}


def test_an_unreadable_file_is_refused_whole_with_exit_2(cli_store: str, tmp_path: Path) -> None:
    path = tmp_path / "cameras.csv"
    path.write_text("id,name\ncam-1,x\n", encoding="utf-8")
    result = runner.invoke(app, ["cameras", "import", str(path)])
    assert result.exit_code == 2 and "missing column(s) lon, lat" in result.output

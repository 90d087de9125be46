"""The operator's local basemap: a tile folder, an MBTiles and a PMTiles file, made here, serve the same tiles."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write as write_pmtiles

from api.app import create_app
from gis.errors import GisError
from gridwatch.basemap import open_basemap
from gridwatch.runtime import open_migrated_store
from storage.sqlite.mbtiles import write_mbtiles
from tests.api.conftest import POLICY, add_accounts, login

# XYZ tiles over the synthetic town (about 120.0 E, 32.3 N) at zooms 12 and 13.
TILES = {(12, 3413, 1646): "red", (12, 3414, 1646): "green", (13, 6827, 3292): "blue"}
BOUNDS = (119.9, 32.2, 120.1, 32.4)
COLOURS = {"red": (220, 40, 40), "green": (40, 200, 60), "blue": (40, 80, 220)}


def png(colour: str, side: int = 4) -> bytes:
    """Return a tiny solid PNG (enough to be told apart and recognised by its magic)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(COLOURS[colour]) * side
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * side)) + chunk(b"IEND", b""))


def make_folder(root: Path) -> Path:
    for (z, x, y), colour in TILES.items():
        (root / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (root / str(z) / str(x) / f"{y}.png").write_bytes(png(colour))
    return root


def make_mbtiles(path: Path) -> Path:
    write_mbtiles(path, {zxy: png(colour) for zxy, colour in TILES.items()},
                  {"name": "town", "format": "png", "minzoom": "12", "maxzoom": "13",
                   "bounds": ",".join(str(v) for v in BOUNDS), "attribution": "天地图 test export"})
    return path


def make_pmtiles(path: Path) -> Path:
    with write_pmtiles(str(path)) as writer:
        # The writer wants tiles in tile-id order (a clustered archive).
        for (z, x, y), colour in sorted(TILES.items(), key=lambda item: zxy_to_tileid(*item[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), png(colour))
        writer.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE,
                         "min_lon_e7": int(BOUNDS[0] * 1e7), "min_lat_e7": int(BOUNDS[1] * 1e7),
                         "max_lon_e7": int(BOUNDS[2] * 1e7), "max_lat_e7": int(BOUNDS[3] * 1e7),
                         "center_zoom": 12, "center_lon_e7": int(120.0 * 1e7), "center_lat_e7": int(32.3 * 1e7)},
                        {"attribution": "天地图 test export"})
    return path


MAKERS = {"folder": lambda tmp: make_folder(tmp / "tiles"), "mbtiles": lambda tmp: make_mbtiles(tmp / "town.mbtiles"),
          "pmtiles": lambda tmp: make_pmtiles(tmp / "town.pmtiles")}


def _client(tmp_path: Path, basemap_path: Path | None) -> Iterator[TestClient]:
    store = open_migrated_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path)
    app.state.basemap = open_basemap(basemap_path)
    with TestClient(app) as client:
        yield client
    if app.state.basemap is not None:
        app.state.basemap.close()
    store.close()


@pytest.fixture(params=sorted(MAKERS))
def basemap_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, TestClient]]:
    """Yield the kind and a client of the app serving a basemap of that kind, made in tmp_path."""
    yield from ((request.param, client) for client in _client(tmp_path, MAKERS[request.param](tmp_path)))


def test_each_kind_serves_the_same_tiles_with_their_type_and_cache_header(basemap_client: tuple[str, TestClient]
                                                                          ) -> None:
    kind, client = basemap_client
    for (z, x, y), colour in TILES.items():
        answer = client.get(f"/basemap/{z}/{x}/{y}")
        assert answer.status_code == 200, (kind, z, x, y, answer.text)
        assert answer.content == png(colour), (kind, z, x, y)
        assert answer.headers["content-type"] == "image/png"
        assert "max-age" in answer.headers["cache-control"]
        # Tiles are already compressed images: the gzip layer leaves them alone.
        assert "content-encoding" not in answer.headers


def test_the_info_route_says_what_the_page_needs_to_add_the_layer(basemap_client: tuple[str, TestClient]) -> None:
    kind, client = basemap_client
    info = client.get("/api/basemap", headers=login(client, "operator")).json()
    assert info["configured"] is True and info["kind"] == kind and info["format"] == "png"
    assert (info["minzoom"], info["maxzoom"]) == (12, 13)
    assert info["tile_url"] == "/basemap/{z}/{x}/{y}"
    if kind == "folder":
        assert info["bounds"] is None  # a folder carries no metadata
    else:
        assert info["bounds"] == pytest.approx(list(BOUNDS))
        assert info["attribution"] == "天地图 test export"


def test_a_missing_tile_is_404_and_an_impossible_one_422_with_a_clear_message(basemap_client: tuple[str, TestClient]
                                                                               ) -> None:
    _, client = basemap_client
    missing = client.get("/basemap/12/0/0")
    assert missing.status_code == 404 and "12/0/0" in missing.text
    beyond = client.get("/basemap/12/4096/1646")
    assert beyond.status_code == 422 and "x=4096" in beyond.text and "4095" in beyond.text
    assert client.get("/basemap/25/0/0").status_code == 422
    assert client.get("/basemap/12/-1/0").status_code == 422


def test_without_a_basemap_the_page_is_told_so_and_tiles_are_404(tmp_path: Path) -> None:
    for client in _client(tmp_path, None):
        info = client.get("/api/basemap", headers=login(client, "operator")).json()
        assert info == {"configured": False, "format": None, "kind": None, "minzoom": None, "maxzoom": None,
                        "bounds": None, "attribution": "", "tile_url": None}
        answer = client.get("/basemap/12/3413/1646")
        assert answer.status_code == 404 and "GRIDWATCH_BASEMAP" in answer.text


def test_a_basemap_that_cannot_be_read_stops_start_up_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "junk.mbtiles").write_bytes(b"not sqlite at all" * 100)
    (tmp_path / "junk.pmtiles").write_bytes(b"not pmtiles" * 100)
    for path in (tmp_path / "empty", tmp_path / "junk.mbtiles", tmp_path / "junk.pmtiles", tmp_path / "map.tif"):
        with pytest.raises(GisError, match=path.name):
            open_basemap(path)
    assert open_basemap(None) is None


def test_the_setting_is_read_at_start_up_and_unset_means_no_basemap(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    from gridwatch.settings import Settings

    monkeypatch.delenv("GRIDWATCH_BASEMAP", raising=False)
    assert Settings(_env_file=None).basemap is None
    monkeypatch.setenv("GRIDWATCH_BASEMAP", str(tmp_path / "town.mbtiles"))
    monkeypatch.setenv("GRIDWATCH_BASEMAP_ATTRIBUTION", "天地图 GS(2024)0650号")
    settings = Settings(_env_file=None)
    assert settings.basemap == tmp_path / "town.mbtiles"
    make_mbtiles(tmp_path / "town.mbtiles")
    source = open_basemap(settings.basemap, attribution=settings.basemap_attribution)
    assert source is not None and source.info().attribution == "天地图 GS(2024)0650号"
    source.close()

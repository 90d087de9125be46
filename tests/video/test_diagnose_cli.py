"""`gridwatch cameras diagnose`: a real clip or stream read in a pool worker, judged, printed; faults exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli import app
from tests.video.diagnosis_clips import make_clip

runner = CliRunner()


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-clips")


def _diagnose(*args: str) -> tuple[int, str]:
    done = runner.invoke(app, ["cameras", "diagnose", *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    return done.exit_code, done.output


@pytest.mark.parametrize(("name", "status", "code"), [("street", "ok", 0), ("frozen", "frozen", 1),
                                                      ("covered", "covered", 1)])
def test_a_clip_is_read_judged_and_printed_as_json(clip_dir: Path, name: str, status: str, code: int) -> None:
    clip = make_clip(clip_dir, name)
    exit_code, output = _diagnose(str(clip), "--json")
    answer = json.loads(output)
    assert (exit_code, answer["status"]) == (code, status), answer["detail"]
    assert answer["opened"] is True and (answer["width"], answer["height"]) == (320, 240)
    assert {"luma_mean", "focus", "motion", "flat_share"} <= set(answer["measures"])


def test_the_people_at_the_console_read_the_status_and_measures(clip_dir: Path, tmp_path: Path) -> None:
    exit_code, output = _diagnose(str(make_clip(clip_dir, "dark")), "--save-frame", str(tmp_path / "judged.jpg"))
    assert exit_code == 1
    assert (tmp_path / "judged.jpg").read_bytes()[:2] == b"\xff\xd8", "the frame the diagnosis judged is kept"
    assert output.startswith("dark") and "320×240" in output and "luma_mean" in output


def test_a_source_that_never_answers_is_offline_within_its_timeouts_and_its_login_is_not_shown(
        unanswering_port: int) -> None:
    url = f"rtsp://admin:s3cret-Pass@127.0.0.1:{unanswering_port}/live"
    exit_code, output = _diagnose(url, "--json", "--open-timeout", "1", "--read-timeout", "1", "--frames", "2")
    answer = json.loads(output)
    assert exit_code == 1 and answer["status"] == "offline" and answer["opened"] is False
    assert answer["error"] and answer["detail"] == answer["error"]
    assert "s3cret" not in output and "***@127.0.0.1" in answer["source"]

"""Stream URLs: credentials split off and redacted, and the SSRF guard (no network beyond loopback literals)."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from tests.factories import make_camera
from video.errors import VideoError
from video.models import Credentials
from video.urls import (UrlPolicy, check_live_url, check_stream_url, redact_url, split_credentials,
                        stream_url_with_credentials)

OPEN = UrlPolicy()


def test_credentials_are_split_off_and_put_back_only_for_the_probe() -> None:
    clean, login = split_credentials("rtsp://admin:p%40ss:w0rd@10.1.2.3:554/Streaming/Channels/101?transport=tcp")
    assert clean == "rtsp://10.1.2.3:554/Streaming/Channels/101?transport=tcp"
    assert login == Credentials("admin", "p@ss:w0rd")
    assert split_credentials("rtsp://10.1.2.3/main") == ("rtsp://10.1.2.3/main", None)
    full = stream_url_with_credentials(make_camera(stream_url=clean), login)
    assert full == "rtsp://admin:p%40ss%3Aw0rd@10.1.2.3:554/Streaming/Channels/101?transport=tcp"
    assert split_credentials(full) == (clean, login)
    assert stream_url_with_credentials(make_camera(stream_url=clean), None) == clean


def test_redact_url_hides_the_login_and_secret_query_values(caplog: pytest.LogCaptureFixture) -> None:
    url = "rtsp://admin:hunter2@10.1.2.3/live?token=abc123&channel=1"
    with caplog.at_level(logging.INFO):
        logging.getLogger("video.test").info("probing %s", redact_url(url))
    assert "hunter2" not in caplog.text and "abc123" not in caplog.text
    assert redact_url(url) == "rtsp://***@10.1.2.3/live?token=***&channel=1"


@pytest.mark.parametrize(("url", "problem"), [
    ("rtsp://127.0.0.1:8554/x", "loopback"),
    ("http://localhost:8000/api/cases", "own host"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://100.100.100.200/latest/meta-data/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("rtsp://169.254.3.4/stream", "link-local"),
    ("rtsp://[fe80::1]/stream", "link-local"),
    ("http://0.0.0.0:8000/", "unspecified"),
    ("gopher://10.0.0.1/", "scheme"),
    ("ftp://10.0.0.1/x", "scheme"),
    ("rtsp:///nohost", "no host"),
])
def test_the_guard_refuses_what_would_turn_the_server_on_itself(url: str, problem: str) -> None:
    with pytest.raises(VideoError, match=problem) as caught:
        check_stream_url(url, OPEN, where="cameras.csv line 4: stream_url")
    assert str(caught.value).startswith("cameras.csv line 4: stream_url")


def test_private_network_cameras_pass() -> None:
    for url in ("rtsp://192.168.1.64:554/h264", "http://10.20.30.40/mjpg/video.mjpg", "https://172.16.0.9/a.m3u8"):
        assert check_stream_url(url, OPEN) == url


def test_the_apps_own_host_is_refused_by_name_and_address() -> None:
    policy = UrlPolicy.from_settings(file_root=None, allowed_hosts="", own_hosts=("10.9.9.9", "gridwatch-app"))
    for url in ("http://10.9.9.9:8000/", "http://GRIDWATCH-APP/api"):
        with pytest.raises(VideoError, match="own"):
            check_stream_url(url, policy)


def test_an_admin_may_allow_a_host_explicitly() -> None:
    policy = UrlPolicy.from_settings(file_root=None, allowed_hosts=" 127.0.0.1 , [::1]")
    assert check_stream_url("rtsp://127.0.0.1:8554/demo", policy)
    assert check_stream_url("http://[::1]:8080/x.mjpg", policy)
    with pytest.raises(VideoError, match="loopback"):
        check_stream_url("http://127.0.0.2/", policy)


def test_a_name_resolving_to_a_forbidden_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"cam.example.net": ["192.168.5.5"], "sneaky.example.net": ["10.0.0.8", "169.254.169.254"]}
    looked_up: list[str] = []

    def fake_getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[tuple]:
        looked_up.append(host)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    assert check_stream_url("rtsp://cam.example.net/main", OPEN)
    with pytest.raises(VideoError, match="sneaky.example.net' resolves to it"):
        check_stream_url("rtsp://sneaky.example.net/main", OPEN)
    with pytest.raises(VideoError, match="does not resolve"):
        check_stream_url("rtsp://nowhere.example.net/main", OPEN)
    assert looked_up == ["cam.example.net", "sneaky.example.net", "nowhere.example.net"]


def test_file_sources_only_inside_the_configured_folder(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    root.mkdir()
    (root / "ok.mp4").write_bytes(b"")
    (root / "escape.mp4").symlink_to(tmp_path / "secret.mp4")
    with pytest.raises(VideoError, match="GRIDWATCH_VIDEO_FILE_ROOT is not set"):
        check_stream_url(f"file://{root}/ok.mp4", OPEN)
    policy = UrlPolicy(file_root=root)
    assert check_stream_url(f"file://{root}/ok.mp4", policy)
    for bad in (f"file://{root}/../secret.mp4", "file:///etc/passwd", f"file://{root}/escape.mp4"):
        with pytest.raises(VideoError, match="outside the video folder"):
            check_stream_url(bad, policy)
    with pytest.raises(VideoError, match="only local files"):
        check_stream_url("file://fileserver/share/a.mp4", policy)


def test_live_urls_are_for_the_browser_and_take_no_file() -> None:
    assert check_live_url("https://10.0.0.5/live/cam.flv", OPEN)
    assert check_live_url("wss://10.0.0.5/rtc/play?stream=cam", OPEN)
    for bad in ("file:///tmp/a.mp4", "rtsp://10.0.0.5/x", "http://169.254.169.254/"):
        with pytest.raises(VideoError, match="live_url"):
            check_live_url(bad, OPEN)

"""Stream and live URLs: credentials kept out of them, redacted in logs, and the SSRF guard.

The guard refuses a URL the server itself would open (a probe, a snapshot, the relay) when it points at the
app's own host, a loopback, link-local or cloud metadata address, or a file outside the configured folder,
unless an admin allows that host by name. Private networks (10/8, 172.16/12, 192.168/16) are where cameras
live and stay allowed. A name is resolved and refused when any of its addresses is forbidden; a probe must
call the guard again just before it opens the stream, since a name can resolve differently later.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from urllib.request import url2pathname

from video.errors import VideoError
from video.models import Camera, Credentials

logger = logging.getLogger(__name__)

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https", "file")
# The browser opens a live URL (HLS, HTTP-FLV, WebRTC signalling, WS-FLV from ZLMediaKit or WVP).
LIVE_SCHEMES = ("http", "https", "ws", "wss")
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "metadata.internal"})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, Azure, GCP, OpenStack
    "fd00:ec2::254",  # AWS over IPv6
    "100.100.100.200",  # Alibaba Cloud
    "169.254.170.2",  # AWS ECS task metadata
))
LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))
_SECRET_QUERY_KEYS = ("password", "passwd", "pwd", "pass", "token", "secret", "key", "auth", "sign")


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """What the guard allows: a folder for file: sources, hosts an admin allowed, and the app's own host names."""

    file_root: Path | None = None
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    own_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, *, file_root: str | Path | None, allowed_hosts: str, own_hosts: tuple[str, ...] = ()
                      ) -> UrlPolicy:
        """Build a policy from settings text: a folder (or empty) and comma-separated host names or addresses."""
        hosts = frozenset(h.strip().lower().strip("[]") for h in allowed_hosts.split(",") if h.strip())
        own = frozenset(h.strip().lower().strip("[]") for h in own_hosts if h and h.strip())
        return cls(file_root=Path(file_root) if file_root else None, allowed_hosts=hosts, own_hosts=own)


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """Return the URL without user:pass@ and the credentials it carried (None when it had none)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, Credentials(username=unquote(user), password=unquote(password))


def stream_url_with_credentials(camera: Camera, credentials: Credentials | None) -> str:
    """Return the camera's stream URL with its login put back, for the probe that opens it (never log this)."""
    if credentials is None or not camera.stream_url:
        return camera.stream_url
    parts = urlsplit(camera.stream_url)
    userinfo = quote(credentials.username, safe="")
    if credentials.password:
        userinfo += ":" + quote(credentials.password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{parts.netloc}", parts.path, parts.query, parts.fragment))


def redact_url(url: str) -> str:
    """Return the URL fit for a log line: no user:pass@, secret-looking query values replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    query = "&".join(
        f"{key}=***" if any(s in key.lower() for s in _SECRET_QUERY_KEYS) and sep else f"{key}{sep}{value}"
        for key, sep, value in (pair.partition("=") for pair in parts.query.split("&"))
    ) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# scheme://user:pass@host or scheme://user@host: everything between "//" and the last "@" before the path
# (a password may hold an unescaped "@").
_USERINFO_IN_TEXT = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s?#]*)@")


def redact_urls_in(text: str) -> str:
    """Return a message with the user and password of every URL in it replaced by ***."""
    return _USERINFO_IN_TEXT.sub(lambda m: f"{m['scheme']}***@", text)


def check_stream_url(url: str, policy: UrlPolicy, *, where: str = "stream_url") -> str:
    """Return the URL when the server may open it, or raise VideoError naming where (field and row)."""
    return _check(url, policy, where=where, schemes=STREAM_SCHEMES)


def check_live_url(url: str, policy: UrlPolicy, *, where: str = "live_url") -> str:
    """Return a browser live URL when it passes the same guard (no file:, plus ws/wss), or raise VideoError."""
    return _check(url, policy, where=where, schemes=LIVE_SCHEMES)


def _check(url: str, policy: UrlPolicy, *, where: str, schemes: tuple[str, ...]) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VideoError(f"{where}: {redact_url(url)!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise VideoError(f"{where}: scheme {scheme or '(none)'!r} is not allowed; use one of {', '.join(schemes)}")
    if scheme == "file":
        _check_file(parts.netloc, parts.path, policy, where=where)
        return url
    host = (parts.hostname or "").lower()
    if not host:
        raise VideoError(f"{where}: {redact_url(url)!r} names no host")
    if host in policy.allowed_hosts:
        return url
    try:
        problem = _forbidden_host(host, port, policy)
    except VideoError as exc:
        raise VideoError(f"{where}: {exc}") from None
    if problem:
        raise VideoError(f"{where}: {redact_url(url)!r} points at {problem}; refused (an admin may allow the "
                         f"host with GRIDWATCH_VIDEO_ALLOWED_HOSTS)")
    return url


def _check_file(netloc: str, path: str, policy: UrlPolicy, *, where: str) -> None:
    if netloc not in ("", "localhost"):
        raise VideoError(f"{where}: file URL names host {netloc!r}; only local files are allowed")
    if policy.file_root is None:
        raise VideoError(f"{where}: file: sources are refused (GRIDWATCH_VIDEO_FILE_ROOT is not set)")
    target = Path(url2pathname(unquote(path)))
    root = policy.file_root.resolve()
    # resolve() follows symlinks and '..', so a link inside the folder pointing out of it is refused too.
    if not target.is_absolute() or not target.resolve().is_relative_to(root):
        raise VideoError(f"{where}: file {str(target)!r} is outside the video folder {str(root)!r}")


def _forbidden_host(host: str, port: int | None, policy: UrlPolicy) -> str | None:
    """Return why the host is forbidden, or None; a name is forbidden when any address it resolves to is."""
    if host in METADATA_HOSTS:
        return f"the cloud metadata service {host!r}"
    if host in policy.own_hosts or host == "localhost" or host.endswith(".localhost"):
        return f"this server's own host {host!r}"
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = _resolve(host, port)
    for address in addresses:
        problem = _forbidden_address(address, policy)
        if problem:
            return problem if str(address) == host else f"{problem} (host {host!r} resolves to it)"
    return None


def _resolve(host: str, port: int | None) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        # A name the server cannot resolve now cannot be checked: refuse rather than trust it.
        raise VideoError(f"host {host!r} does not resolve ({exc}); cannot check where it points") from None
    found = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        found.append(ipaddress.ip_address(text))
    return found


def _forbidden_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: UrlPolicy) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return f"the cloud metadata address {address}"
    if str(address) in policy.own_hosts:
        return f"this server's own address {address}"
    if address.is_loopback:
        return f"the loopback address {address}"
    if address.is_unspecified:
        return f"the unspecified address {address} (this server)"
    if any(address in net for net in LINK_LOCAL if net.version == address.version):
        return f"the link-local address {address}"
    return None

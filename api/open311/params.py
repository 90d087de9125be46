"""Read the spec's parameters: a POST's form fields and attributes, and the filters of GET requests."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from api.open311.errors import Open311Error

# The spec: without dates, the most recent 90 days; a window may span no more; at most 1000 requests an answer.
DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_CODES = 20
STATUSES = ("open", "closed")
ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[A-Za-z0-9_.-]{1,64})\](?:\[\])?$")
MEDIA_URL = re.compile(r"^https?://[^\s<>\"']{1,490}$")
LIMITS = {"description": 4000, "address_string": 300, "first_name": 60, "last_name": 60, "email": 200,
          "phone": 40, "device_id": 100, "account_id": 100, "media_url": 500, "service_code": 48,
          "jurisdiction_id": 100, "crs": 40, "api_key": 200}


@dataclass(frozen=True, slots=True)
class RequestForm:
    """A POST requests body as the spec names its fields; lon/lat are in crs (WGS-84 per the spec)."""

    service_code: str
    lon: float | None
    lat: float | None
    address_string: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    media_url: str = ""
    crs: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def _coordinate(form: Mapping[str, str], name: str, fmt: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise Open311Error(400, f"{name}: {text[:40]!r} is not a number", fmt=fmt) from None
    if not math.isfinite(value):
        raise Open311Error(400, f"{name}: {text[:40]!r} is not a finite number", fmt=fmt)
    return value


def read_form(form: Mapping[str, str], fmt: str) -> RequestForm:
    """Check a POST requests body's fields; refuse (400) a missing service_code or location, or a bad value."""
    for name, limit in LIMITS.items():
        if len(form.get(name, "")) > limit:
            raise Open311Error(400, f"{name}: longer than {limit} characters", fmt=fmt)
    for name, value in form.items():
        if "\x00" in value:
            raise Open311Error(400, f"{name[:80]}: contains a NUL character", fmt=fmt)
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code: required", fmt=fmt)
    lat, lon = _coordinate(form, "lat", fmt), _coordinate(form, "long", fmt)
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long: give both, or neither and an address_string", fmt=fmt)
    if lat is None and not form.get("address_string", "").strip() and not form.get("address_id", "").strip():
        raise Open311Error(400, "location: give lat and long (WGS-84), address_string or address_id", fmt=fmt)
    if lat is None:
        # This jurisdiction has no geocoder: a case must lie on the map to find its grid and its team.
        raise Open311Error(400, "lat and long: required here; this server cannot geocode an address_string or "
                                "address_id alone", fmt=fmt)
    media = form.get("media_url", "").strip()
    if media and not MEDIA_URL.match(media):
        raise Open311Error(400, "media_url: give an http or https URL", fmt=fmt)
    attributes = {}
    for name, value in form.items():
        if name.startswith("attribute"):
            match = ATTRIBUTE.match(name)
            if match is None:
                raise Open311Error(400, f"{name[:80]}: attributes are sent as attribute[code]=value", fmt=fmt)
            if len(value) > 500:
                raise Open311Error(400, f"{name}: longer than 500 characters", fmt=fmt)
            attributes[match["code"]] = value.strip()
    return RequestForm(service_code=code, lon=lon, lat=lat, address_string=form.get("address_string", "").strip(),
                       description=form.get("description", "").strip(), first_name=form.get("first_name", "").strip(),
                       last_name=form.get("last_name", "").strip(), email=form.get("email", "").strip(),
                       phone=form.get("phone", "").strip(), media_url=media, crs=form.get("crs") or None,
                       attributes=attributes)


def check_attributes(attributes: dict[str, str], definition: list[dict[str, Any]], fmt: str) -> dict[str, str]:
    """Check the answers against the service's attributes: known codes, required ones given, list values known."""
    by_code = {a["code"]: a for a in definition}
    for code in attributes:
        if code not in by_code:
            raise Open311Error(400, f"attribute[{code}]: the service has no such attribute", fmt=fmt)
    for code, attribute in by_code.items():
        value = attributes.get(code, "")
        if attribute["required"] and not value:
            raise Open311Error(400, f"attribute[{code}]: required ({attribute['description']})", fmt=fmt)
        keys = {v["key"] for v in attribute["values"]}
        if value and keys and value not in keys:
            raise Open311Error(400, f"attribute[{code}]: {value[:40]!r} is not one of {', '.join(sorted(keys))}",
                               fmt=fmt)
    return {code: value for code, value in attributes.items() if value}


def parse_w3c(text: str, name: str, fmt: str) -> datetime:
    """Parse a W3C date-time with its zone (2026-11-05T08:15:30Z or +08:00); refuse (400) anything else."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name}: {text[:40]!r} is not a W3C date-time such as 2026-11-05T08:15:30Z",
                           fmt=fmt) from None
    if value.tzinfo is None:
        raise Open311Error(400, f"{name}: {text[:40]!r} has no time zone; end it with Z or an offset", fmt=fmt)
    return value


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What GET requests asks for: ids (which override everything else), or codes, a window and statuses."""

    ids: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def _listed(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def read_filter(query: Mapping[str, str | None], *, now: datetime, fmt: str) -> RequestFilter:
    """Check GET requests' filters; refuse (400) bad ids, dates, statuses or a window longer than 90 days."""
    ids = _listed(query.get("service_request_id"))
    if ids:
        if len(ids) > MAX_REQUESTS or not all(i.isascii() and i.isdigit() and 0 < int(i) < 2**63 for i in ids):
            raise Open311Error(400, f"service_request_id: give up to {MAX_REQUESTS} numeric ids, comma separated",
                               fmt=fmt)
        return RequestFilter(ids=tuple(dict.fromkeys(int(i) for i in ids)))
    codes = _listed(query.get("service_code"))
    if len(codes) > MAX_CODES:
        raise Open311Error(400, f"service_code: at most {MAX_CODES} codes at once", fmt=fmt)
    statuses = _listed(query.get("status"))
    for status in statuses:
        if status not in STATUSES:
            raise Open311Error(400, f"status: {status[:40]!r} is not open or closed", fmt=fmt)
    start_text, end_text = query.get("start_date"), query.get("end_date")
    start = parse_w3c(start_text, "start_date", fmt) if start_text else None
    end = parse_w3c(end_text, "end_date", fmt) if end_text else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - DEFAULT_WINDOW  # type: ignore[operator]
    if end is None:
        end = start + DEFAULT_WINDOW
    if end < start:
        raise Open311Error(400, "end_date: earlier than start_date", fmt=fmt)
    if end - start > DEFAULT_WINDOW:
        raise Open311Error(400, "start_date and end_date: may not span more than 90 days", fmt=fmt)
    return RequestFilter(codes=tuple(dict.fromkeys(codes)), start=start, end=end,
                         statuses=tuple(dict.fromkeys(statuses)))

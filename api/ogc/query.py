"""Read an items request's query: limit, offset, bbox, datetime, f and queryables, or a 400 naming the parameter."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from api.ogc.errors import bad_parameter

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
MAX_OFFSET = 10_000_000
# bbox, datetime, limit are Part 1's; offset is the paging token our next links carry; f picks JSON or HTML.
CORE_PARAMETERS = ("limit", "offset", "bbox", "datetime", "f")
FORMATS = {"json": "json", "geojson": "json", "html": "html"}
BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Queryable:
    """A property a collection can be filtered on by equality (Part 3), with its allowed values if they are few."""

    name: str
    description: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Interval:
    """A datetime filter: both bounds inclusive, None where open."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class ItemsQuery:
    """What an items request asks for, checked."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: BBox | None = None
    interval: Interval | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    format: str | None = None


def single_values(items: Sequence[tuple[str, str]], *, allowed: Sequence[str]) -> dict[str, str]:
    """Return each parameter's one value; 400 for one not allowed here or given twice."""
    values: dict[str, str] = {}
    for name, value in items:
        if name not in allowed:
            raise bad_parameter(f"query parameter {name!r}: unknown here; allowed: {', '.join(allowed)}")
        if name in values:
            raise bad_parameter(f"query parameter {name!r}: given more than once")
        values[name] = value
    return values


def parse_format(value: str | None) -> str | None:
    """Return 'json' or 'html' for an f parameter, None when absent."""
    if value is None:
        return None
    if value not in FORMATS:
        raise bad_parameter(f"query parameter 'f' {value!r}: use json or html")
    return FORMATS[value]


def parse_items_query(items: Sequence[tuple[str, str]], *, queryables: Mapping[str, Queryable],
                      temporal: bool) -> ItemsQuery:
    """Check an items request's query against what the collection offers."""
    values = single_values(items, allowed=[*CORE_PARAMETERS, *queryables])
    filters = {name: _queryable_value(queryables[name], values[name]) for name in queryables if name in values}
    interval = parse_datetime(values["datetime"]) if "datetime" in values else None
    offset = _integer("offset", values.get("offset"), default=0, low=0, high=MAX_OFFSET)
    bbox = parse_bbox(values["bbox"]) if "bbox" in values else None
    # A collection without a time ignores datetime, as Part 1 says (/req/core/fc-time-response), once it is valid.
    return ItemsQuery(limit=parse_limit(values.get("limit")), offset=offset, bbox=bbox,
                      interval=interval if temporal else None, filters=filters, format=parse_format(values.get("f")))


def parse_limit(value: str | None) -> int:
    """Return the page size; above the maximum it is the maximum, as Part 1 requires (no error)."""
    return min(_integer("limit", value, default=DEFAULT_LIMIT, low=1, high=None), MAX_LIMIT)


def _integer(name: str, value: str | None, *, default: int, low: int, high: int | None) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_parameter(f"query parameter {name!r} {value!r}: a whole number expected") from None
    if number < low or (high is not None and number > high):
        bound = f"from {low}" + ("" if high is None else f" to {high}")
        raise bad_parameter(f"query parameter {name!r} {value!r}: must be {bound}")
    return number


def parse_bbox(value: str) -> BBox:
    """Return min_lon, min_lat, max_lon, max_lat in CRS84 from 'a,b,c,d', or 400 saying what is wrong."""
    parts = value.split(",")
    try:
        box = tuple(float(p) for p in parts)
    except ValueError:
        raise bad_parameter(f"query parameter 'bbox' {value!r}: four numbers expected "
                            "(min_lon,min_lat,max_lon,max_lat in CRS84)") from None
    if len(box) != 4:
        raise bad_parameter(f"query parameter 'bbox' {value!r}: four numbers expected, not {len(box)} "
                            "(a 3D box is not supported)")
    if not all(math.isfinite(v) for v in box):
        raise bad_parameter(f"query parameter 'bbox' {value!r}: numbers must be finite")
    min_lon, min_lat, max_lon, max_lat = box
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise bad_parameter(f"query parameter 'bbox' {value!r}: needs lon in -180..180, lat in -90..90 and "
                            "min_lat <= max_lat")
    if min_lon > max_lon:
        raise bad_parameter(f"query parameter 'bbox' {value!r}: min_lon > max_lon (a box across the antimeridian) "
                            "is not supported")
    return min_lon, min_lat, max_lon, max_lat


def parse_datetime(value: str) -> Interval:
    """Return the interval of an instant, 'a/b', '../b' or 'a/..' (RFC 3339; a date means that whole UTC day)."""
    if "/" not in value:
        start, end = _instant(value, end=False), _instant(value, end=True)
        return Interval(start, end)
    if value.count("/") != 1:
        raise bad_parameter(f"query parameter 'datetime' {value!r}: an instant or one interval 'start/end' expected")
    first, second = value.split("/")
    start = None if first in ("..", "") else _instant(first, end=False)
    end = None if second in ("..", "") else _instant(second, end=True)
    if start is not None and end is not None and start > end:
        raise bad_parameter(f"query parameter 'datetime' {value!r}: the interval ends before it starts")
    return Interval(start, end)


def _instant(text: str, *, end: bool) -> datetime:
    """Return an RFC 3339 date-time (with its offset), or a full date's first or last instant in UTC."""
    where = f"query parameter 'datetime' {text!r}"
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise bad_parameter(f"{where}: not a date (YYYY-MM-DD)") from None
        first = datetime.combine(day, time(), tzinfo=UTC)
        return first + timedelta(days=1, microseconds=-1) if end else first
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise bad_parameter(f"{where}: not an RFC 3339 date-time (e.g. 2026-05-01T08:00:00Z)") from None
    if "T" not in text.upper() or instant.tzinfo is None:
        raise bad_parameter(f"{where}: needs a date, a time and an offset (Z or +08:00)")
    return instant


def _queryable_value(queryable: Queryable, value: str) -> str:
    if not value or len(value) > 100:
        raise bad_parameter(f"query parameter {queryable.name!r}: 1 to 100 characters expected")
    if queryable.values and value not in queryable.values:
        raise bad_parameter(f"query parameter {queryable.name!r} {value!r}: use one of {', '.join(queryable.values)}")
    return value


def wants_html(format: str | None, accept: str) -> bool:
    """Return whether to answer in HTML: f=html, or no f and an Accept that ranks text/html above JSON."""
    if format is not None:
        return format == "html"
    ranks: dict[str, float] = {}
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        ranks[media.strip().lower()] = max(weight, ranks.get(media.strip().lower(), 0.0))
    json_rank = max((ranks.get(m, 0.0) for m in ("application/json", "application/geo+json")), default=0.0)
    return ranks.get("text/html", 0.0) > json_rank

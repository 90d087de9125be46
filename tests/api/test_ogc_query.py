"""The OGC items query on its own: datetime instants and intervals, bbox, limit, and which format to answer in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.ogc.errors import OgcError
from api.ogc.query import Interval, Queryable, parse_bbox, parse_datetime, parse_items_query, wants_html

BEIJING = timezone(timedelta(hours=8))


def test_datetime_instants_keep_their_offset_and_a_date_is_its_whole_utc_day() -> None:
    assert parse_datetime("2026-05-01T08:00:00+08:00") == Interval(datetime(2026, 5, 1, 8, tzinfo=BEIJING),
                                                                   datetime(2026, 5, 1, 8, tzinfo=BEIJING))
    day = parse_datetime("2026-05-01")
    assert day.start == datetime(2026, 5, 1, tzinfo=UTC)
    assert day.end == datetime(2026, 5, 2, tzinfo=UTC) - timedelta(microseconds=1)
    assert parse_datetime("../2026-05-01T00:00:00Z") == Interval(None, datetime(2026, 5, 1, tzinfo=UTC))
    assert parse_datetime("2026-05-01T00:00:00Z/..") == Interval(datetime(2026, 5, 1, tzinfo=UTC), None)
    assert parse_datetime("../..") == Interval(None, None)
    # Offsets are compared as instants: 08:00 in Beijing is midnight UTC, not after it.
    same = parse_datetime("2026-05-01T08:00:00+08:00/2026-05-01T00:00:00Z")
    assert same.start == same.end == datetime(2026, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2026-13-01", "2026-05-01T25:00:00Z", "1714550400", "2026-05-01 08:00"])
def test_datetime_that_is_not_rfc_3339_is_refused(value: str) -> None:
    with pytest.raises(OgcError) as refused:
        parse_datetime(value)
    assert refused.value.status == 400 and "'datetime'" in refused.value.description


def test_bbox_accepts_a_point_sized_box_and_keeps_the_order_lon_lat() -> None:
    assert parse_bbox("120.1,32.2,120.1,32.2") == (120.1, 32.2, 120.1, 32.2)
    assert parse_bbox(" 120 , 32 , 121 , 33 ") == (120.0, 32.0, 121.0, 33.0)
    with pytest.raises(OgcError, match="finite"):
        parse_bbox("120,32,inf,33")


def test_queryables_other_collections_offer_are_unknown_here() -> None:
    status = {"status": Queryable("status", "", ("raised", "cleared"))}
    assert parse_items_query([("status", "raised")], queryables=status, temporal=True).filters == {"status": "raised"}
    with pytest.raises(OgcError, match="'platform': unknown here; allowed: limit, offset, bbox, datetime, f, status"):
        parse_items_query([("platform", "market")], queryables=status, temporal=True)
    with pytest.raises(OgcError, match="1 to 100 characters"):
        parse_items_query([("status", "")], queryables=status, temporal=True)


@pytest.mark.parametrize(("f", "accept", "html"), [
    (None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
    (None, "application/geo+json, application/json", False),
    (None, "application/json;q=0.5, text/html;q=0.4", False),
    (None, "", False),
    (None, "*/*", False),
    ("json", "text/html", False),
    ("html", "application/json", True),
])
def test_the_format_is_f_else_whatever_accept_ranks_first(f: str | None, accept: str, html: bool) -> None:
    assert wants_html(f, accept) is html

"""Dependencies the routes share: the store, the locator, paging and bbox parameters."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request

from cases.clock import CaseClock
from cases.locator import Locator
from gis.errors import GisError
from storage import Store

MAX_PAGE = 1000
# Ids are 64-bit in both stores; a larger number is a client error, not a database overflow.
MAX_ID = 2**63 - 1
MAX_OFFSET = 10_000_000
# A command-room screen looks at a town or a county; larger boxes are a mistake or a scrape.
MAX_BBOX_DEG2 = 4.0


def get_store(request: Request) -> Store:
    """Return the app's store."""
    return request.app.state.store


def get_locator(request: Request) -> Locator:
    """Return the app's in-memory spatial indexes (refresh them in the unit of work that uses them)."""
    return request.app.state.locator


def get_case_clock(request: Request) -> CaseClock:
    """Return the app's case clock: the taxonomy and calendar case deadlines count by, cached."""
    return request.app.state.case_clock


def get_clock(request: Request) -> Callable[[], datetime]:
    """Return the app's clock (tests set it)."""
    return request.app.state.clock


@dataclass(frozen=True, slots=True)
class Paging:
    """Limit and offset of a list request."""

    limit: int
    offset: int

    @property
    def window(self) -> dict[str, int]:
        """Return limit and offset as keyword arguments for page() and feature_collection()."""
        return {"limit": self.limit, "offset": self.offset}


def get_paging(limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page")] = 100,
               offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0) -> Paging:
    """Return the paging parameters."""
    return Paging(limit, offset)


def parse_bbox(bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat in WGS-84")] = None
               ) -> tuple[float, float, float, float] | None:
    """Parse and check a bbox parameter, or raise GisError naming it."""
    if bbox is None or bbox == "":
        return None
    parts = bbox.split(",")
    try:
        box = tuple(float(p) for p in parts)
    except ValueError:
        raise GisError(f"query parameter 'bbox' {bbox!r}: four numbers expected") from None
    if len(box) != 4 or not all(math.isfinite(v) for v in box):
        raise GisError(f"query parameter 'bbox' {bbox!r}: four finite numbers expected")
    min_lon, min_lat, max_lon, max_lat = box
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise GisError(f"query parameter 'bbox' {bbox!r}: needs min < max within lon -180..180 and lat -90..90")
    if (max_lon - min_lon) * (max_lat - min_lat) > MAX_BBOX_DEG2:
        raise GisError(f"query parameter 'bbox' {bbox!r}: larger than {MAX_BBOX_DEG2} square degrees")
    return box  # type: ignore[return-value]


def now_utc() -> datetime:
    """Return the current UTC time."""
    return datetime.now(UTC)


StoreDep = Annotated[Store, Depends(get_store)]
LocatorDep = Annotated[Locator, Depends(get_locator)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]
CaseClockDep = Annotated[CaseClock, Depends(get_case_clock)]
PagingDep = Annotated[Paging, Depends(get_paging)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A numeric id")]
BBoxDep = Annotated[tuple[float, float, float, float] | None, Depends(parse_bbox)]
Format = Annotated[Literal["json", "geojson"], Query(description="json (a page of items) or geojson (a FeatureCollection)")]

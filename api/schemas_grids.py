"""Request bodies of the grid routes: edits of a grid, its staff, and a bulk locate."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from api.schemas import Strict
from gis.grid_edits import GEOMETRY_BY_IMPORT, MAX_NAME
from gis.models import StaffRole

MAX_LOCATE_POINTS = 10_000
MAX_STAFF = 50


class GridUpdate(Strict):
    """A grid's new name and/or parent; what is left out stays. Boundaries and levels come only from a new set."""

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)] | None = None
    parent_code: Annotated[str | None, Field(max_length=64, description="a grid one level up; null only for "
                                                                         "level 1")] = None

    @model_validator(mode="before")
    @classmethod
    def _no_geometry(cls, data: Any) -> Any:
        # Said before "extra fields not permitted", so the client learns what to do instead.
        if isinstance(data, dict):
            for field in ("geometry", "level", "code"):
                if field in data:
                    raise ValueError(f"{field} cannot be edited: {GEOMETRY_BY_IMPORT}"
                                     if field != "code" else "code cannot be edited: it names the grid")
        return data


class GridStaffIn(Strict):
    """One person serving a grid."""

    role: StaffRole
    name: Annotated[str, Field(min_length=1, max_length=64)]
    phone: Annotated[str, Field(max_length=32, pattern=r"^[0-9+\- ]*$")] = ""
    username: Annotated[str, Field(max_length=64, description="their gridwatch account, if any")] = ""


GridStaffList = Annotated[list[GridStaffIn], Field(max_length=MAX_STAFF, description="in the order shown; one "
                                                                                    "head at most")]


class LocateMany(Strict):
    """Points to locate in one request."""

    crs: Annotated[str, Field(max_length=16, description="wgs84 (default), gcj02, bd09 or cgcs2000")] = "wgs84"
    # The cap is checked by the route (413 naming it), so a refusal does not echo thousands of points back.
    points: Annotated[list[tuple[float, float]], Field(description=f"[lon, lat] pairs, at most {MAX_LOCATE_POINTS}",
                                                       json_schema_extra={"maxItems": MAX_LOCATE_POINTS})]

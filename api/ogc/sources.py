"""The collections the OGC API serves: grids by level, cases, alerts, cameras and teams, each read from the store.

Every source answers with the same serializers and the same reach and masking as the routes under /api.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from access.models import Principal
from access.policy import can_see_case, case_reach, redact_case
from access.scopes import Scope
from alerts.models import AlertStatus
from api.deps import MAX_ID
from api.ogc.query import BBox, ItemsQuery, Queryable
from api.serialize import alert_dict, camera_dict, case_dict, grid_feature, point_feature, team_dict
from cases.models import CaseStatus, Platform, TeamStatus
from cases.routing import CATEGORIES
from storage import UnitOfWork

GRID_COLLECTION = re.compile(r"grids-level-([1-9][0-9]{0,2})")
Features = tuple[list[dict[str, Any]], int]


@dataclass(frozen=True, slots=True)
class TownBounds:
    """The box around every grid and around each level's grids, read once per request."""

    box: BBox | None
    by_level: dict[int, BBox]


@dataclass(frozen=True, slots=True)
class Extent:
    """Where (CRS84 bbox) and when (first and last instant) a collection's features lie; None where unknown."""

    bbox: BBox | None
    interval: tuple[datetime | None, datetime | None] | None = None


class Source:
    """One collection: its description, its queryables, and how to read its features for a principal."""

    id: str = ""
    title: str = ""
    description: str = ""
    scope: Scope = Scope.OPS_READ
    temporal: str | None = None  # the property datetime filters on
    queryables: dict[str, Queryable] = {}

    def page(self, uow: UnitOfWork, principal: Principal, query: ItemsQuery) -> Features:
        """Return one page of features matching the query within the principal's reach, and how many match."""
        raise NotImplementedError

    def feature(self, uow: UnitOfWork, principal: Principal, feature_id: str) -> dict[str, Any] | None:
        """Return one feature, or None when it does not exist within the principal's reach."""
        raise NotImplementedError

    def extent(self, uow: UnitOfWork, principal: Principal, town: TownBounds) -> Extent:
        """Return the collection's extent; point collections take the town's (its grids') box."""
        return Extent(town.box)


def _enum(name: str, description: str, values: Any) -> Queryable:
    return Queryable(name, description, tuple(str(v.value if hasattr(v, "value") else v) for v in values))


def _numeric_id(feature_id: str) -> int | None:
    """Return a store id from a feature id, or None when it cannot name one (so: 404, never a database error)."""
    return int(feature_id) if feature_id.isascii() and feature_id.isdigit() and 0 < int(feature_id) <= MAX_ID else None


class GridLevelFeatures(Source):
    """The grids of one level, with their boundaries."""

    queryables = {"parent_code": Queryable("parent_code", "code of the parent grid")}

    def __init__(self, level: int) -> None:
        self.level = level
        self.id = f"grids-level-{level}"
        self.title = f"Grids of level {level}"
        self.description = (f"Grid cells of level {level} (1 is the coarsest) with their code, name, parent and staff; "
                            "boundaries in CRS84.")

    def page(self, uow: UnitOfWork, principal: Principal, query: ItemsQuery) -> Features:
        filters = {"level": self.level, "parent_code": query.filters.get("parent_code"), "bbox": query.bbox}
        grids = uow.grids.list(**filters, limit=query.limit, offset=query.offset)  # type: ignore[arg-type]
        return [grid_feature(g) for g in grids], uow.grids.count(**filters)  # type: ignore[arg-type]

    def feature(self, uow: UnitOfWork, principal: Principal, feature_id: str) -> dict[str, Any] | None:
        grid = uow.grids.get(feature_id)
        return grid_feature(grid) if grid is not None and grid.level == self.level else None

    def extent(self, uow: UnitOfWork, principal: Principal, town: TownBounds) -> Extent:
        return Extent(town.by_level.get(self.level))


class CaseFeatures(Source):
    """Cases within the caller's reach, reporters masked for roles that may not read them."""

    id = "cases"
    title = "Cases"
    description = "Cases of the closed loop within your reach, located where reported; datetime filters created_at."
    scope = Scope.CASES_READ
    temporal = "created_at"
    queryables = {q.name: q for q in (
        _enum("status", "where the case stands in the loop", CaseStatus),
        _enum("platform", "the platform the case is routed to", Platform),
        _enum("category", "what the case is about", CATEGORIES),
        Queryable("grid_code", "a grid the case lies in, at any level"),
    )}

    def _filters(self, principal: Principal, query: ItemsQuery) -> dict[str, Any] | None:
        reach = case_reach(principal)
        asked = query.filters.get("platform")
        if reach.platform is not None and asked not in (None, reach.platform):
            return None  # a member asking for another platform's cases: none are within reach
        status = query.filters.get("status")
        interval = query.interval
        return {"status": CaseStatus(status) if status else None,
                "platform": reach.platform or (Platform(asked) if asked else None),
                "category": query.filters.get("category"), "grid_code": query.filters.get("grid_code"),
                "any_grid": reach.grid_codes, "bbox": query.bbox,
                "created_since": interval.start if interval else None,
                "created_until": interval.end if interval else None}

    def page(self, uow: UnitOfWork, principal: Principal, query: ItemsQuery) -> Features:
        filters = self._filters(principal, query)
        if filters is None:
            return [], 0
        found = uow.cases.list(**filters, limit=query.limit, offset=query.offset)
        return [_case_feature(principal, c) for c in found], uow.cases.count(**filters)

    def feature(self, uow: UnitOfWork, principal: Principal, feature_id: str) -> dict[str, Any] | None:
        case_id = _numeric_id(feature_id)
        case = None if case_id is None else uow.cases.get(case_id)
        return _case_feature(principal, case) if case is not None and can_see_case(principal, case) else None

    def extent(self, uow: UnitOfWork, principal: Principal, town: TownBounds) -> Extent:
        filters = self._filters(principal, ItemsQuery()) or {}  # an empty query is never out of reach
        total = uow.cases.count(**filters)
        if not total:
            return Extent(town.box)
        newest = uow.cases.list(**filters, limit=1)[0]
        oldest = uow.cases.list(**filters, limit=1, offset=total - 1)[0]
        return Extent(town.box, (oldest.created_at, newest.created_at))


def _case_feature(principal: Principal, case: Any) -> dict[str, Any]:
    fields = redact_case(principal, case_dict(case))
    return point_feature(fields, feature_id=fields["id"])


class AlertFeatures(Source):
    """Alerts of sensors and cameras, where they were raised; datetime filters raised_at."""

    id = "alerts"
    title = "Alerts"
    description = "Alerts raised by sensors and cameras, located where raised; datetime filters raised_at."
    temporal = "raised_at"
    queryables = {"status": _enum("status", "raised, acknowledged or cleared", AlertStatus)}

    def _filters(self, query: ItemsQuery) -> dict[str, Any]:
        status = query.filters.get("status")
        interval = query.interval
        return {"status": AlertStatus(status) if status else None, "bbox": query.bbox,
                "raised_since": interval.start if interval else None,
                "raised_until": interval.end if interval else None}

    def page(self, uow: UnitOfWork, principal: Principal, query: ItemsQuery) -> Features:
        filters = self._filters(query)
        found = uow.alerts.list(**filters, limit=query.limit, offset=query.offset)
        return [point_feature(alert_dict(a), feature_id=a.id) for a in found], uow.alerts.count(**filters)

    def feature(self, uow: UnitOfWork, principal: Principal, feature_id: str) -> dict[str, Any] | None:
        alert_id = _numeric_id(feature_id)
        alert = None if alert_id is None else uow.alerts.get(alert_id)
        return None if alert is None else point_feature(alert_dict(alert), feature_id=alert.id)

    def extent(self, uow: UnitOfWork, principal: Principal, town: TownBounds) -> Extent:
        total = uow.alerts.count()
        if not total:
            return Extent(town.box)
        newest, oldest = uow.alerts.list(limit=1)[0], uow.alerts.list(limit=1, offset=total - 1)[0]
        return Extent(town.box, (oldest.raised_at, newest.raised_at))


class CameraFeatures(Source):
    """Cameras with their latest health; stream URLs carry no credentials, as everywhere in the API."""

    id = "cameras"
    title = "Cameras"
    description = "Monitoring cameras at their positions, with bearing, field of view, range and latest health."

    def page(self, uow: UnitOfWork, principal: Principal, query: ItemsQuery) -> Features:
        cameras = uow.cameras.list(bbox=query.bbox, limit=query.limit, offset=query.offset)
        health = uow.camera_health.latest(c.id for c in cameras)
        return ([point_feature(camera_dict(c, health.get(c.id)), feature_id=c.id) for c in cameras],
                uow.cameras.count(bbox=query.bbox))

    def feature(self, uow: UnitOfWork, principal: Principal, feature_id: str) -> dict[str, Any] | None:
        camera = uow.cameras.get(feature_id)
        if camera is None:
            return None
        return point_feature(camera_dict(camera, uow.camera_health.latest([camera.id]).get(camera.id)),
                             feature_id=camera.id)


class TeamFeatures(Source):
    """Field teams at their last reported positions (a town has tens, so they are filtered and paged here)."""

    id = "teams"
    title = "Teams"
    description = "Field teams of the four platforms at their last reported positions (null geometry when unknown)."
    queryables = {q.name: q for q in (_enum("platform", "the team's platform", Platform),
                                      _enum("status", "available, busy or off duty", TeamStatus))}

    def page(self, uow: UnitOfWork, principal: Principal, query: ItemsQuery) -> Features:
        platform, status = query.filters.get("platform"), query.filters.get("status")
        teams = uow.teams.list(platform=Platform(platform) if platform else None,
                               status=TeamStatus(status) if status else None)
        if query.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = query.bbox
            teams = [t for t in teams if t.position is not None
                     and min_lon <= t.position[0] <= max_lon and min_lat <= t.position[1] <= max_lat]
        chosen = teams[query.offset:query.offset + query.limit]
        return [point_feature(team_dict(t), feature_id=t.id) for t in chosen], len(teams)

    def feature(self, uow: UnitOfWork, principal: Principal, feature_id: str) -> dict[str, Any] | None:
        team = uow.teams.get(feature_id)
        return None if team is None else point_feature(team_dict(team), feature_id=team.id)


FIXED: tuple[Source, ...] = (CaseFeatures(), AlertFeatures(), CameraFeatures(), TeamFeatures())


def town_bounds(uow: UnitOfWork) -> TownBounds:
    """Return the boxes around the store's grids, all and per level (no level: no grids)."""
    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    for grid in uow.grids.all():
        boxes.setdefault(int(grid.level), []).append(grid.geometry.bounds)
    by_level = {level: _around(found) for level, found in boxes.items()}
    return TownBounds(_around(list(by_level.values())) if by_level else None, by_level)


def all_sources(town: TownBounds) -> list[Source]:
    """Return every collection: one per grid level held, coarsest first, then cases, alerts, cameras, teams."""
    return [*(GridLevelFeatures(level) for level in sorted(town.by_level)), *FIXED]


def find_source(uow: UnitOfWork, collection_id: str) -> Source | None:
    """Return the collection of this id, or None when there is none."""
    match = GRID_COLLECTION.fullmatch(collection_id)
    if match:
        level = int(match.group(1))
        return GridLevelFeatures(level) if uow.grids.count(level=level) else None  # type: ignore[arg-type]
    return next((s for s in FIXED if s.id == collection_id), None)


def _around(boxes: list[tuple[float, float, float, float]]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

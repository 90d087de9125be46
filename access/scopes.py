"""Scopes each route declares, and the scopes each role holds (least privilege)."""

from __future__ import annotations

from enum import StrEnum

from access.models import Role


class Scope(StrEnum):
    """What a route needs."""

    OPS_READ = "ops:read"              # grids, teams, cameras, devices, alerts, categories, the live feed
    CASES_READ = "cases:read"          # cases within the principal's reach (object-level policy decides)
    CASES_REPORT = "cases:report"      # report a new case
    CASES_COMMAND = "cases:command"    # accept, route, dispatch, verify, close, evaluate
    CASES_WORK = "cases:work"          # start, feedback on a case of one's own team
    PERSONAL_READ = "personal:read"    # reporter names and phone numbers unmasked
    INGEST_READ = "ingest:read"        # dead letters and the device quarantine (raw device payloads)
    DEVICES_ADMIN = "devices:admin"    # provision, import, retire devices; adopt or dismiss quarantined ones
    AUDIT_READ = "audit:read"          # the audit log
    USERS_ADMIN = "users:admin"        # accounts and API keys
    RULES_WRITE = "rules:write"        # create, change and delete alert rules
    GRIDS_ADMIN = "grids:admin"        # rename and re-parent grids, set their staff (boundaries: a new grid set)
    CALENDAR_ADMIN = "calendar:admin"  # load a year's holiday schedule (the working calendar deadlines count by)
    TAXONOMY_ADMIN = "taxonomy:admin"  # replace the taxonomy of matters (categories, platforms, time limits)
    SUPERVISION_READ = "supervision:read"  # the supervisor's queue and a case's reminders (督办)
    SUPERVISION_ACT = "supervision:act"    # acknowledge a supervision reminder
    ASSESSMENT_READ = "assessment:read"  # assessment figures (考核) per platform, department, team and grid


_READ = {Scope.OPS_READ, Scope.CASES_READ}

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(Scope),
    Role.OPERATOR: frozenset(_READ | {Scope.CASES_REPORT, Scope.CASES_COMMAND, Scope.CASES_WORK,
                                      Scope.PERSONAL_READ, Scope.INGEST_READ, Scope.DEVICES_ADMIN,
                                      Scope.RULES_WRITE, Scope.GRIDS_ADMIN, Scope.SUPERVISION_READ,
                                      Scope.SUPERVISION_ACT, Scope.ASSESSMENT_READ}),
    Role.PLATFORM_MEMBER: frozenset(_READ | {Scope.CASES_WORK, Scope.PERSONAL_READ}),
    Role.GRID_STAFF: frozenset(_READ | {Scope.CASES_REPORT, Scope.PERSONAL_READ}),
    # Assessment scores teams and departments: for those who assess (supervisors, the command room), not the
    # assessed (platform members, grid staff) nor a wall display (viewer).
    Role.SUPERVISOR: frozenset(_READ | {Scope.PERSONAL_READ, Scope.INGEST_READ, Scope.AUDIT_READ,
                                        Scope.SUPERVISION_READ, Scope.SUPERVISION_ACT, Scope.ASSESSMENT_READ}),
    Role.VIEWER: frozenset(_READ),
}


def has_scope(role: Role, scope: Scope) -> bool:
    """Return whether a role holds a scope."""
    return scope in ROLE_SCOPES[role]

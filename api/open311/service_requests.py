"""Cases as Open311 service requests: the public fields only, the open/closed status, and finding them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.open311.params import MAX_REQUESTS, RequestFilter, RequestForm
from api.open311.render import w3c
from cases.lifecycle import FINISHED, STATUS_LABELS
from cases.models import Case, CaseSource, CaseStatus
from cases.repository import CaseRepository
from cases.routing import CATEGORIES
from cases.taxonomy import Taxonomy

# What a POST says beyond a case's own fields rides in its description under this line, one "key: value" a line;
# only the text after the last such line is read back, so a reporter's own text cannot pose as it.
TRAILER = "—— Open311 ——"
PUBLIC_KEYS = ("address", "media_url")
# Matters about a person rather than a place (an elder's care button, relief, a neighbours' dispute): the public
# sees that the request exists and how it stands, never what it says or where, to better than about a kilometre.
PEOPLE_MATTERS = frozenset({"elderly_emergency", "elderly_care", "civil_relief", "social_security", "dispute",
                            "livelihood_request", "consulting"})
COARSE_DIGITS = 2
OPEN_STATUSES = tuple(s for s in CaseStatus if s not in FINISHED)
CLOSED_STATUSES = tuple(s for s in CaseStatus if s in FINISHED)


def open311_status(status: CaseStatus) -> str:
    """Return the spec's status of a case: closed once the town's work on it is over, else open."""
    return "closed" if status in FINISHED else "open"


def statuses_for(wanted: tuple[str, ...]) -> tuple[CaseStatus | None, ...]:
    """Return the case statuses the spec's statuses cover (None: any)."""
    if not wanted or set(wanted) == {"open", "closed"}:
        return (None,)
    return OPEN_STATUSES if wanted == ("open",) else CLOSED_STATUSES


def describe(form: RequestForm, attributes: dict[str, str]) -> str:
    """Return the case description: the reporter's text, then the trailer of address, media and answers."""
    extras = {"address": form.address_string, "media_url": form.media_url,
              **{f"attribute[{code}]": value for code, value in attributes.items()}}
    lines = [f"{key}: {' '.join(value.split())}" for key, value in extras.items() if value]
    return "\n".join([form.description, TRAILER, *lines]) if lines else form.description


def split_description(description: str) -> tuple[str, dict[str, str]]:
    """Return the reporter's text and the public keys of the trailer (address, media_url)."""
    text, marker, trailer = description.rpartition(TRAILER)
    if not marker:
        return description, {}
    extras = {}
    for line in trailer.splitlines():
        key, _, value = line.partition(": ")
        if key in PUBLIC_KEYS and value:
            extras[key] = value
    return text.rstrip("\n"), extras


def request_dict(case: Case, taxonomy: Taxonomy) -> dict[str, Any]:
    """Return a case as the spec's service request: public fields only, never the reporter's name or contact."""
    sub = taxonomy.subcategories.get(case.category)
    known = CATEGORIES.get(case.category)
    name = sub.zh if sub else (known.label if known else case.category)
    text, extras = split_description(case.description)
    # Staff, sensors and the hotline write internal notes (names, numbers): the public sees only their title.
    description = text if case.source is CaseSource.CITIZEN else case.title
    department = case.department or (sub.department if sub else "")
    platform = f"{case.platform.value} platform" if case.platform else ""
    agency = f"{department} ({platform})" if department and platform else department or platform
    lon, lat = case.lon, case.lat
    if case.category in PEOPLE_MATTERS:
        description, extras = "", {}
        lon, lat = round(lon, COARSE_DIGITS), round(lat, COARSE_DIGITS)
    return {"service_request_id": case.id, "status": open311_status(case.status),
            "status_notes": STATUS_LABELS.get(case.status, str(case.status)), "service_name": name,
            "service_code": case.category, "description": description, "agency_responsible": agency,
            "service_notice": "", "requested_datetime": w3c(case.created_at), "updated_datetime": w3c(case.updated_at),
            "expected_datetime": w3c(case.due_at), "address": extras.get("address", ""), "address_id": "",
            "zipcode": "", "lat": lat, "long": lon, "media_url": extras.get("media_url", "")}


def find_cases(cases: CaseRepository, wanted: RequestFilter) -> list[Case]:
    """Return the cases a filter names, newest first, at most the spec's 1000."""
    if wanted.ids:
        found = [case for case_id in wanted.ids[:MAX_REQUESTS] if (case := cases.get(case_id)) is not None]
        return sorted(found, key=_newest_first)
    by_id: dict[int, Case] = {}
    for code in wanted.codes or (None,):
        for status in statuses_for(wanted.statuses):
            for case in cases.list(category=code, status=status, created_since=wanted.start,
                                   created_until=wanted.end, limit=MAX_REQUESTS):
                by_id[case.id] = case  # type: ignore[index]
    return sorted(by_id.values(), key=_newest_first)[:MAX_REQUESTS]


def _newest_first(case: Case) -> tuple[float, int]:
    created: datetime = case.created_at
    return (-created.timestamp(), -(case.id or 0))

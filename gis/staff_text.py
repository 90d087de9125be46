"""A grid's staff as the JSON text boundary files carry: [{"role": "head", "name": "王芳", "phone": "", ...}]."""

from __future__ import annotations

import json
from typing import Any

from gis.errors import GisError
from gis.hierarchy import check_staff
from gis.models import GridStaff, StaffRole

FIELDS = ("role", "name", "phone", "username")


def staff_text(staff: Any) -> str:
    """Return a grid's staff as JSON text ("" for none); text already is kept as it is."""
    if isinstance(staff, str):
        return staff
    people = [{f: str(getattr(p, f)) for f in FIELDS} for p in (staff or ())]
    return json.dumps(people, ensure_ascii=False, separators=(",", ":")) if people else ""


def staff_from_text(text: str, *, where: str) -> tuple[GridStaff, ...]:
    """Return the staff a JSON text lists ("" none, plain text one head), or raise GisError saying what and where."""
    if not text.strip():
        return ()
    if not text.lstrip().startswith(("[", "{")):
        # Files written before staff had roles name one person: the grid head (as the town file reads them).
        return (GridStaff(StaffRole.HEAD, text.strip()),)
    try:
        people = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GisError(f"{where}: staff is not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(people, list):
        raise GisError(f"{where}: staff must be a JSON list of people")
    staff = []
    for number, person in enumerate(people, start=1):
        if not isinstance(person, dict) or not isinstance(person.get("name"), str) or not person["name"].strip():
            raise GisError(f"{where}: staff {number} needs a name")
        unknown = set(person) - set(FIELDS)
        if unknown:
            raise GisError(f"{where}: staff {number} has unknown fields {', '.join(sorted(unknown))}")
        try:
            role = StaffRole(person.get("role", ""))
        except ValueError:
            raise GisError(f"{where}: staff {number}: role {person.get('role')!r} is not one of "
                           f"{', '.join(StaffRole)}") from None
        staff.append(GridStaff(role, person["name"].strip(), str(person.get("phone") or ""),
                               str(person.get("username") or "")))
    check_staff(staff, where=where)
    return tuple(staff)

"""The taxonomy as Open311 services: one per sub-category, with the questions a reporter is asked about it."""

from __future__ import annotations

from typing import Any

from cases.taxonomy import Priority, SubCategory, Taxonomy

# Every service is realtime: a POST opens the case at once and answers its id (tokens resolve to it too).
SERVICE_TYPE = "realtime"
LOCATION_DETAIL = "location_detail"
DANGER_NOW = "danger_now"
DANGER_VALUES = (("yes", "是 Yes"), ("no", "否 No"))
# Where a place needs pinning down: a broken thing or an event at a spot. Advice and welfare matters do not.
PLACED_CLASSES = frozenset({"component", "event"})


def _group_names(taxonomy: Taxonomy) -> dict[str, str]:
    return {g.code: f"{g.zh} {g.en}" for g in taxonomy.groups}


def _classes(taxonomy: Taxonomy) -> dict[str, str]:
    return {g.code: g.cls for g in taxonomy.groups}


def attributes_of(sub: SubCategory, cls: str) -> list[dict[str, Any]]:
    """Return the reporter-facing questions of a sub-category as the spec's attributes, in order."""
    found: list[dict[str, Any]] = []
    if cls in PLACED_CLASSES:
        found.append({"variable": True, "code": LOCATION_DETAIL, "datatype": "string", "required": False,
                      "datatype_description": "楼栋、门牌或附近地标 Building, door number or a landmark nearby",
                      "order": len(found) + 1, "description": "具体位置 Exact spot", "values": []})
    if sub.priority in (Priority.URGENT, Priority.HIGH):
        found.append({"variable": True, "code": DANGER_NOW, "datatype": "singlevaluelist", "required": True,
                      "datatype_description": "yes or no", "order": len(found) + 1,
                      "description": "现在是否危及人身安全？Is anyone in danger right now?",
                      "values": [{"key": key, "name": name} for key, name in DANGER_VALUES]})
    return found


def service_list(taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """Return the spec's service list: one realtime service per sub-category of the taxonomy."""
    groups, classes = _group_names(taxonomy), _classes(taxonomy)
    return [{"service_code": sub.code, "service_name": sub.zh,
             "description": f"{sub.en}; {sub.department} ({sub.platform.value} platform)",
             "metadata": bool(attributes_of(sub, classes[sub.group])), "type": SERVICE_TYPE,
             "keywords": ",".join((*sub.keywords, *sub.phrases)), "group": groups[sub.group]}
            for sub in taxonomy.subcategories.values()]


def service_definition(taxonomy: Taxonomy, code: str) -> dict[str, Any] | None:
    """Return the spec's service definition of a sub-category, or None when the taxonomy has no such code."""
    sub = taxonomy.subcategories.get(code)
    if sub is None:
        return None
    return {"service_code": sub.code, "attributes": attributes_of(sub, _classes(taxonomy)[sub.group])}

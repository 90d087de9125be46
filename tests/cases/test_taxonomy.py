"""The shipped taxonomy validates, keeps every category code callers used, and bad documents are refused by path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cases.models import Platform
from cases.routing import CATEGORIES, route
from cases.taxonomy import STEPS, TIME_LIMIT, TaxonomyError, check_time_limit, parse_taxonomy, shipped_taxonomy

# The categories and platforms cases/routing.py had before the taxonomy (sensors, cameras, callers depend on them).
BEFORE_TAXONOMY = {
    "fire_hazard": "governance", "flood_risk": "governance", "air_pollution": "enforcement",
    "noise_nuisance": "enforcement", "cold_chain_breach": "market", "elderly_emergency": "service",
    "camera_fault": "governance", "device_fault": "governance", "public_order": "governance",
    "dispute": "governance", "safety_hazard": "governance", "food_safety": "market",
    "unlicensed_trading": "market", "product_quality": "market", "illegal_construction": "enforcement",
    "environment": "enforcement", "city_appearance": "enforcement", "work_safety": "enforcement",
    "social_security": "service", "civil_relief": "service", "elderly_care": "service", "consulting": "service",
    "other": "governance"}


def _doc() -> dict[str, Any]:
    return copy.deepcopy(shipped_taxonomy().doc)


def test_the_shipped_taxonomy_validates_with_both_gbt_classes_and_the_four_platforms() -> None:
    taxonomy = shipped_taxonomy()
    assert {g.cls for g in taxonomy.groups} == {"component", "event", "governance"}
    assert {s.platform for s in taxonomy.subcategories.values()} == set(Platform)
    for sub in taxonomy.subcategories.values():
        assert set(sub.time_limits) == set(STEPS), sub.code
        assert all(TIME_LIMIT.match(v) for v in sub.time_limits.values()), sub.code
        assert sub.zh and sub.en and sub.department and (sub.keywords or sub.phrases), sub.code


def test_every_category_code_from_before_the_taxonomy_stays_with_its_platform() -> None:
    subs = shipped_taxonomy().subcategories
    for code, platform in BEFORE_TAXONOMY.items():
        assert subs[code].platform.value == platform, code
        assert CATEGORIES[code].platform.value == platform and route(code).value == platform, code


def test_routing_reads_every_category_from_the_taxonomy() -> None:
    subs = shipped_taxonomy().subcategories
    assert list(CATEGORIES) == list(subs)
    assert all(CATEGORIES[c].label == s.zh for c, s in subs.items())


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()


@pytest.mark.parametrize(("path", "value", "named"), [
    (("categories", 3, "sub", 0, "platform"), "police", "categories[3].sub[0].platform"),
    (("categories", 2, "sub", 0, "priority"), "asap", "categories[2].sub[0].priority"),
    (("categories", 1, "sub", 1, "time_limits"), {"handle": "3 days"}, "categories[1].sub[1].time_limits.handle"),
    (("categories", 1, "sub", 1, "time_limits"), {"verify": "3wd"}, "categories[1].sub[1].time_limits.verify"),
    (("categories", 0, "sub", 0, "time_limits"), {"accept": "0h"}, "categories[0].sub[0].time_limits.accept"),
    (("categories", 0, "sub", 2, "code"), "manhole_cover", "categories[0].sub[2].code"),
    (("categories", 0, "sub", 0, "zh"), _DELETE, "categories[0].sub[0].zh"),
    (("categories", 0, "sub", 0, "colour"), "red", "categories[0].sub[0].colour"),
    (("categories", 4, "class"), "thing", "categories[4].class"),
    (("categories", 0, "sub", 0, "keywords"), ["井盖", 3], "categories[0].sub[0].keywords[1]"),
    (("time_limits_by_priority", "high", "feedback"), "5d", "time_limits_by_priority.high.feedback"),
    (("categories", 0, "sub"), [], "categories[0].sub"),
])
def test_a_bad_taxonomy_is_refused_naming_the_path(path: tuple[Any, ...], value: Any, named: str) -> None:
    doc = _doc()
    _set(doc, path, value)
    with pytest.raises(TaxonomyError) as refused:
        parse_taxonomy(doc)
    assert str(refused.value).startswith(named), str(refused.value)


def test_removing_a_built_in_sub_category_is_refused_by_code() -> None:
    doc = _doc()
    for group in doc["categories"]:
        group["sub"] = [s for s in group["sub"] if s["code"] != "camera_fault"]
    with pytest.raises(TaxonomyError, match="camera_fault"):
        parse_taxonomy(doc)


def test_a_new_sub_category_takes_its_priority_time_limits_unless_it_gives_its_own() -> None:
    doc = _doc()
    doc["categories"][0]["sub"].append({"code": "bus_shelter", "zh": "公交候车亭", "en": "Bus shelter",
                                        "platform": "service", "priority": "low", "time_limits": {"handle": "3wd"}})
    sub = parse_taxonomy(doc).subcategories["bus_shelter"]
    assert sub.time_limits == {"accept": "1wd", "dispatch": "2wd", "handle": "3wd", "feedback": "5wd"}


@pytest.mark.parametrize("value", ["2h", "3wd", "24ch", "0.5wd"])
def test_time_limits_in_working_hours_working_days_and_clock_hours_pass(value: str) -> None:
    assert check_time_limit(value, where="x") == value


@pytest.mark.parametrize("value", ["2", "h", "3 wd", "-1h", "2d", 5, None, "1.h"])
def test_other_time_limits_are_refused(value: Any) -> None:
    with pytest.raises(TaxonomyError, match="^x: "):
        check_time_limit(value, where="x")

"""The taxonomy of matters: categories, sub-categories, their platform, priority and step time limits, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from cases.errors import CaseError
from cases.models import Platform

SHIPPED_PATH = Path(__file__).with_name("taxonomy.yaml")
STEPS = ("accept", "dispatch", "handle", "feedback")
CLASSES = ("component", "event", "governance")
# h: working hours, wd: working days, ch: clock hours; the calendar helper turns them into TimeLimit values.
TIME_LIMIT = re.compile(r"^(?P<amount>[0-9]+(?:\.[0-9]+)?)(?P<unit>h|wd|ch)$")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
# The codes code refers to (sensors, cameras, alert policy, callers of the API before the taxonomy): never removed.
BUILTIN_CODES = frozenset({
    "fire_hazard", "flood_risk", "air_pollution", "noise_nuisance", "cold_chain_breach", "elderly_emergency",
    "camera_fault", "device_fault", "public_order", "dispute", "safety_hazard", "food_safety",
    "unlicensed_trading", "product_quality", "illegal_construction", "environment", "city_appearance",
    "work_safety", "social_security", "civil_relief", "elderly_care", "consulting", "other"})


class TaxonomyError(CaseError):
    """A taxonomy document that does not validate; the message names the path (categories[3].sub[2].platform)."""


class Priority(StrEnum):
    """How soon a matter must move."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class SubCategory:
    """A kind of matter cases are filed under: who leads it, how urgent, the limit per step, words that tell it."""

    code: str
    zh: str
    en: str
    platform: Platform
    department: str
    priority: Priority
    time_limits: dict[str, str]
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]
    group: str


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    """A category (GB/T 30428 部件/事件 class or a platform's matters) holding sub-categories."""

    code: str
    cls: str
    zh: str
    en: str
    sub: tuple[SubCategory, ...]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A whole validated taxonomy document and its sub-categories by code."""

    version: int
    groups: tuple[CategoryGroup, ...]
    doc: dict[str, Any]

    @property
    def subcategories(self) -> dict[str, SubCategory]:
        """Return every sub-category by code, in document order."""
        return {s.code: s for g in self.groups for s in g.sub}


def check_time_limit(value: Any, *, where: str) -> str:
    """Return the time limit ('2h', '3wd', '24ch') or raise naming where it is wrong."""
    if not isinstance(value, str) or not (match := TIME_LIMIT.match(value.strip())):
        raise TaxonomyError(f"{where}: {value!r} is not a time limit like '2h' (working hours), '3wd' (working days)"
                            " or '24ch' (clock hours)")
    if float(match["amount"]) <= 0:
        raise TaxonomyError(f"{where}: {value!r} must be more than zero")
    return value.strip()


def _text(node: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = node.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"{where}.{key}: must be a non-empty string")
    return value.strip()


def _mapping(node: Any, where: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise TaxonomyError(f"{where}: must be a mapping, not {type(node).__name__}")
    return node


def _list(node: Any, where: str, *, allow_empty: bool = False) -> list[Any]:
    if not isinstance(node, list) or (not node and not allow_empty):
        raise TaxonomyError(f"{where}: must be a {'' if allow_empty else 'non-empty '}list")
    return node


def _words(node: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    words = _list(node.get(key) or [], f"{where}.{key}", allow_empty=True)
    for i, word in enumerate(words):
        if not isinstance(word, str) or not word.strip():
            raise TaxonomyError(f"{where}.{key}[{i}]: must be a non-empty string")
    return tuple(w.strip() for w in words)


def _limits(node: Any, where: str, *, partial: bool) -> dict[str, str]:
    limits = _mapping({} if node is None else node, where)
    for key in limits:
        if key not in STEPS:
            raise TaxonomyError(f"{where}.{key}: unknown step; steps are {', '.join(STEPS)}")
    if not partial:
        for step in STEPS:
            if step not in limits:
                raise TaxonomyError(f"{where}.{step}: missing")
    # A step given as null (a document read back from the API) takes the default, like one left out.
    return {k: check_time_limit(v, where=f"{where}.{k}") for k, v in limits.items() if v is not None}


_SUB_KEYS = {"code", "zh", "en", "platform", "department", "priority", "time_limits", "keywords", "phrases"}


def _sub(node: Any, where: str, group: str, defaults: dict[str, dict[str, str]]) -> SubCategory:
    node = _mapping(node, where)
    if unknown := sorted(set(node) - _SUB_KEYS):
        raise TaxonomyError(f"{where}.{unknown[0]}: unknown field")
    code = _text(node, "code", where)
    if not CODE.match(code):
        raise TaxonomyError(f"{where}.code: {code!r} must be lower-case letters, digits and _ (2-48)")
    try:
        platform = Platform(node.get("platform"))
    except ValueError:
        raise TaxonomyError(f"{where}.platform: {node.get('platform')!r} is not one of "
                            f"{', '.join(p.value for p in Platform)}") from None
    try:
        priority = Priority(node.get("priority") or "normal")
    except ValueError:
        raise TaxonomyError(f"{where}.priority: {node.get('priority')!r} is not one of "
                            f"{', '.join(p.value for p in Priority)}") from None
    limits = dict(defaults.get(priority.value, {}))
    limits.update(_limits(node.get("time_limits", {}), f"{where}.time_limits", partial=True))
    for step in STEPS:
        if step not in limits:
            raise TaxonomyError(f"{where}.time_limits.{step}: missing, and no default for priority {priority.value}")
    return SubCategory(code=code, zh=_text(node, "zh", where), en=_text(node, "en", where), platform=platform,
                       department=_text(node, "department", where, required=False), priority=priority,
                       time_limits={s: limits[s] for s in STEPS}, keywords=_words(node, "keywords", where),
                       phrases=_words(node, "phrases", where), group=group)


def parse_taxonomy(doc: Any, *, required_codes: frozenset[str] = BUILTIN_CODES) -> Taxonomy:
    """Check a whole taxonomy document and return it; raise TaxonomyError naming the first wrong path."""
    doc = _mapping(doc, "taxonomy")
    version = doc.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TaxonomyError(f"version: {version!r} must be a positive integer")
    defaults_node = _mapping(doc.get("time_limits_by_priority", {}), "time_limits_by_priority")
    defaults = {}
    for key, node in defaults_node.items():
        if key not in {p.value for p in Priority}:
            raise TaxonomyError(f"time_limits_by_priority.{key}: not a priority")
        defaults[key] = _limits(node, f"time_limits_by_priority.{key}", partial=False)
    groups, seen = [], {}
    for i, node in enumerate(_list(doc.get("categories"), "categories")):
        where = f"categories[{i}]"
        node = _mapping(node, where)
        code = _text(node, "code", where)
        if code in seen:
            raise TaxonomyError(f"{where}.code: {code!r} already used at {seen[code]}")
        seen[code] = where
        cls = node.get("class")
        if cls not in CLASSES:
            raise TaxonomyError(f"{where}.class: {cls!r} is not one of {', '.join(CLASSES)}")
        subs = []
        for j, sub_node in enumerate(_list(node.get("sub"), f"{where}.sub")):
            sub = _sub(sub_node, f"{where}.sub[{j}]", code, defaults)
            if sub.code in seen:
                raise TaxonomyError(f"{where}.sub[{j}].code: {sub.code!r} already used at {seen[sub.code]}")
            seen[sub.code] = f"{where}.sub[{j}]"
            subs.append(sub)
        groups.append(CategoryGroup(code=code, cls=cls, zh=_text(node, "zh", where), en=_text(node, "en", where),
                                    sub=tuple(subs)))
    taxonomy = Taxonomy(version=version, groups=tuple(groups), doc=doc)
    if missing := sorted(required_codes - set(taxonomy.subcategories)):
        raise TaxonomyError(f"categories: built-in sub-categories may not be removed: {', '.join(missing)}")
    return taxonomy


def load_taxonomy_text(text: str, *, where: str = "taxonomy") -> Taxonomy:
    """Parse YAML (or JSON) text into a checked taxonomy."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{where}: not YAML: {exc}") from None
    return parse_taxonomy(doc)


@lru_cache(maxsize=1)
def shipped_taxonomy() -> Taxonomy:
    """Return the taxonomy shipped with the code (cases/taxonomy.yaml)."""
    return load_taxonomy_text(SHIPPED_PATH.read_text(encoding="utf-8"), where=str(SHIPPED_PATH))

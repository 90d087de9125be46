"""Classify matters and route them to the platform that leads them (问题事件自动分类流转)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Platform
from cases.taxonomy import Taxonomy, shipped_taxonomy


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of matter, its Chinese label and the platform that leads it."""

    code: str
    label: str
    platform: Platform


# One source of truth: the shipped taxonomy (cases/taxonomy.yaml) names every category and its platform.
CATEGORIES: dict[str, Category] = {
    sub.code: Category(sub.code, sub.zh, sub.platform) for sub in shipped_taxonomy().subcategories.values()}

CATEGORY_BY_SENSOR_KIND: dict[str, str] = {
    "smoke": "fire_hazard",
    "water_level": "flood_risk",
    "air_quality": "air_pollution",
    "noise": "noise_nuisance",
    "cold_chain": "cold_chain_breach",
    "care_button": "elderly_emergency",
}


# Who maintains a camera (its registry owner), named in its maintenance case (seed 001: cameras integrated from
# the police, the traffic police and the water authority, and the town's own 雪亮 points).
OWNER_DEPARTMENTS: dict[str, str] = {
    "police": "公安派出所 (police)",
    "traffic": "交警中队 (traffic police)",
    "water": "水利站 (water authority)",
    "town": "镇综治中心 (town governance centre)",
}


def owner_department(owner: str) -> str:
    """Return the department that maintains a camera or device of this owner (the owner itself when not known)."""
    return OWNER_DEPARTMENTS.get(owner, owner)


def category_for_sensor(sensor_kind: str) -> Category:
    """Return the category a sensor kind's alarm belongs to ('other' for kinds not yet classified)."""
    return CATEGORIES[CATEGORY_BY_SENSOR_KIND.get(sensor_kind, "other")]


def route(category_code: str, taxonomy: Taxonomy | None = None) -> Platform:
    """Return the lead platform; unknown matters go to comprehensive governance, whose office triages them.

    taxonomy: the active one (an admin may have moved a sub-category to another platform); None: the shipped one.
    """
    if taxonomy is not None:
        sub = taxonomy.subcategories.get(category_code)
        return sub.platform if sub else Platform.GOVERNANCE
    category = CATEGORIES.get(category_code)
    return category.platform if category else Platform.GOVERNANCE

"""Classify matters and route them to the platform that leads them (问题事件自动分类流转)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Platform


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of matter, its Chinese label and the platform that leads it."""

    code: str
    label: str
    platform: Platform


CATEGORIES: dict[str, Category] = {c.code: c for c in (
    # Raised by sensors.
    Category("fire_hazard", "烟感报警 / 火灾隐患", Platform.GOVERNANCE),
    Category("flood_risk", "水位超警 / 防汛隐患", Platform.GOVERNANCE),
    Category("air_pollution", "大气污染", Platform.ENFORCEMENT),
    Category("noise_nuisance", "噪声扰民", Platform.ENFORCEMENT),
    Category("cold_chain_breach", "冷链温度超标", Platform.MARKET),
    Category("elderly_emergency", "老人紧急呼叫", Platform.SERVICE),
    # Raised by camera probes: the 雪亮工程 / 天眼 video network is run by comprehensive governance (综治).
    Category("camera_fault", "视频监控故障 / 设备维护", Platform.GOVERNANCE),
    # A sensor reading outside its physical range: the device is broken, its owner repairs it (a maintenance alert).
    Category("device_fault", "感知设备故障 / 设备维护", Platform.GOVERNANCE),
    # Reported by grid staff and citizens.
    Category("public_order", "治安问题", Platform.GOVERNANCE),
    Category("dispute", "矛盾纠纷", Platform.GOVERNANCE),
    Category("safety_hazard", "安全隐患", Platform.GOVERNANCE),
    Category("food_safety", "食品安全", Platform.MARKET),
    Category("unlicensed_trading", "无证经营", Platform.MARKET),
    Category("product_quality", "产品质量", Platform.MARKET),
    Category("illegal_construction", "违章建筑", Platform.ENFORCEMENT),
    Category("environment", "环境污染", Platform.ENFORCEMENT),
    Category("city_appearance", "市容环境", Platform.ENFORCEMENT),
    Category("work_safety", "安全生产", Platform.ENFORCEMENT),
    Category("social_security", "社会保障", Platform.SERVICE),
    Category("civil_relief", "民政救助", Platform.SERVICE),
    Category("elderly_care", "养老服务", Platform.SERVICE),
    Category("consulting", "政策咨询", Platform.SERVICE),
    Category("other", "其他", Platform.GOVERNANCE),
)}

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


def route(category_code: str) -> Platform:
    """Return the lead platform; unknown matters go to comprehensive governance, whose office triages them."""
    category = CATEGORIES.get(category_code)
    return category.platform if category else Platform.GOVERNANCE

"""About 100 sensors: air, water level, smoke and noise mostly, a few cold-chain probes and care buttons."""

from __future__ import annotations

import numpy as np

from iot.models import Device, SensorKind
from town.layout import Layout, short_name

ID_PREFIXES = {
    SensorKind.AIR_QUALITY: "AQ",
    SensorKind.WATER_LEVEL: "WL",
    SensorKind.SMOKE: "SM",
    SensorKind.NOISE: "NS",
    SensorKind.COLD_CHAIN: "CC",
    SensorKind.CARE_BUTTON: "CB",
}
# Half-open ranges of how many of each kind a town of this size runs.
COUNTS = {
    SensorKind.AIR_QUALITY: (20, 27),
    SensorKind.WATER_LEVEL: (14, 21),
    SensorKind.SMOKE: (20, 27),
    SensorKind.NOISE: (18, 25),
    SensorKind.COLD_CHAIN: (5, 9),
    SensorKind.CARE_BUTTON: (5, 9),
}
SMOKE_SITES = ("村委会", "敬老院", "小学", "卫生室", "仓库", "厂房", "农贸市场", "文化礼堂", "出租屋")
COLD_SITES = ("农贸市场冷库", "超市冷柜", "冷链仓储中心", "学校食堂冷库")


def place_sensors(rng: np.random.Generator, layout: Layout) -> list[Device]:
    """Return the sensors of every kind, numbered per kind (AQ-001, WL-001, ...)."""
    devices = []
    for kind, (low, high) in COUNTS.items():
        for number in range(1, int(rng.integers(low, high)) + 1):
            xy, name = _site(rng, layout, kind, number)
            lon, lat = layout.lon_lat(xy)
            devices.append(Device(id=f"{ID_PREFIXES[kind]}-{number:03d}", kind=kind, name=name, lon=lon, lat=lat))
    return devices


def _site(rng: np.random.Generator, layout: Layout, kind: SensorKind, number: int) -> tuple[tuple[float, float], str]:
    """Return the position and name of one sensor of a kind."""
    village = layout.villages[int(rng.integers(len(layout.villages)))]
    hamlet = layout.hamlets[int(rng.integers(len(layout.hamlets)))]
    if kind is SensorKind.WATER_LEVEL:
        x, y, _ = layout.beside(rng, layout.river.line, float(rng.uniform(3, 15)))
        return (x, y), f"{layout.river.name}{short_name(layout.village_at((x, y)))}段{number}号水位站"
    if kind is SensorKind.NOISE and layout.roads and rng.random() < 0.6:
        road = layout.roads[int(rng.integers(len(layout.roads)))]
        x, y, _ = layout.beside(rng, road.line, float(rng.uniform(10, 40)))
        return (x, y), f"{road.name}{short_name(layout.village_at((x, y)))}段噪声监测点{number}号"
    if kind is SensorKind.AIR_QUALITY:
        xy = layout.scatter(rng, village.seat, 150.0)
        return xy, f"{layout.village_at(xy).name}空气质量监测站{number}号"
    if kind is SensorKind.SMOKE:
        xy = layout.scatter(rng, hamlet.seat, 150.0)
        return xy, f"{hamlet.name}{SMOKE_SITES[int(rng.integers(len(SMOKE_SITES)))]}烟感{number}号"
    if kind is SensorKind.COLD_CHAIN:
        xy = layout.scatter(rng, layout.central_village.seat, 400.0)
        return xy, f"{layout.village_at(xy).name}{COLD_SITES[int(rng.integers(len(COLD_SITES)))]}{number}号"
    if kind is SensorKind.CARE_BUTTON:
        xy = layout.scatter(rng, hamlet.seat, 100.0)
        return xy, f"{hamlet.name}独居老人一键呼叫{number}号"
    xy = layout.scatter(rng, village.seat, 200.0)
    return xy, f"{layout.village_at(xy).name}广场噪声监测点{number}号"

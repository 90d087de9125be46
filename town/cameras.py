"""About 700 monitoring points: some on purpose (village seats, crossroads, bridges, sensors), the rest in villages,
along roads and on the river banks."""

from __future__ import annotations

import numpy as np

from iot.models import Device
from town.landscape import bearing_deg
from town.layout import Layout, short_name
from town.watch import Watch, watched_sites
from video.models import Camera, Mount

LANDMARKS = (
    "村委会", "党群服务中心", "文化礼堂", "小学门口", "幼儿园", "卫生室", "健身广场", "菜场",
    "养老服务站", "垃圾中转站", "停车场", "十字路口", "桥头", "厂区门口", "加油站",
)
SIDES = ("东侧", "西侧", "南侧", "北侧", "")
RIVER_SPOTS = ("水闸", "桥", "排涝站", "码头", "河道")

# Who watches where (seed 001, 天眼行动): police and the town in villages, traffic on roads, water on the river.
OWNERS = {
    "village": (("police", "town", "traffic"), (0.4, 0.5, 0.1)),
    "hamlet": (("town", "police"), (0.7, 0.3)),
    "road": (("traffic", "police"), (0.6, 0.4)),
    "river": (("water", "town"), (0.8, 0.2)),
}
SETTINGS = ("village", "hamlet", "road", "river")
SETTING_SHARES = (0.45, 0.2, 0.25, 0.1)
# Dome cameras turn (PTZ) and see all around within range; about one in seven, as in a county's 天网 rollout.
DOME_SHARE = 0.15
HEIGHT_RANGE_M = (4.0, 12.0)


def place_cameras(rng: np.random.Generator, layout: Layout, sensors: list[Device] | None = None) -> list[Camera]:
    """Return 680-720 cameras with ids CAM-0001..., Chinese names and believable view sectors.

    The cameras a town puts on purpose (watch.py: every village seat, the central crossroads, bridges, every
    sensor) come first; the rest are the general ones in villages, on roads and by the river. The general draws
    come from rng exactly as they always did, so everything drawn after the cameras (teams) stays as it was;
    the purposeful ones take a generator of their own and replace as many general ones.
    """
    total = int(rng.integers(680, 721))
    settings = rng.choice(SETTINGS, size=total, p=SETTING_SHARES)
    # Pole heights draw from a generator of their own, so every other draw of the town stays as it was.
    heights = np.random.default_rng(total).uniform(*HEIGHT_RANGE_M, size=total)
    general: list[Watch] = []
    for number, setting in enumerate(settings, start=1):
        xy, bearing, name = _site(rng, layout, str(setting))
        owners, shares = OWNERS[str(setting)]
        dome = rng.random() < DOME_SHARE
        general.append(Watch(
            xy=xy,
            bearing_deg=round(bearing, 1) % 360,
            fov_deg=360.0 if dome else float(rng.integers(60, 111)),
            range_m=float(5 * rng.integers(12, 41)),
            owner=str(rng.choice(owners, p=shares)),
            name=name,
            dome=dome,
            height_m=round(float(heights[number - 1]) * 2) / 2,
        ))
    own = np.random.default_rng([total, 28181])
    chosen = watched_sites(own, layout, sensors or [])
    chosen += _keep(own, general, total - len(chosen), domes=round(DOME_SHARE * total) - sum(w.dome for w in chosen))
    seen: dict[str, int] = {}
    cameras = []
    for number, watch in enumerate(chosen, start=1):
        lon, lat = layout.lon_lat(watch.xy)
        cameras.append(
            Camera(
                id=f"CAM-{number:04d}",
                name=_unique(watch.name + ("球机" if watch.dome else ""), seen),
                lon=lon,
                lat=lat,
                bearing_deg=watch.bearing_deg,
                fov_deg=watch.fov_deg,
                range_m=watch.range_m,
                owner=watch.owner,
                height_m=watch.height_m,
                mount=Mount.PTZ if watch.dome else Mount.FIXED,
            )
        )
    return cameras


def _keep(rng: np.random.Generator, general: list[Watch], count: int, *, domes: int) -> list[Watch]:
    """Return count of the general cameras, in their order, with about `domes` domes among them."""
    count = max(count, 0)
    order = rng.permutation(len(general))
    dome_ids = [int(i) for i in order if general[i].dome][: max(domes, 0)]
    fixed_ids = [int(i) for i in order if not general[i].dome][: count - len(dome_ids)]
    return [general[i] for i in sorted(dome_ids[:count] + fixed_ids)]


def _site(rng: np.random.Generator, layout: Layout, setting: str) -> tuple[tuple[float, float], float, str]:
    """Return the position, bearing and base name of one camera in its setting."""
    if setting in ("village", "hamlet"):
        plans = layout.villages if setting == "village" else layout.hamlets
        plan = plans[int(rng.integers(len(plans)))]
        xy = layout.scatter(rng, plan.seat, 300.0 if setting == "village" else 120.0)
        place = plan.name if setting == "hamlet" else layout.village_at(xy).name
        landmark = LANDMARKS[int(rng.integers(len(LANDMARKS)))] + SIDES[int(rng.integers(len(SIDES)))]
        return xy, float(rng.uniform(0, 360)), place + landmark
    if setting == "road" and layout.roads:
        road = layout.roads[int(rng.integers(len(layout.roads)))]
        x, y, along = layout.beside(rng, road.line, float(rng.uniform(4, 20)))
        # Road cameras look along the carriageway, one way or the other, give or take a little.
        heading = bearing_deg(road.line, along) + (180 if rng.random() < 0.5 else 0) + rng.normal(0, 8)
        return (x, y), heading % 360, f"{road.name}{short_name(layout.village_at((x, y)))}段"
    river = layout.river
    x, y, _ = layout.beside(rng, river.line, float(rng.uniform(5, 30)))
    spot = RIVER_SPOTS[int(rng.integers(len(RIVER_SPOTS)))]
    return (x, y), float(rng.uniform(0, 360)), f"{river.name}{short_name(layout.village_at((x, y)))}段{spot}"


def _unique(name: str, seen: dict[str, int]) -> str:
    """Return name, numbered (…2号) from its second use on, so a camera wall never shows two alike."""
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name}{seen[name]}号"

"""About 20 field teams of the four platforms, stationed near grid seats."""

from __future__ import annotations

import numpy as np

from cases.models import Platform, Team, TeamStatus
from town.layout import Layout
from town.names import NameBook

ID_PREFIXES = {
    Platform.GOVERNANCE: "GOV",
    Platform.MARKET: "MKT",
    Platform.ENFORCEMENT: "ENF",
    Platform.SERVICE: "SVC",
}
# Names in the order a town would found its teams; a platform with n teams takes the first n.
TEAM_NAMES = {
    Platform.GOVERNANCE: ("综治巡逻一队", "综治巡逻二队", "矛盾纠纷调解队", "综治巡逻三队", "平安志愿者服务队", "禁毒社工队"),
    Platform.MARKET: ("市场监管一组", "市场监管二组", "食品安全巡查队", "农贸市场管理队", "价格监督检查组", "特种设备检查组"),
    Platform.ENFORCEMENT: ("综合执法一中队", "综合执法二中队", "违建巡查队", "环境执法队", "安全生产检查队", "市容管理队"),
    Platform.SERVICE: ("便民服务一队", "便民服务二队", "民政救助服务队", "养老服务队", "农技服务队", "社保代办队"),
}


def place_teams(rng: np.random.Generator, layout: Layout, names: NameBook) -> list[Team]:
    """Return 4-6 available teams per platform (T-GOV-01, ...), each near a natural village's seat."""
    teams = []
    for platform, prefix in ID_PREFIXES.items():
        for number in range(1, int(rng.integers(4, 7)) + 1):
            hamlet = layout.hamlets[int(rng.integers(len(layout.hamlets)))]
            lon, lat = layout.lon_lat(layout.scatter(rng, hamlet.seat, 60.0))
            teams.append(
                Team(
                    id=f"T-{prefix}-{number:02d}",
                    name=TEAM_NAMES[platform][number - 1],
                    platform=platform,
                    status=TeamStatus.AVAILABLE,
                    lon=lon,
                    lat=lat,
                    members=int(rng.integers(3, 7)),
                    phone=names.phone(),
                )
            )
    return teams

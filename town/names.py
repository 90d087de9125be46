"""Chinese names for the synthetic town: places, people and phone numbers, drawn from fixed lists."""

from __future__ import annotations

import numpy as np

# Characters common in Jiangsu and Zhejiang place names; a fixed list so a seed always gives the same names.
PLACE_SYLLABLES = (
    "丰", "乐", "安", "宁", "永", "兴", "新", "华", "和", "平", "福", "寿", "康", "泰", "长", "青",
    "桥", "河", "湖", "港", "塘", "沙", "桂", "花", "柳", "杨", "梅", "荷", "龙", "凤", "嘉", "顺",
    "庆", "合", "盛", "隆", "同", "富", "金", "胜", "利", "民", "联", "红", "星", "光", "明", "朝",
    "阳", "德", "仁", "义", "信", "惠", "吉", "祥", "溪", "林", "竹", "田", "圩", "荡", "堡", "泾",
    "汪", "渔", "秀", "卫", "建", "团", "中", "东", "西", "南", "北", "双", "三", "五", "八", "沿",
)

# The hundred most common surnames cover most of a Jiangsu village; the list order is fixed for determinism.
SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "丁", "魏", "薛", "叶", "余", "潘",
    "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "邹", "陆", "顾",
)

GIVEN_CHARS = (
    "建", "国", "华", "明", "伟", "军", "平", "芳", "秀", "英", "兰", "红", "霞", "玲", "丽", "敏",
    "强", "磊", "洋", "勇", "杰", "涛", "斌", "超", "峰", "波", "辉", "刚", "健", "文", "海", "燕",
    "静", "娟", "萍", "梅", "春", "桂", "凤", "云", "新", "志", "荣", "德", "林", "忠", "亮", "宏",
)

NATURAL_VILLAGE_SUFFIXES = ("组", "组", "庄", "垛", "舍", "圩")
ROAD_SUFFIXES = ("路", "路", "大道", "公路")
RIVER_SUFFIXES = ("河", "港", "塘河")

# Mobile prefixes of the three carriers; the rest of the number is random and fake.
PHONE_PREFIXES = ("138", "139", "137", "135", "136", "150", "151", "152", "158", "188")


class NameBook:
    """Draw place names that never repeat within one town, and people's names that may."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def _pick(self, chars: tuple[str, ...]) -> str:
        return chars[int(self._rng.integers(len(chars)))]

    def place(self, suffix: str, syllables: int = 2) -> str:
        """Return an unused place name of syllables characters followed by suffix."""
        for _ in range(200):
            stem = "".join(self._pick(PLACE_SYLLABLES) for _ in range(syllables))
            if (syllables > 1 and stem[0] == stem[-1]) or stem + suffix in self._used:
                continue
            self._used.add(stem + suffix)
            return stem + suffix
        # The syllable list allows thousands of stems; running out means the caller asked for far too many.
        raise RuntimeError(f"no unused place name left for suffix {suffix!r}")

    def natural_village(self) -> str:
        """Return an unused natural-village name such as 杨庄 or 丰乐组."""
        suffix = self._pick(NATURAL_VILLAGE_SUFFIXES)
        # One-character stems read naturally only before 庄/垛/舍/圩 (杨庄), not before 组.
        syllables = 2 if suffix == "组" else int(self._rng.integers(1, 3))
        return self.place(suffix, syllables)

    def road(self) -> str:
        """Return an unused road name."""
        return self.place(self._pick(ROAD_SUFFIXES))

    def river(self) -> str:
        """Return an unused river name."""
        return self.place(self._pick(RIVER_SUFFIXES))

    def person(self) -> str:
        """Return a two- or three-character personal name."""
        given = "".join(self._pick(GIVEN_CHARS) for _ in range(int(self._rng.integers(1, 3))))
        return self._pick(SURNAMES) + given

    def phone(self) -> str:
        """Return a well-formed but fake 11-digit mobile number."""
        rest = "".join(str(d) for d in self._rng.integers(0, 10, size=8))
        return self._pick(PHONE_PREFIXES) + rest

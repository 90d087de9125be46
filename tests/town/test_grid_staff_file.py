"""grids.geojson carries each grid's staff as a list of {role, name, phone, username}, and still reads the old text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gis.errors import GisError
from gis.models import GridStaff, StaffRole
from tests.town.test_files import edit_features
from town.files import read_town
from town.models import Town


def test_staff_are_written_as_a_list_of_people_with_roles(town7: Town, town7_files: Path) -> None:
    first = json.loads((town7_files / "grids.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert [person["role"] for person in first["staff"]] == ["head", "member", "member"]
    assert set(first["staff"][0]) == {"role", "name", "phone", "username"}
    assert first["staff"][0]["name"] == town7.grids[0].staff[0].name


def test_the_old_text_form_reads_as_the_grid_head(town_dir: Path) -> None:
    def old_form(features: list[dict[str, Any]]) -> None:
        features[1]["properties"]["staff"] = " 张伟 "
        features[2]["properties"]["staff"] = ""
        del features[3]["properties"]["staff"]

    edit_features(town_dir / "grids.geojson", old_form)
    grids = read_town(town_dir).grids
    assert grids[1].staff == (GridStaff(StaffRole.HEAD, "张伟"),)
    assert grids[2].staff == () and grids[3].staff == ()


@pytest.mark.parametrize(("staff", "message"), [
    ({"name": "张伟"}, r"staff must be a list"),
    (["张伟"], r"staff 1: expected an object with role and name"),
    ([{"role": "mayor", "name": "张伟"}], r"staff 1: role 'mayor' is not one of head, member, inspector"),
    ([{"role": "head", "name": "张伟", "email": "x"}], r"staff 1: unknown field 'email'"),
    ([{"role": "head", "name": "张伟", "phone": 138}], r"staff 1: phone 138 is not text"),
    ([{"role": "head", "name": "甲"}, {"role": "head", "name": "乙"}], r"2 heads"),
    ([{"role": "member", "name": " "}], r"staff 1: name is empty"),
])
def test_bad_staff_are_reported_with_the_feature(town_dir: Path, staff: Any, message: str) -> None:
    def change(features: list[dict[str, Any]]) -> None:
        features[4]["properties"]["staff"] = staff

    edit_features(town_dir / "grids.geojson", change)
    with pytest.raises(GisError, match=r"^grids\.geojson feature 5 \(code \d+\).*" + message):
        read_town(town_dir)

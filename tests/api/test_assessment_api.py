"""GET /api/assessment: JSON and CSV, named periods in Beijing time, scopes, reach and clear 422s."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

import api.routes.assessment as assessment_route
from access.policy import CaseReach

from cases.models import CaseStatus, Platform
from gis.zone import CHINA_TZ
from storage import Store
from tests.api.conftest import login
from tests.factories import make_case, make_grid

# Both are 31 May by UTC's calendar; the second is June by Beijing's, which periods follow.
MAY_LAST = datetime(2024, 5, 31, 23, 30, tzinfo=CHINA_TZ)
JUNE_FIRST = datetime(2024, 6, 1, 0, 10, tzinfo=CHINA_TZ)


def _seed(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("V01", name="东村"), make_grid("V02", name="西村", lon=120.5)])
        rows = [("a", Platform.GOVERNANCE, ("T01", "V01"), CaseStatus.CLOSED, 3.0, True, 5, MAY_LAST),
                ("b", Platform.GOVERNANCE, ("T01", "V02"), CaseStatus.HANDLING, None, None, None, MAY_LAST),
                ("c", Platform.MARKET, ("T01", "V01"), CaseStatus.CLOSED, 9.0, False, 2, MAY_LAST),
                ("d", Platform.MARKET, ("T01", "V01"), CaseStatus.CLOSED, 1.0, True, None, JUNE_FIRST)]
        for title, platform, path, status, wh, on_time, rating, at in rows:
            uow.cases.add(make_case(title, platform=platform, grid_path=path, status=status, handling_wh=wh,
                                    on_time=on_time, satisfaction=rating, created_at=at, updated_at=at))


def test_by_platform_of_a_named_month_in_beijing_time(store: Store, app_client: TestClient) -> None:
    _seed(store)
    answer = app_client.get("/api/assessment", headers=login(app_client, "supervisor"),
                            params={"period": "2024-05", "by": "platform"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["since"] == "2024-05-01T00:00:00+08:00" and body["until"] == "2024-06-01T00:00:00+08:00"
    assert [(r["group"], r["name"], r["received"], r["closed"], r["closure_rate"], r["on_time_rate"])
            for r in body["rows"]] == [("governance", "综治工作 governance", 2, 1, 0.5, 1.0),
                                       ("market", "市场监管 market supervision", 1, 1, 1.0, 0.0)]
    june = app_client.get("/api/assessment", headers=login(app_client, "operator"), params={"period": "2024-06"})
    assert [(r["group"], r["received"]) for r in june.json()["rows"]] == [("total", 1)]


def test_since_until_and_grids_with_names(store: Store, app_client: TestClient) -> None:
    _seed(store)
    answer = app_client.get("/api/assessment", headers=login(app_client, "admin"), params={
        "since": "2024-05-31T00:00:00", "until": "2024-06-02T00:00:00", "by": "grid", "grid_level": 2})
    assert answer.status_code == 200, answer.text
    assert [(r["group"], r["name"], r["received"], r["p90_handling_wh"]) for r in answer.json()["rows"]] == [
        ("V01", "东村", 3, 3.0 + 0.8 * 6.0), ("V02", "西村", 1, None)]
    # Without an offset a time is Beijing time: 1 June there holds only the case of 00:10 (31 May, 16:10 UTC).
    june_first = app_client.get("/api/assessment", headers=login(app_client, "admin"), params={
        "since": "2024-06-01T00:00:00", "until": "2024-06-02T00:00:00"})
    assert [(r["group"], r["received"]) for r in june_first.json()["rows"]] == [("total", 1)]


def test_csv_has_a_bom_a_bilingual_header_and_one_line_per_group(store: Store, app_client: TestClient) -> None:
    _seed(store)
    answer = app_client.get("/api/assessment", headers=login(app_client, "supervisor"),
                            params={"period": "2024-05", "by": "platform", "format": "csv"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="assessment-platform-2024-05.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["分组 group", "名称 name", "受理数 received"] and "办结率 closure rate" in rows[0]
    assert [r[:6] for r in rows[1:]] == [["governance", "综治工作 governance", "2", "1", "0", "0.5"],
                                         ["market", "市场监管 market supervision", "1", "1", "0", "1.0"]]
    assert rows[1][-1] == "5.0" and rows[1][9] == "3.0" and rows[1][10] == "3.0"


def test_only_those_who_assess_may_read_it(store: Store, app_client: TestClient) -> None:
    for user, status in [("admin", 200), ("operator", 200), ("supervisor", 200), ("viewer", 403), ("member", 403),
                         ("staff", 403)]:
        answer = app_client.get("/api/assessment", headers=login(app_client, user), params={"period": "2024"})
        assert answer.status_code == status, (user, answer.text)
    assert app_client.get("/api/assessment").status_code == 401


def test_bad_periods_and_parameters_are_clear_422s(store: Store, app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    cases = {
        "unknown form": ({"period": "May"}, "period 'May': give YYYY"),
        "no such month": ({"period": "2024-13"}, "no such day, week or month"),
        "no such week": ({"period": "2021-W54"}, "2021-W54"),
        "both forms": ({"period": "2024", "since": "2024-01-01T00:00:00"}, "one or the other"),
        "half a range": ({"since": "2024-01-01T00:00:00"}, "give both since and until"),
        "backwards": ({"since": "2024-02-01T00:00:00", "until": "2024-01-01T00:00:00"}, "not after"),
        "too long": ({"since": "2023-01-01T00:00:00", "until": "2024-06-01T00:00:00"}, "at most 366"),
        "level without grid": ({"period": "2024", "grid_level": 2}, "only with by=grid"),
        "bad by": ({"by": "village"}, "by"),
        "bad format": ({"format": "xlsx"}, "format"),
    }
    for name, (params, says) in cases.items():
        answer = app_client.get("/api/assessment", headers=headers, params=params)
        assert answer.status_code == 422 and says in answer.text, (name, answer.text)


def test_reach_bounds_the_figures(store: Store, app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """An assessor bounded to a platform and grids (no such role today: the reach is patched) sees only those cases."""
    _seed(store)
    monkeypatch.setattr(assessment_route, "case_reach",
                        lambda who: CaseReach(platform=Platform.MARKET, grid_codes=("V01",)))
    answer = app_client.get("/api/assessment", headers=login(app_client, "supervisor"),
                            params={"period": "2024-05", "by": "platform"})
    assert [(r["group"], r["received"]) for r in answer.json()["rows"]] == [("market", 1)]


def test_this_month_is_the_default_period(store: Store, app_client: TestClient) -> None:
    answer = app_client.get("/api/assessment", headers=login(app_client, "operator"))
    assert answer.status_code == 200, answer.text
    since = datetime.fromisoformat(answer.json()["since"])
    assert since.day == 1 and since.utcoffset() == timedelta(hours=8)

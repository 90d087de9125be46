"""The alert-linking settings come from the environment at start-up and reach the ingest's use case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.alarm_policy import AlertLinking
from gridwatch.pipeline import Pipeline
from gridwatch.settings import load_settings
from storage import Store


def test_link_radius_and_window_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().alerts.linking() == AlertLinking(radius_m=150.0, window=timedelta(minutes=60))
    monkeypatch.setenv("GRIDWATCH_ALERT_LINK_RADIUS_M", "80")
    monkeypatch.setenv("GRIDWATCH_ALERT_LINK_WINDOW_MIN", "30")
    assert load_settings().alerts.linking() == AlertLinking(radius_m=80.0, window=timedelta(minutes=30))
    monkeypatch.setenv("GRIDWATCH_ALERT_LINK_RADIUS_M", "-1")
    with pytest.raises(ValueError, match="link_radius_m"):
        load_settings()


def test_the_pipeline_uses_the_linking_it_is_given(store: Store) -> None:
    from cases.locator import Locator

    linking = AlertLinking(radius_m=10.0, window=timedelta(minutes=5))
    assert Pipeline(store=store, locator=Locator(), alert_linking=linking).alert_linking == linking
    assert Pipeline(store=store, locator=Locator()).alert_linking == AlertLinking()

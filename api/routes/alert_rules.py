"""Alert rules: read by anyone on the ops side, set by those who hold rules:write; running engines follow."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from alerts.errors import AlertRuleError, AlertRuleNotFound
from alerts.rule_model import AlertRule
from alerts.rule_parse import parse_rule, rule_to_dict
from alerts.rule_service import create_rule, delete_rule, ensure_default_rules, replace_rule
from storage import Store
from api.deps import ClockDep, StoreDep
from api.responses.alert_rules import AlertRuleList, AlertRuleRead
from api.schemas_alert_rules import AlertRuleBody
from api.security import OpsReader, RuleWriter

router = APIRouter(prefix="/api/alert-rules", tags=["alert rules"])


def _rule(body: AlertRuleBody, *, where: str) -> AlertRule:
    return parse_rule(body.model_dump(mode="json", exclude_none=True), where=where)


def _seeded(store: Store, clock: ClockDep) -> None:
    """Seed the shipped rules the first time anyone looks, so a list never shows an unseeded store."""
    with store.read_only() as uow:
        if uow.alert_rules.revision() != 0:
            return
    with store.unit_of_work() as uow:
        ensure_default_rules(rules=uow.alert_rules, at=clock())


@router.get("", response_model=AlertRuleList)
def list_alert_rules(store: StoreDep, clock: ClockDep, _who: OpsReader) -> dict[str, Any]:
    """Return every alert rule by id, with the rules revision."""
    _seeded(store, clock)
    with store.read_only() as uow:
        rules = uow.alert_rules.all()
        revision = uow.alert_rules.revision()
    return {"items": [rule_to_dict(rule) for rule in rules], "revision": revision}


@router.get("/{rule_id}", response_model=AlertRuleRead)
def get_alert_rule(rule_id: str, store: StoreDep, clock: ClockDep, _who: OpsReader) -> dict[str, Any]:
    """Return one alert rule."""
    _seeded(store, clock)
    with store.read_only() as uow:
        rule = uow.alert_rules.get(rule_id)
    if rule is None:
        raise AlertRuleNotFound(f"alert rule {rule_id!r}: no such rule")
    return rule_to_dict(rule)


@router.post("", status_code=201, response_model=AlertRuleRead)
def create_alert_rule(rule_in: AlertRuleBody, store: StoreDep, clock: ClockDep, _who: RuleWriter) -> dict[str, Any]:
    """Add a rule; every ingest takes it on at its next batch, the clock job at its next run."""
    rule = _rule(rule_in, where="request body")
    with store.unit_of_work() as uow:
        create_rule(rules=uow.alert_rules, rule=rule, at=clock())
    return rule_to_dict(rule)


@router.put("/{rule_id}", response_model=AlertRuleRead)
def replace_alert_rule(rule_id: str, rule_in: AlertRuleBody, store: StoreDep, clock: ClockDep,
                       _who: RuleWriter) -> dict[str, Any]:
    """Replace a rule whole; alerts it raised stay raised until the new rule clears them."""
    if rule_in.id != rule_id:
        raise AlertRuleError(f"request body: field 'id': {rule_in.id!r} differs from the path's {rule_id!r}")
    rule = _rule(rule_in, where="request body")
    with store.unit_of_work() as uow:
        replace_rule(rules=uow.alert_rules, rule=rule, at=clock())
    return rule_to_dict(rule)


@router.delete("/{rule_id}", status_code=204, response_class=Response)
def delete_alert_rule(rule_id: str, store: StoreDep, clock: ClockDep, _who: RuleWriter) -> Response:
    """Remove a rule; the engines clear the alerts it had raised at their next evaluation."""
    with store.unit_of_work() as uow:
        delete_rule(rules=uow.alert_rules, rule_id=rule_id, at=clock())
    return Response(status_code=204)

"""Rules as people edit them: seed the defaults once, create, replace, delete; load the engine from the store."""

from __future__ import annotations

from datetime import datetime

from alerts.errors import AlertRuleExists, AlertRuleNotFound
from alerts.rule_engine import RuleEngine
from alerts.rule_model import AlertRule
from alerts.rule_parse import default_rules
from alerts.rule_repository import AlertRuleRepository, RuleStateRepository


def ensure_default_rules(*, rules: AlertRuleRepository, at: datetime) -> int:
    """Store the shipped rules if the store never held any; return how many were added.

    Revision 0 means no rule was ever written: once an operator deletes every rule, they stay deleted.
    """
    if rules.revision() != 0 or rules.all():
        return 0
    return sum(rules.add(rule, at=at) for rule in default_rules())


def create_rule(*, rules: AlertRuleRepository, rule: AlertRule, at: datetime) -> AlertRule:
    """Store a new rule; its id must be free."""
    ensure_default_rules(rules=rules, at=at)
    if not rules.add(rule, at=at):
        raise AlertRuleExists(f"alert rule {rule.id!r} already exists; PUT /api/alert-rules/{rule.id} replaces it")
    return rule


def replace_rule(*, rules: AlertRuleRepository, rule: AlertRule, at: datetime) -> AlertRule:
    """Overwrite a stored rule; the running engines take it on at their next batch."""
    ensure_default_rules(rules=rules, at=at)
    if not rules.replace(rule, at=at):
        raise AlertRuleNotFound(f"alert rule {rule.id!r}: no such rule")
    return rule


def delete_rule(*, rules: AlertRuleRepository, rule_id: str, at: datetime) -> None:
    """Remove a rule; engines clear its open alerts at their next evaluation."""
    ensure_default_rules(rules=rules, at=at)
    if not rules.delete(rule_id):
        raise AlertRuleNotFound(f"alert rule {rule_id!r}: no such rule")


def load_engine(*, rules: AlertRuleRepository, states: RuleStateRepository, at: datetime) -> RuleEngine:
    """Return an engine with the stored rules (seeded with the defaults when never set) and every stored state."""
    ensure_default_rules(rules=rules, at=at)
    return RuleEngine(rules.all(), states.all(), revision=rules.revision(), states_revision=states.revision())


def refresh_states(engine: RuleEngine, *, states: RuleStateRepository) -> bool:
    """Reload the engine's states when another process changed some since; return whether it did.

    Several ingest workers share one subscription, so one device's readings reach any of them, and the clock
    job writes silence states: each batch compares the store's counter (one tiny query) with its own.
    """
    revision = states.revision()
    if revision == engine.states_revision:
        return False
    engine.replace_states(states.all(), revision=revision)
    return True


def refresh_rules(engine: RuleEngine, *, rules: AlertRuleRepository) -> bool:
    """Reload the engine's rules when the store's revision moved; return whether it did (one tiny query if not)."""
    revision = rules.revision()
    if revision == engine.revision:
        return False
    engine.replace_rules(rules.all(), revision=revision)
    return True

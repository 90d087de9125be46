"""The store the rules engine needs: the rules people set and each rule's state per subject."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from alerts.rule_model import AlertRule
from alerts.rule_state import RuleState, StateKey


class AlertRuleRepository(Protocol):
    def all(self) -> list[AlertRule]:
        """Return every stored rule by id (a stored rule that no longer validates is logged and left out)."""
        ...

    def get(self, rule_id: str) -> AlertRule | None: ...
    def add(self, rule: AlertRule, *, at: datetime) -> bool:
        """Store a new rule; return False when its id is taken."""
        ...

    def replace(self, rule: AlertRule, *, at: datetime) -> bool:
        """Overwrite the rule with the same id; return False when there is none."""
        ...

    def delete(self, rule_id: str) -> bool:
        """Remove a rule; return False when there was none."""
        ...

    def revision(self) -> int:
        """Return a number that changes whenever any rule changes (0: rules were never written)."""
        ...


class RuleStateRepository(Protocol):
    def all(self) -> dict[StateKey, RuleState]:
        """Return every stored (rule, subject) state."""
        ...

    def save(self, changed: Mapping[StateKey, RuleState | None], *, at: datetime) -> None:
        """Write changed states; None removes the row (the subject is idle again)."""
        ...

    def revision(self) -> int:
        """Return a number that moves once per committed transaction that changed any state."""
        ...

    def last_reports(self) -> dict[str, datetime]:
        """Return the time of the newest reading of each registered device that has one."""
        ...

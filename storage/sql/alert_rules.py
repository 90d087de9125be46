"""Alert rules as JSON rows (bumping the rules revision), and each rule's state per subject."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from alerts.errors import AlertRuleError
from alerts.rule_model import AlertRule
from alerts.rule_parse import parse_rule, rule_to_dict
from alerts.rule_state import RuleState, StateKey
from storage.revisions import PendingRevisions
from storage.sql.db import Db, upsert_set

logger = logging.getLogger(__name__)

ALERT_RULES = "alert_rules"  # the revision counter every engine polls once per batch
ALERT_RULE_STATES = "alert_rule_states"  # moves once per transaction that changed states


class SqlAlertRuleRepository:
    """AlertRuleRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._revisions = pending

    def _rule(self, row: Any) -> AlertRule | None:
        try:
            return parse_rule(json.loads(row["definition"]), where=f"table alert_rules, row {row['id']!r}")
        except (AlertRuleError, ValueError) as exc:
            # A rule stored under older validation: skip it rather than stop every engine.
            logger.error("alert rule left out: %s", exc)
            return None

    def all(self) -> list[AlertRule]:
        """Return every stored rule that validates, ordered by id."""
        rules = (self._rule(r) for r in self._db.execute("SELECT id, definition FROM alert_rules ORDER BY id"))
        return [rule for rule in rules if rule is not None]

    def get(self, rule_id: str) -> AlertRule | None:
        """Return the rule, or None."""
        row = self._db.one("SELECT id, definition FROM alert_rules WHERE id = ?", (rule_id,))
        return None if row is None else self._rule(row)

    def _params(self, rule: AlertRule, at: datetime) -> tuple[Any, ...]:
        return (rule.id, json.dumps(rule_to_dict(rule), sort_keys=True, ensure_ascii=False),
                self._db.dialect.time_to_db(at, where=f"alert rule {rule.id}.updated_at"))

    def add(self, rule: AlertRule, *, at: datetime) -> bool:
        """Store a new rule; return False when its id is taken."""
        written = self._db.execute("INSERT INTO alert_rules (id, definition, updated_at) VALUES (?, ?, ?)"
                                   " ON CONFLICT (id) DO NOTHING", self._params(rule, at)).rowcount
        if written:
            self._revisions.touch(ALERT_RULES)
        return bool(written)

    def replace(self, rule: AlertRule, *, at: datetime) -> bool:
        """Overwrite the rule with the same id; return False when there is none."""
        rule_id, definition, updated_at = self._params(rule, at)
        written = self._db.execute("UPDATE alert_rules SET definition = ?, updated_at = ? WHERE id = ?",
                                   (definition, updated_at, rule_id)).rowcount
        if written:
            self._revisions.touch(ALERT_RULES)
        return bool(written)

    def delete(self, rule_id: str) -> bool:
        """Remove a rule; return False when there was none."""
        written = self._db.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,)).rowcount
        if written:
            self._revisions.touch(ALERT_RULES)
        return bool(written)

    def revision(self) -> int:
        """Return a number that changes whenever any rule changes."""
        return self._revisions.current(ALERT_RULES)


class SqlRuleStateRepository:
    """RuleStateRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._revisions = pending

    def all(self) -> dict[StateKey, RuleState]:
        """Return every stored state."""
        rows = self._db.execute("SELECT rule_id, subject_id, state FROM alert_rule_states")
        return {(r["rule_id"], r["subject_id"]): RuleState.from_json(json.loads(r["state"])) for r in rows}

    def save(self, changed: Mapping[StateKey, RuleState | None], *, at: datetime) -> None:
        """Upsert the changed states and delete the idle ones, one statement each."""
        if not changed:
            return
        # Bumped once at commit, however many saves: an engine that wrote expects exactly +1, so any other
        # process's write (another ingest worker, the clock job) shows as a jump and makes it reload.
        self._revisions.touch(ALERT_RULE_STATES)
        stamp = self._db.dialect.time_to_db(at, where="alert rule state.updated_at")
        gone = [key for key, state in changed.items() if state is None]
        kept = [(*key, json.dumps(state.to_json()), stamp) for key, state in changed.items() if state is not None]
        self._db.many("DELETE FROM alert_rule_states WHERE rule_id = ? AND subject_id = ?", gone)
        self._db.many("INSERT INTO alert_rule_states (rule_id, subject_id, state, updated_at) VALUES (?, ?, ?, ?)"
                      f" ON CONFLICT (rule_id, subject_id) DO UPDATE SET {upsert_set(('state', 'updated_at'))}",
                      kept)

    def revision(self) -> int:
        """Return a number that moves once per committed transaction that changed any state."""
        return self._revisions.current(ALERT_RULE_STATES)

    def last_reports(self) -> dict[str, datetime]:
        """Return each registered device's newest reading time: one probe of the (device_id, ts) key per device."""
        rows = self._db.execute("SELECT d.id AS id, (SELECT max(r.ts) FROM readings r WHERE r.device_id = d.id)"
                                " AS newest FROM devices d")
        return {r["id"]: self._db.dialect.time_from_db(r["newest"]) for r in rows if r["newest"] is not None}

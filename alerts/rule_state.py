"""What a rule remembers about one subject between messages, and the one step every condition takes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from alerts.models import Severity
from alerts.rule_model import severity_rank
from alerts.signals import SignalKind

StateKey = tuple[str, str]  # (rule id, subject id)


@dataclass(frozen=True, slots=True)
class RuleState:
    """A rule's memory of one subject; an idle subject has none (no row in the store).

    pending_since: the raise condition holds since then (sustained rules wait for_s); clear_since: the clear
    condition holds since then (the rule waits its clear delay). What a clear needs (who, where) is kept from the
    raise, so a clear on the clock or after the rule's removal needs no reading.
    """

    active: bool = False
    pending_since: datetime | None = None
    clear_since: datetime | None = None
    raised_at: datetime | None = None
    severity: Severity = Severity.WARNING
    subject_kind: str = ""
    subject_name: str = ""
    metric: str = ""
    limit: float = 0.0
    lon: float = 0.0
    lat: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the state as JSON-ready data."""
        return {"active": self.active, "pending_since": _iso(self.pending_since),
                "clear_since": _iso(self.clear_since), "raised_at": _iso(self.raised_at),
                "severity": str(self.severity), "subject_kind": self.subject_kind, "subject_name": self.subject_name,
                "metric": self.metric, "limit": self.limit, "lon": self.lon, "lat": self.lat}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RuleState:
        """Return the state stored as data by to_json."""
        return cls(active=bool(data.get("active")), pending_since=_time(data.get("pending_since")),
                   clear_since=_time(data.get("clear_since")), raised_at=_time(data.get("raised_at")),
                   severity=Severity(data.get("severity", Severity.WARNING)),
                   subject_kind=str(data.get("subject_kind", "")), subject_name=str(data.get("subject_name", "")),
                   metric=str(data.get("metric", "")), limit=float(data.get("limit", 0.0)),
                   lon=float(data.get("lon", 0.0)), lat=float(data.get("lat", 0.0)))


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _time(text: Any) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class Step:
    """What one observation did: the new state (None: idle) and the signal to send, if any."""

    state: RuleState | None
    signal: SignalKind | None


def step(state: RuleState | None, *, past_raise: bool, past_clear: bool, at: datetime, for_s: float,
         clear_delay_s: float, raised: RuleState) -> Step:
    """Advance one condition: raise after for_s past the raise limit, clear after clear_delay_s past the clear limit.

    Between the two limits (the hysteresis band) an active alert stays raised and a pending clear is dropped;
    an inactive one stays idle. raised is the state to keep once the alert is raised (who, where, severity).
    """
    if state is None or not state.active:
        if not past_raise:
            # Idle, or a sustained wait broken before its time: back to idle.
            return Step(None, None)
        pending = state.pending_since if state is not None and state.pending_since is not None else at
        if (at - pending).total_seconds() >= for_s:
            return Step(replace(raised, active=True, pending_since=None, clear_since=None, raised_at=at),
                        SignalKind.RAISE)
        return Step(state if state is not None and state.pending_since is not None else RuleState(pending_since=at),
                    None)
    if past_raise:
        # The state keeps the gravest severity seen (a clear names it); a milder reading changes nothing stored.
        graver = severity_rank(raised.severity) > severity_rank(state.severity)
        kept = state if state.clear_since is None and not graver else replace(
            state, clear_since=None, severity=raised.severity if graver else state.severity)
        return Step(kept, SignalKind.UPDATE)
    if past_clear:
        since = state.clear_since or at
        if (at - since).total_seconds() >= clear_delay_s:
            return Step(None, SignalKind.CLEAR)
        return Step(state if state.clear_since is not None else replace(state, clear_since=at), None)
    # In the band: still raised; a clear that had begun waits for the value to pass the clear limit again.
    return Step(state if state.clear_since is None else replace(state, clear_since=None), None)


def due_clear(state: RuleState, *, now: datetime, clear_delay_s: float) -> bool:
    """Return whether an active state whose clear began has waited out its clear delay by now."""
    return (state.active and state.clear_since is not None
            and (now - state.clear_since).total_seconds() >= clear_delay_s)

"""The closed loop: each step allowed only from its status, with reasons when refused."""

from __future__ import annotations

import pytest

from cases.errors import IllegalTransition
from cases.lifecycle import Action, allowed_actions, next_status
from cases.models import CaseStatus as S


def test_the_whole_loop_runs_in_order() -> None:
    status = S.REPORTED
    for action, expected in [(Action.ACCEPT, S.REGISTERED), (Action.DISPATCH, S.DISPATCHED),
                             (Action.START, S.IN_PROGRESS), (Action.FEEDBACK, S.HANDLED), (Action.VERIFY, S.VERIFIED),
                             (Action.CLOSE, S.CLOSED), (Action.EVALUATE, S.EVALUATED)]:
        status = next_status(action, status, case_id=1)
        assert status is expected


def test_failed_verification_returns_the_case_for_rework_and_start_resumes_it() -> None:
    assert next_status(Action.VERIFY, S.HANDLED, passed=False) is S.RETURNED
    assert next_status(Action.START, S.RETURNED) is S.IN_PROGRESS


def test_the_standard_names_are_the_stored_values() -> None:
    assert (S.REGISTERED, S.IN_PROGRESS, S.HANDLED) == (S.ACCEPTED, S.HANDLING, S.FED_BACK)
    assert [s.value for s in (S.REGISTERED, S.IN_PROGRESS, S.HANDLED)] == ["accepted", "handling", "fed_back"]


def test_dispatch_from_a_closed_case_names_the_statuses_it_needs() -> None:
    with pytest.raises(IllegalTransition, match=r"case 12 is 'closed'; 'dispatch' needs 'accepted' or 'routed'"):
        next_status(Action.DISPATCH, S.CLOSED, case_id=12)


def test_side_roads_end_or_reopen_the_case() -> None:
    assert next_status(Action.REJECT, S.REPORTED) is S.REJECTED
    assert next_status(Action.MERGE, S.IN_PROGRESS) is S.MERGED
    assert next_status(Action.ESCALATE, S.ROUTED) is S.ESCALATED
    for finished in (S.CLOSED, S.EVALUATED, S.REJECTED):
        assert next_status(Action.REOPEN, finished) is S.REGISTERED
    with pytest.raises(IllegalTransition, match="'merged'; 'reopen' needs 'closed' or 'evaluated' or 'rejected'"):
        next_status(Action.REOPEN, S.MERGED)


def test_closing_before_verification_is_refused_with_the_reason() -> None:
    with pytest.raises(IllegalTransition, match=r"case 7 is 'dispatched'; 'close' needs 'verified'"):
        next_status(Action.CLOSE, S.DISPATCHED, case_id=7)


def test_allowed_actions_follow_the_table() -> None:
    assert allowed_actions(S.REPORTED) == [Action.ACCEPT, Action.ROUTE, Action.REJECT, Action.ESCALATE, Action.MERGE]
    assert allowed_actions(S.CLOSED) == [Action.EVALUATE, Action.REOPEN]
    assert allowed_actions(S.MERGED) == [] and allowed_actions(S.ESCALATED) == [Action.HAND_BACK]

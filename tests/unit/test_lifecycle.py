"""The closed loop: each step allowed only from its status, with reasons when refused."""

from __future__ import annotations

import pytest

from cases.errors import IllegalTransition
from cases.lifecycle import Action, allowed_actions, next_status
from cases.models import CaseStatus as S


def test_the_whole_loop_runs_in_order() -> None:
    status = S.REPORTED
    for action, expected in [(Action.ACCEPT, S.ACCEPTED), (Action.DISPATCH, S.DISPATCHED), (Action.START, S.HANDLING),
                             (Action.FEEDBACK, S.FED_BACK), (Action.VERIFY, S.VERIFIED), (Action.CLOSE, S.CLOSED),
                             (Action.EVALUATE, S.CLOSED)]:
        status = next_status(action, status, case_id=1)
        assert status is expected


def test_failed_verification_sends_the_case_back_to_handling() -> None:
    assert next_status(Action.VERIFY, S.FED_BACK, passed=False) is S.HANDLING


def test_closing_before_verification_is_refused_with_the_reason() -> None:
    with pytest.raises(IllegalTransition, match=r"case 7 is 'dispatched'; 'close' needs 'verified'"):
        next_status(Action.CLOSE, S.DISPATCHED, case_id=7)


def test_allowed_actions_follow_the_table() -> None:
    assert allowed_actions(S.REPORTED) == [Action.ACCEPT, Action.ROUTE]
    assert allowed_actions(S.CLOSED) == [Action.EVALUATE]

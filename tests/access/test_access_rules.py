"""Pure access rules: passwords, tokens, lockout, rate limits, object-level policy and masking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from access.errors import Forbidden, InvalidAccount, NotAuthenticated, RateLimited
from access.models import Principal, Role
from access.passwords import check_strength, hash_password, verify_password
from access.policy import can_see_case, check_action, mask_phone, redact_case
from access.ratelimit import RateLimiter
from access.tokens import TokenPolicy, issue_access_token, issue_stream_ticket, read_token
from cases.lifecycle import Action
from cases.models import Platform
from tests.factories import make_case

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
POLICY = TokenPolicy(secret="test-secret-0123456789-0123456789")


def test_weak_passwords_are_refused_and_strong_ones_hash_and_verify() -> None:
    for weak in ("short1A", "alllowercaseletters", "1234567890123"):
        with pytest.raises(InvalidAccount, match="password"):
            check_strength(weak)
    hashed = hash_password("Gridwatch-2026")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "Gridwatch-2026") and not verify_password(hashed, "gridwatch-2026")


def test_access_token_round_trips_the_principal_and_expires() -> None:
    who = Principal("li", Role.PLATFORM_MEMBER, platform=Platform.MARKET, team_id="T-MKT-01", session_id="s1")
    token = issue_access_token(POLICY, who, now=NOW)
    assert read_token(POLICY, token, typ="access", now=NOW + timedelta(minutes=5)) == who
    with pytest.raises(NotAuthenticated, match="expired"):
        read_token(POLICY, token, typ="access", now=NOW + timedelta(minutes=11))


def test_a_stream_ticket_is_not_an_access_token_and_forgeries_fail() -> None:
    who = Principal("op", Role.OPERATOR)
    ticket = issue_stream_ticket(POLICY, who, now=NOW)
    with pytest.raises(NotAuthenticated, match="cannot be used as access"):
        read_token(POLICY, ticket, typ="access", now=NOW)
    forged = issue_access_token(TokenPolicy(secret="another-secret-0123456789-0123456789"), who, now=NOW)
    with pytest.raises(NotAuthenticated, match="token"):
        read_token(POLICY, forged, typ="access", now=NOW)


def test_rate_limiter_allows_a_burst_then_refuses_until_refilled() -> None:
    clock = [0.0]
    limiter = RateLimiter(name="login", rate_per_s=1.0, burst=3, clock=lambda: clock[0])
    for _ in range(3):
        limiter.hit("1.2.3.4")
    with pytest.raises(RateLimited) as refused:
        limiter.hit("1.2.3.4")
    assert refused.value.retry_after_s == 1
    limiter.hit("5.6.7.8")
    clock[0] = 1.0
    limiter.hit("1.2.3.4")


def test_platform_member_sees_only_their_platform_and_works_only_their_teams_cases() -> None:
    member = Principal("li", Role.PLATFORM_MEMBER, platform=Platform.MARKET, team_id="T-MKT-01")
    own = make_case(platform=Platform.MARKET, id=1)
    other_team = make_case(platform=Platform.MARKET, id=2)
    foreign = make_case(platform=Platform.ENFORCEMENT, id=3)
    assert can_see_case(member, own) and can_see_case(member, other_team) and not can_see_case(member, foreign)
    check_action(member, own, Action.START, assigned_teams={"T-MKT-01"})
    with pytest.raises(Forbidden, match="team dispatched"):
        check_action(member, other_team, Action.START, assigned_teams={"T-MKT-02"})
    with pytest.raises(Forbidden, match="team dispatched"):
        check_action(member, own, Action.START)  # its team's assignment has ended
    with pytest.raises(Forbidden, match="may not 'dispatch'"):
        check_action(member, own, Action.DISPATCH, assigned_teams={"T-MKT-01"})


def test_grid_staff_see_cases_of_their_grids_only() -> None:
    staff = Principal("wang", Role.GRID_STAFF, grid_codes=("321283101001",))
    assert can_see_case(staff, make_case(grid_path=("321283101", "321283101001", "321283101001002")))
    assert not can_see_case(staff, make_case(grid_path=("321283101", "321283101002", "321283101002001")))


def test_viewers_get_personal_data_masked() -> None:
    fields = {"reporter": "张小明", "reporter_phone": "13812345678", "title": "x"}
    assert redact_case(Principal("v", Role.VIEWER), fields) == {"reporter": "张**", "reporter_phone": "138****5678", "title": "x"}
    assert redact_case(Principal("o", Role.OPERATOR), fields) == fields
    assert mask_phone("12345") == "*****"


def test_supervisor_reads_but_cannot_dispatch() -> None:
    with pytest.raises(Forbidden):
        check_action(Principal("s", Role.SUPERVISOR), make_case(id=9), Action.DISPATCH)

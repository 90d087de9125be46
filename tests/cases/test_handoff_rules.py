"""The city hand-off's pure rules: the signature, what an answer means, the backoff, and what the city is told."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import timedelta

import pytest

from cases.handoff.errors import BadSignature
from cases.handoff.payloads import escalation_payload
from cases.handoff.retry import RetryPolicy, Verdict, verdict_for
from cases.handoff.signing import signature, signed_headers, verify
from cases.models import CaseEvent, CaseStatus
from tests.factories import T0, at, make_case

SECRET = "shared-with-the-city"
BODY = '{"kind":"status","message_id":"m-1"}'.encode()
WINDOW = timedelta(minutes=5)


def test_the_signature_is_hmac_sha256_hex_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1714550400." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, 1714550400, BODY) == f"sha256={expected}"
    assert signed_headers(SECRET, BODY, now=T0) == {"X-Gridwatch-Timestamp": str(int(T0.timestamp())),
                                                    "X-Gridwatch-Signature": f"sha256={expected}"}


def test_a_signed_body_within_the_window_verifies() -> None:
    headers = signed_headers(SECRET, BODY, now=T0)
    verify(SECRET, BODY, timestamp=headers["X-Gridwatch-Timestamp"], signed=headers["X-Gridwatch-Signature"],
           now=T0 + WINDOW, window=WINDOW)


@pytest.mark.parametrize(("change", "message"), [
    ({"body": BODY + b" "}, "X-Gridwatch-Signature': does not match"),
    ({"secret": "guessed"}, "does not match"),
    ({"signed": None}, "X-Gridwatch-Signature': missing"),
    ({"timestamp": None}, "X-Gridwatch-Timestamp': missing"),
    ({"timestamp": "yesterday"}, "Unix seconds"),
    ({"now": T0 + WINDOW + timedelta(seconds=1)}, "301 s from the server's time"),
    ({"now": T0 - WINDOW - timedelta(seconds=1)}, "301 s from the server's time"),
    ({"secret": ""}, "no shared secret"),
])
def test_a_changed_body_wrong_secret_missing_header_or_stale_time_is_refused(change: dict, message: str) -> None:
    headers = signed_headers(SECRET, BODY, now=T0)
    args = {"secret": SECRET, "body": BODY, "timestamp": headers["X-Gridwatch-Timestamp"],
            "signed": headers["X-Gridwatch-Signature"], "now": T0, **change}
    with pytest.raises(BadSignature, match=message):
        verify(args["secret"], args["body"], timestamp=args["timestamp"], signed=args["signed"], now=args["now"],
               window=WINDOW)


@pytest.mark.parametrize(("status", "verdict"), [
    (200, Verdict.DELIVERED), (202, Verdict.DELIVERED), (204, Verdict.DELIVERED),
    (400, Verdict.GIVE_UP), (401, Verdict.GIVE_UP), (404, Verdict.GIVE_UP), (422, Verdict.GIVE_UP),
    (408, Verdict.RETRY), (429, Verdict.RETRY), (500, Verdict.RETRY), (503, Verdict.RETRY), (302, Verdict.RETRY),
    (None, Verdict.RETRY),
])
def test_what_an_answer_means(status: int | None, verdict: Verdict) -> None:
    assert verdict_for(status) is verdict


def test_backoff_doubles_from_the_base_is_capped_and_jitters_within_its_upper_half() -> None:
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=10), max_attempts=8)
    assert [policy.delay(n, lambda: 1.0).total_seconds() for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]
    assert [policy.delay(n, lambda: 0.0).total_seconds() for n in (1, 2, 7)] == [15, 30, 300]
    seeded = random.Random(11)
    delays = [policy.delay(3, seeded.random).total_seconds() for _ in range(200)]
    assert all(60 <= d <= 120 for d in delays) and len(set(delays)) > 100


def test_the_next_attempt_is_now_plus_the_delay_until_the_attempts_are_spent() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(hours=1), max_attempts=3)
    assert policy.next_attempt(1, now=T0, rand=lambda: 0.5) == T0 + timedelta(seconds=7.5)
    assert policy.next_attempt(2, now=T0, rand=lambda: 0.5) == T0 + timedelta(seconds=15)
    assert policy.next_attempt(3, now=T0, rand=lambda: 0.5) is None


def test_the_city_is_told_what_and_where_and_why_but_not_who_reported() -> None:
    case = make_case(id=7, description="井盖缺失，已围挡", reporter="张三", reporter_phone="13800000000",
                     status=CaseStatus.ESCALATED, priority="high")
    photo = CaseEvent(case_id=7, action="attach", actor="staff", at=at(1), from_status=CaseStatus.REPORTED,
                      to_status=CaseStatus.REPORTED, data={"sha256": "ab" * 32, "content_type": "image/jpeg",
                                                           "size": 1024, "ext": ".jpg"})
    escalation = CaseEvent(case_id=7, action="escalate", actor="operator", at=at(5), from_status=CaseStatus.REPORTED,
                           to_status=CaseStatus.ESCALATED, note="市政管网归市水务", role="operator", id=31,
                           attachments=("https://files.example/plan.pdf",))
    payload = escalation_payload(case, escalation, [photo, escalation])
    assert payload["idempotency_key"] == "gridwatch-case-7-escalation-31" and payload["reason"] == "市政管网归市水务"
    assert payload["case"]["reported_at"] == T0.isoformat() and payload["escalated_at"] == at(5).isoformat()
    assert (payload["case"]["lon"], payload["case"]["lat"], payload["case"]["crs"]) == (case.lon, case.lat,
                                                                                        "EPSG:4326")
    assert [a["url"] for a in payload["attachments"]] == [f"/api/cases/7/attachments/{'ab' * 32}",
                                                          "https://files.example/plan.pdf"]
    text = repr(payload)
    assert "张三" not in text and "13800000000" not in text and "reporter" not in text

"""The reporter-notices job: send the notices the loop recorded, through the notifier, one at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from cases.notifier import Notifier, NotifierError, OutgoingNotice
from cases.ratings import issue_rating_token
from cases.reporters import ReporterNotice
from storage import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NoticeDelivery:
    """How a notice is sent: the public address rating links start with, retries, notices per run."""

    link_base: str
    max_attempts: int = 5
    batch: int = 200

    def rating_link(self, token: str) -> str:
        """Return the public rating page of a token."""
        return f"{self.link_base.rstrip('/')}/rate/{token}"


def deliver_reporter_notices(store: Store, notifier: Notifier, delivery: NoticeDelivery, *, now: datetime) -> str:
    """Send each pending notice; a sent one is marked, and a handled or closed one counts as the reporter's feedback.

    Each notice is sent between two short transactions, never inside one, so a slow gateway holds no lock. A
    closed case's notice gets a fresh rating link just before it is sent (only the token's hash is stored; an
    earlier link of that reporter stops working). Delivery is at least once: a crash after the gateway took a
    message and before it was marked sends it again at the next run.
    """
    with store.read_only() as uow:
        pending = uow.reporter_notices.pending(max_attempts=delivery.max_attempts, limit=delivery.batch)
    sent = failed = 0
    for notice in pending:
        outgoing = _prepare(store, notice, delivery)
        if outgoing is None:
            continue
        try:
            notifier.send(outgoing)
        except NotifierError as exc:
            failed += 1
            logger.warning("reporter notice %s of case %s not sent: %s", notice.id, notice.case_id, exc)
            with store.unit_of_work() as uow:
                uow.reporter_notices.mark_failed(notice.id, error=str(exc))  # type: ignore[arg-type]
            continue
        with store.unit_of_work() as uow:
            if uow.reporter_notices.mark_sent(notice.id, at=now):  # type: ignore[arg-type]
                uow.reporters.mark_notified(notice.reporter_id, kind=notice.kind, at=now)
        sent += 1
    more = ", more waiting" if len(pending) == delivery.batch else ""
    return f"{sent} reporter notices sent, {failed} failed{more}"


def _prepare(store: Store, notice: ReporterNotice, delivery: NoticeDelivery) -> OutgoingNotice | None:
    """Return the message for a notice, minting its rating link when it wants one and the reporter has not rated."""
    notice_id: int = notice.id  # type: ignore[assignment]
    with store.unit_of_work() as uow:
        reporter = uow.reporters.get(notice.reporter_id)
        if reporter is None:
            return None
        text = notice.text
        if notice.wants_rating and reporter.rated_at is None:
            token = issue_rating_token(uow.reporters, notice.reporter_id)
            text += f"评价链接：{delivery.rating_link(token)}"
    return OutgoingNotice(notice_id=notice_id, case_id=notice.case_id, reporter_id=notice.reporter_id,
                          name=reporter.name, phone=reporter.phone, kind=str(notice.kind), text=text)

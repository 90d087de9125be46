"""The port a reporter notice leaves by: an SMS or WeChat gateway implements Notifier (gridwatch/notifiers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class NotifierError(RuntimeError):
    """The gateway did not take the message; the notice is tried again at the next run."""


@dataclass(frozen=True, slots=True)
class OutgoingNotice:
    """One message to one reporter: whom (name, phone), what (text, with any rating link), and which notice it is."""

    notice_id: int
    case_id: int
    reporter_id: int
    name: str
    phone: str
    kind: str
    text: str


class Notifier(Protocol):
    def send(self, notice: OutgoingNotice) -> None:
        """Deliver the message or raise NotifierError; a return means the gateway accepted it."""
        ...

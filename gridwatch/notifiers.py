"""Notifiers this machine can run: the log, or a JSON-lines file another program sends from.

A real SMS or WeChat gateway is one more class with a send(OutgoingNotice) that raises NotifierError when the
gateway refuses; notifier_from_settings is where it would be chosen by a setting.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from cases.notifier import Notifier, NotifierError, OutgoingNotice

logger = logging.getLogger(__name__)


class LoggingNotifier:
    """Write each notice to the log (no gateway on this machine): who would get what."""

    def send(self, notice: OutgoingNotice) -> None:
        """Log the notice with the phone masked (the log is no place for personal data)."""
        phone = notice.phone[:3] + "****" + notice.phone[-4:] if len(notice.phone) > 7 else "****"
        logger.info("reporter notice %s (case %s, %s) to %s: %s", notice.notice_id, notice.case_id, notice.kind,
                    phone, notice.text)


class FileNotifier:
    """Append each notice as one JSON line to a file that an SMS or WeChat sender reads (the outbox's hand-off)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, notice: OutgoingNotice) -> None:
        """Append the notice; a file that cannot be written is a gateway that refused."""
        line = json.dumps({"notice_id": notice.notice_id, "case_id": notice.case_id,
                           "reporter_id": notice.reporter_id, "name": notice.name, "phone": notice.phone,
                           "kind": notice.kind, "text": notice.text}, ensure_ascii=False)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
        except OSError as exc:
            raise NotifierError(f"notice file {self.path}: {exc}") from exc


def notifier_for(path: Path | None) -> Notifier:
    """Return the file notifier when a file is named, else the logging one."""
    return FileNotifier(path) if path is not None else LoggingNotifier()

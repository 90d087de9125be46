"""Errors of the city hand-off, as kinds of the cases package's errors (so the API maps them in one place)."""

from cases.errors import CaseError, CaseNotFound, IllegalTransition


class BadSignature(CaseError):
    """A message from the city whose signature is missing, wrong or too old; the message says which header."""


class OutboxNotFound(CaseNotFound):
    """No outbox message with that id."""


class OutboxConflict(IllegalTransition):
    """The outbox message is not in the state the request needs (only a failed one is retried)."""

"""The errors of the access package, one class per answer the API gives."""


class AccessError(Exception):
    """Base of access errors; the message says what was refused and why."""


class NotAuthenticated(AccessError):
    """No valid credentials (401)."""


class Forbidden(AccessError):
    """Authenticated, but the role may not do this (403)."""


class AccountLocked(AccessError):
    """Too many failed logins; the account is locked for a while (423)."""


class RateLimited(AccessError):
    """Too many requests from one client (429); retry_after_s says when to come back."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidAccount(AccessError, ValueError):
    """An account or password that cannot be created as given (422)."""

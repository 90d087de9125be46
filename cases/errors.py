"""The one error class of the cases package, with the kinds the API maps to statuses."""


class CaseError(ValueError):
    """A case operation that cannot be done; the message says which case and why."""


class CaseNotFound(CaseError):
    """No case, team or grid with that id."""


class IllegalTransition(CaseError):
    """The step is not allowed from the case's current status."""


class NoTeamAvailable(CaseError):
    """No available team of the platform could be dispatched."""


class VersionConflict(CaseError):
    """The step named a version of the case that is no longer current: someone changed it first."""

    def __init__(self, message: str, *, version: int, status: str) -> None:
        super().__init__(message)
        self.version = version
        self.status = status


class AlreadyRated(IllegalTransition):
    """The reporter has already rated the outcome (a link rates once)."""


class RatingLinkNotFound(CaseNotFound):
    """No reporter holds this rating link (never issued, replaced, or mistyped)."""

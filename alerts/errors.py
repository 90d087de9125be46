"""The error classes of the alerts package."""


class AlertError(ValueError):
    """An alert operation that cannot be done; the message says which alert and why."""


class AlertNotFound(AlertError):
    """No alert with that id."""


class AlertConflict(AlertError):
    """The alert's state forbids the step (acknowledging a cleared or an acknowledged alert)."""

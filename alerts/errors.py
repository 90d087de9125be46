"""The one error class of the alerts package."""


class AlertError(ValueError):
    """An alert operation that cannot be done; the message says which alert and why."""

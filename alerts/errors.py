"""The error classes of the alerts package."""


class AlertError(ValueError):
    """An alert operation that cannot be done; the message says which alert and why."""


class AlertNotFound(AlertError):
    """No alert with that id."""


class AlertConflict(AlertError):
    """The alert's state forbids the step (acknowledging a cleared or an acknowledged alert)."""


class AlertRuleError(AlertError):
    """A rule that does not validate; the message names the file or request, the rule id and the field."""


class AlertRuleNotFound(AlertError):
    """No rule has this id."""


class AlertRuleExists(AlertError):
    """A rule with this id already exists."""

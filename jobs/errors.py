"""The one error class of the jobs package."""


class JobError(ValueError):
    """A job that cannot be scheduled as described; the message names the job and the field."""

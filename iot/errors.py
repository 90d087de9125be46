"""The one error class of the iot package."""


class IngestError(ValueError):
    """A message that cannot be ingested; the message names the topic and the field at fault."""

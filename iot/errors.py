"""The error classes of the iot package."""


class IngestError(ValueError):
    """A message that cannot be ingested; the message names the topic and the field at fault."""


class DeviceError(ValueError):
    """A device record that breaks a rule of the registry; the message names the field at fault."""


class DeviceNotFound(LookupError):
    """No device (or quarantine entry) of that id."""


class DeviceExists(ValueError):
    """A device of that id is already provisioned."""

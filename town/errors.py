"""The one error class of the town package."""

from gis.errors import GisError


class TownFileError(GisError):
    """A town file that cannot be read; the message names the file, the line or feature, and the field."""

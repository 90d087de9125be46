"""The one error class of the gis package."""


class GisError(ValueError):
    """A coordinate, geometry or grid file that cannot be used; the message says which and where."""


class GridNotFound(GisError):
    """No grid of the active set has the code asked for."""

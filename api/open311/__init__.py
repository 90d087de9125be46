"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): the spec's shapes, parameters and errors."""

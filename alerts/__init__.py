"""Alerts: a reading over its threshold, located in its grids, deduplicated while open."""

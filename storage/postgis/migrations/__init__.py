"""Versioned SQL migrations of the PostGIS backend (package data: NNNN_name.sql)."""

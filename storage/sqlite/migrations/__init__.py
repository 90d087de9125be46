"""Versioned SQL migrations of the SQLite backend (package data: NNNN_name.sql)."""

"""The embedded backend: one SQLite file in WAL mode, a connection per unit of work."""

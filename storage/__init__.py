"""Storage backends behind one contract: SQLite (embedded default) and PostGIS (production)."""

from storage.contract import FeedEntry, FeedRepository, Store, StorageError, UnitOfWork
from storage.registry import open_store

__all__ = ["FeedEntry", "FeedRepository", "Store", "StorageError", "UnitOfWork", "open_store"]

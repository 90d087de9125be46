"""Storage backends behind one contract: SQLite (embedded default) and PostGIS (production)."""

from feed import FeedEntry, FeedRepository
from storage.contract import Store, StorageError, StoreUnavailable, UnitOfWork
from storage.registry import open_store

__all__ = ["FeedEntry", "FeedRepository", "Store", "StorageError", "StoreUnavailable", "UnitOfWork", "open_store"]

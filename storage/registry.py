"""Choose a storage backend by the URL's scheme."""

from __future__ import annotations

from storage.contract import StorageError, Store


def open_store(url: str, **options: object) -> Store:
    """Open the backend the URL names: sqlite:///path (embedded) or postgresql://... (PostGIS)."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        from storage.sqlite.backend import SqliteStore

        return SqliteStore(url, **options)  # type: ignore[arg-type]
    if scheme in ("postgresql", "postgres", "postgis"):
        from storage.postgis.backend import PostgisStore

        return PostgisStore(url, **options)  # type: ignore[arg-type]
    raise StorageError(f"store URL {url!r}: unknown scheme {scheme!r}; use sqlite:///path or postgresql://...")

"""Choose a storage backend by the URL's scheme."""

from __future__ import annotations

from storage.contract import StorageError, Store


def open_store(url: str, *, timeout_s: float | None = None, **options: object) -> Store:
    """Open the backend the URL names: sqlite:///path (embedded) or postgresql://... (PostGIS).

    timeout_s bounds how long a unit of work waits for the store (SQLite's busy timeout, the PostGIS pool's
    wait) before it raises StoreUnavailable.
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        from storage.sqlite.backend import SqliteStore

        if timeout_s is not None:
            options["busy_timeout_s"] = timeout_s
        return SqliteStore(url, **options)  # type: ignore[arg-type]
    if scheme in ("postgresql", "postgres", "postgis"):
        from storage.postgis.backend import PostgisStore

        if timeout_s is not None:
            options["timeout"] = timeout_s
        return PostgisStore(url, **options)  # type: ignore[arg-type]
    raise StorageError(f"store URL {url!r}: unknown scheme {scheme!r}; use sqlite:///path or postgresql://...")

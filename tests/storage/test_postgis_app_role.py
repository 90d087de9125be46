"""On PostGIS the app's own database role may add audit entries but never change or delete them."""

from __future__ import annotations

import uuid

import pytest

psycopg = pytest.importorskip("psycopg")


def test_app_role_cannot_update_or_delete_the_audit_log(migrated_postgis_url: str) -> None:
    from storage import open_store

    role = f"gw_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(migrated_postgis_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
    store = open_store(migrated_postgis_url)
    try:
        store.grant_app_role(role)  # type: ignore[attr-defined]
        app_url = migrated_postgis_url.replace("postgres@", f"{role}@", 1)
        with psycopg.connect(app_url, autocommit=True) as app:
            app.execute("INSERT INTO audit_log (id, at, actor, role, source_ip, action, target, outcome, detail,"
                        " prev_hash, hash) VALUES (999999, now(), 'x', 'x', '', 'x', '', 'ok', '{}', 'x', 'x')")
            assert app.execute("SELECT count(*) FROM cases").fetchone()[0] >= 0
            for sql in ("UPDATE audit_log SET outcome = 'denied'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(sql)
        # The app starts by checking the schema is current; as the app's role that must work and change nothing.
        app_store = open_store(app_url)
        try:
            assert app_store.migrate() == []
            with app_store.unit_of_work() as uow:
                assert uow.audit.count() >= 1
        finally:
            app_store.close()
    finally:
        store.close()
        with psycopg.connect(migrated_postgis_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")

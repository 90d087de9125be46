"""The production backend: PostgreSQL with PostGIS through a psycopg 3 connection pool."""

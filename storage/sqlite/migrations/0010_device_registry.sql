-- The device registry (issue 9): grid, owner department, the device's own metric ranges and reporting interval
-- over its kind's catalogue, and a mobile device may have no position. SQLite cannot drop NOT NULL, so the
-- table is rebuilt; nothing references it (readings and alerts keep device ids without a foreign key).
CREATE TABLE devices_new (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    lon        REAL,
    lat        REAL,
    mobile     INTEGER NOT NULL DEFAULT 0,
    grid_code  TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    metrics    TEXT NOT NULL DEFAULT '{}',
    interval_s INTEGER
);
INSERT INTO devices_new (id, kind, name, lon, lat, mobile) SELECT id, kind, name, lon, lat, mobile FROM devices;
DROP TABLE devices;
ALTER TABLE devices_new RENAME TO devices;
CREATE INDEX devices_kind_idx ON devices (kind);
CREATE INDEX devices_lon_lat_idx ON devices (lon, lat);
CREATE INDEX devices_grid_code_idx ON devices (grid_code);

-- Messages from devices nobody provisioned: one row per device id, the command room adopts or dismisses it.
CREATE TABLE device_quarantine (
    device_id      TEXT PRIMARY KEY,
    topic          TEXT NOT NULL,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    messages       INTEGER NOT NULL,
    payload_prefix BLOB NOT NULL,
    lon            REAL,
    lat            REAL,
    crs            TEXT,
    suggested_kind TEXT
);
CREATE INDEX device_quarantine_last_seen_idx ON device_quarantine (last_seen_at, device_id);

-- Initial schema of the embedded store.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ': fixed width, so text order is time order.
-- Coordinates are WGS-84 lon/lat REAL; grid shapes are WKB blobs with their bounding box beside them.

CREATE TABLE revisions (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE grids (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    parent_code TEXT,
    staff       TEXT NOT NULL DEFAULT '',
    geometry    BLOB NOT NULL,
    min_lon     REAL NOT NULL,
    min_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL
);
CREATE INDEX grids_level_idx ON grids (level);
CREATE INDEX grids_parent_code_idx ON grids (parent_code);
CREATE INDEX grids_bbox_idx ON grids (min_lon, max_lon, min_lat, max_lat);

CREATE TABLE devices (
    id     TEXT PRIMARY KEY,
    kind   TEXT NOT NULL,
    name   TEXT NOT NULL,
    lon    REAL NOT NULL,
    lat    REAL NOT NULL,
    mobile INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_kind_idx ON devices (kind);
CREATE INDEX devices_lon_lat_idx ON devices (lon, lat);

-- No foreign key to devices: one unknown device must not make the ingest refuse a whole batch.
CREATE TABLE readings (
    device_id     TEXT NOT NULL,
    ts            TEXT NOT NULL,
    metric_values TEXT NOT NULL,
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    PRIMARY KEY (device_id, ts)
) WITHOUT ROWID;

CREATE TABLE dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    topic       TEXT NOT NULL,
    payload     BLOB NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX dead_letters_received_at_idx ON dead_letters (received_at, id);

CREATE TABLE cameras (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    bearing_deg REAL NOT NULL,
    fov_deg     REAL NOT NULL,
    range_m     REAL NOT NULL,
    owner       TEXT NOT NULL,
    stream_url  TEXT NOT NULL,
    status      TEXT NOT NULL
);
CREATE INDEX cameras_lon_lat_idx ON cameras (lon, lat);

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    platform    TEXT NOT NULL,
    status      TEXT NOT NULL,
    lon         REAL,
    lat         REAL,
    position_at TEXT,
    members     INTEGER NOT NULL,
    phone       TEXT NOT NULL
);
CREATE INDEX teams_platform_status_idx ON teams (platform, status);

-- alerts.case_id and cases.alert_id point at each other; SQLite resolves the names when rows are written.
-- device_id has no foreign key: camera analytics will raise alerts under camera ids.
CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id    TEXT NOT NULL,
    sensor_kind  TEXT NOT NULL,
    metric       TEXT NOT NULL,
    value        REAL NOT NULL,
    limit_value  REAL NOT NULL,
    severity     TEXT NOT NULL,
    lon          REAL NOT NULL,
    lat          REAL NOT NULL,
    grid_path    TEXT NOT NULL DEFAULT '[]',
    raised_at    TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    occurrences  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    case_id      INTEGER REFERENCES cases (id)
);
CREATE INDEX alerts_raised_at_idx ON alerts (raised_at, id);
CREATE INDEX alerts_open_idx ON alerts (device_id, metric, status);
CREATE INDEX alerts_status_idx ON alerts (status);
CREATE INDEX alerts_lon_lat_idx ON alerts (lon, lat);
CREATE INDEX alerts_case_id_idx ON alerts (case_id);

-- grid_path is a JSON array of codes, coarsest first; filters match any level through json_each.
CREATE TABLE cases (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT NOT NULL,
    category       TEXT NOT NULL,
    source         TEXT NOT NULL,
    status         TEXT NOT NULL,
    platform       TEXT,
    lon            REAL NOT NULL,
    lat            REAL NOT NULL,
    grid_path      TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    description    TEXT NOT NULL,
    reporter       TEXT NOT NULL,
    reporter_phone TEXT NOT NULL,
    alert_id       INTEGER REFERENCES alerts (id),
    team_id        TEXT REFERENCES teams (id),
    satisfaction   INTEGER
);
CREATE INDEX cases_created_at_idx ON cases (created_at, id);
CREATE INDEX cases_status_idx ON cases (status);
CREATE INDEX cases_platform_idx ON cases (platform);
CREATE INDEX cases_lon_lat_idx ON cases (lon, lat);
CREATE INDEX cases_alert_id_idx ON cases (alert_id);
CREATE INDEX cases_team_id_idx ON cases (team_id);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_id_idx ON case_events (case_id, at, id);

-- Every step of a case is kept forever (全程留痕): the log refuses changes at the lowest level.
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only: UPDATE refused');
END;

CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only: DELETE refused');
END;

-- AUTOINCREMENT: a feed id is a reader's cursor and must never be handed out twice.
CREATE TABLE feed (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL
);

-- Readers page through the feed by id, so entries are never rewritten or removed.
CREATE TRIGGER feed_no_update BEFORE UPDATE ON feed
BEGIN
    SELECT RAISE(ABORT, 'feed is append-only: UPDATE refused');
END;

CREATE TRIGGER feed_no_delete BEFORE DELETE ON feed
BEGIN
    SELECT RAISE(ABORT, 'feed is append-only: DELETE refused');
END;

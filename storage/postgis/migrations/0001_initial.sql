-- Initial schema of the PostGIS store. Times are timestamptz; shapes and points are SRID 4326 (WGS-84 lon/lat).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE revisions (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);

CREATE TABLE grids (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    level       smallint NOT NULL,
    parent_code text,
    staff       text NOT NULL DEFAULT '',
    geom        geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX grids_geom_gist ON grids USING gist (geom);
CREATE INDEX grids_level_idx ON grids (level);
CREATE INDEX grids_parent_code_idx ON grids (parent_code);

-- Points keep the exact lon/lat the caller gave; geom is derived from them for the spatial index.
CREATE TABLE devices (
    id     text PRIMARY KEY,
    kind   text NOT NULL,
    name   text NOT NULL,
    lon    double precision NOT NULL,
    lat    double precision NOT NULL,
    mobile boolean NOT NULL DEFAULT false,
    geom   geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
);
CREATE INDEX devices_kind_idx ON devices (kind);
CREATE INDEX devices_geom_gist ON devices USING gist (geom);

-- No foreign key to devices: one unknown device must not make the ingest refuse a whole batch.
-- No geometry either: readings are never searched by place, and every index slows the ingest.
CREATE TABLE readings (
    device_id     text NOT NULL,
    ts            timestamptz NOT NULL,
    metric_values jsonb NOT NULL,
    lon           double precision NOT NULL,
    lat           double precision NOT NULL,
    PRIMARY KEY (device_id, ts)
);

CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL,
    topic       text NOT NULL,
    payload     bytea NOT NULL,
    reason      text NOT NULL
);
CREATE INDEX dead_letters_received_at_idx ON dead_letters (received_at, id);

CREATE TABLE cameras (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    lon         double precision NOT NULL,
    lat         double precision NOT NULL,
    bearing_deg double precision NOT NULL,
    fov_deg     double precision NOT NULL,
    range_m     double precision NOT NULL,
    owner       text NOT NULL,
    stream_url  text NOT NULL,
    status      text NOT NULL,
    geom        geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
);
CREATE INDEX cameras_geom_gist ON cameras USING gist (geom);

CREATE TABLE teams (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    platform    text NOT NULL,
    status      text NOT NULL,
    lon         double precision,
    lat         double precision,
    position_at timestamptz,
    members     integer NOT NULL,
    phone       text NOT NULL,
    geom        geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
);
CREATE INDEX teams_platform_status_idx ON teams (platform, status);
CREATE INDEX teams_geom_gist ON teams USING gist (geom);

-- device_id has no foreign key: camera analytics will raise alerts under camera ids.
CREATE TABLE alerts (
    id           bigserial PRIMARY KEY,
    device_id    text NOT NULL,
    sensor_kind  text NOT NULL,
    metric       text NOT NULL,
    value        double precision NOT NULL,
    limit_value  double precision NOT NULL,
    severity     text NOT NULL,
    lon          double precision NOT NULL,
    lat          double precision NOT NULL,
    grid_path    text[] NOT NULL DEFAULT '{}',
    raised_at    timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    occurrences  integer NOT NULL,
    status       text NOT NULL,
    case_id      bigint,
    geom         geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
);
CREATE INDEX alerts_raised_at_idx ON alerts (raised_at DESC, id DESC);
CREATE INDEX alerts_open_idx ON alerts (device_id, metric, status);
CREATE INDEX alerts_status_idx ON alerts (status);
CREATE INDEX alerts_geom_gist ON alerts USING gist (geom);
CREATE INDEX alerts_case_id_idx ON alerts (case_id);

-- grid_path holds the codes coarsest first; the GIN index serves "contains this code" at any level.
CREATE TABLE cases (
    id             bigserial PRIMARY KEY,
    title          text NOT NULL,
    category       text NOT NULL,
    source         text NOT NULL,
    status         text NOT NULL,
    platform       text,
    lon            double precision NOT NULL,
    lat            double precision NOT NULL,
    grid_path      text[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    description    text NOT NULL,
    reporter       text NOT NULL,
    reporter_phone text NOT NULL,
    alert_id       bigint REFERENCES alerts (id),
    team_id        text REFERENCES teams (id),
    satisfaction   integer,
    geom           geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
);
CREATE INDEX cases_created_at_idx ON cases (created_at DESC, id DESC);
CREATE INDEX cases_status_idx ON cases (status);
CREATE INDEX cases_platform_idx ON cases (platform);
CREATE INDEX cases_grid_path_gin ON cases USING gin (grid_path);
CREATE INDEX cases_geom_gist ON cases USING gist (geom);
CREATE INDEX cases_alert_id_idx ON cases (alert_id);
CREATE INDEX cases_team_id_idx ON cases (team_id);

ALTER TABLE alerts ADD CONSTRAINT alerts_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id);

CREATE TABLE case_events (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    action      text NOT NULL,
    actor       text NOT NULL,
    at          timestamptz NOT NULL,
    from_status text,
    to_status   text NOT NULL,
    note        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_id_idx ON case_events (case_id, at, id);

-- The id is a reader's cursor; see lock_feed_for_append in storage/postgis/dialect.py for how ids become visible in order.
CREATE TABLE feed (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL,
    kind    text NOT NULL,
    payload jsonb NOT NULL
);

-- Every step of a case is kept forever (全程留痕), and the feed is a log readers page through:
-- both refuse changes at the lowest level. (TRUNCATE, an administrator's tool, stays possible.)
CREATE FUNCTION refuse_change_to_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();

CREATE TRIGGER feed_append_only BEFORE UPDATE OR DELETE ON feed
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();

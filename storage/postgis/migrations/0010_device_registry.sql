-- The device registry (issue 9): grid, owner department, the device's own metric ranges and reporting interval
-- over its kind's catalogue, and a mobile device may have no position (geom is then NULL).
ALTER TABLE devices ALTER COLUMN lon DROP NOT NULL;
ALTER TABLE devices ALTER COLUMN lat DROP NOT NULL;
ALTER TABLE devices ADD COLUMN grid_code text NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN department text NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN metrics jsonb NOT NULL DEFAULT '{}';
ALTER TABLE devices ADD COLUMN interval_s integer;
CREATE INDEX devices_grid_code_idx ON devices (grid_code);

-- Messages from devices nobody provisioned: one row per device id, the command room adopts or dismisses it.
CREATE TABLE device_quarantine (
    device_id      text PRIMARY KEY,
    topic          text NOT NULL,
    first_seen_at  timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    messages       bigint NOT NULL,
    payload_prefix bytea NOT NULL,
    lon            double precision,
    lat            double precision,
    crs            text,
    suggested_kind text
);
CREATE INDEX device_quarantine_last_seen_idx ON device_quarantine (last_seen_at, device_id);

-- The camera registry (issue 8): mounting, owner's grid, GB/T 28181 id, live URL; credentials and probe health
-- kept apart from the camera row, so a probe never rewrites it (and never rebuilds every camera index).
ALTER TABLE cameras ADD COLUMN height_m REAL NOT NULL DEFAULT 6.0;
ALTER TABLE cameras ADD COLUMN mount TEXT NOT NULL DEFAULT 'fixed';
ALTER TABLE cameras ADD COLUMN grid_code TEXT NOT NULL DEFAULT '';
ALTER TABLE cameras ADD COLUMN gb_device_id TEXT;
ALTER TABLE cameras ADD COLUMN live_url TEXT NOT NULL DEFAULT '';

CREATE TABLE camera_credentials (
    camera_id   TEXT PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    username    TEXT NOT NULL,
    password    TEXT NOT NULL
);

-- No foreign key: a probe of a camera removed meanwhile is history, and retention deletes it.
CREATE TABLE camera_health (
    camera_id   TEXT NOT NULL,
    probed_at   TEXT NOT NULL,
    status      TEXT NOT NULL,
    measures    TEXT NOT NULL DEFAULT '{}',
    open_ms     REAL,
    width       INTEGER,
    height      INTEGER,
    fps         REAL,
    detail      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (camera_id, probed_at)
);
CREATE INDEX camera_health_probed_at_idx ON camera_health (probed_at);

-- The old status column: a status some tool had set becomes the camera's first health record.
INSERT INTO camera_health (camera_id, probed_at, status, detail)
SELECT id, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z',
       CASE status WHEN 'online' THEN 'ok' ELSE status END, 'moved from cameras.status by migration 0006'
FROM cameras WHERE status IN ('online', 'no_signal', 'frozen', 'blurred', 'covered');
ALTER TABLE cameras DROP COLUMN status;

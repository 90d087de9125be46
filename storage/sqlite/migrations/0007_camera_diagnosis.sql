-- Per-camera diagnosis (issue 8): a camera's own thresholds (JSON object, e.g. {"dark_luma": 15}) on its row,
-- and its reference frame (a small JPEG, base64) in a table apart, so learning one never bumps the cameras revision.
ALTER TABLE cameras ADD COLUMN diagnosis_overrides TEXT NOT NULL DEFAULT '{}';

-- No foreign key, like camera_health: a reference of a camera removed meanwhile is harmless.
CREATE TABLE camera_references (
    camera_id   TEXT PRIMARY KEY,
    frame_jpeg  TEXT NOT NULL,
    taken_at    TEXT NOT NULL
);

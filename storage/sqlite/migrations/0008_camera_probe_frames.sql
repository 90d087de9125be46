-- The frame each camera's latest probe was judged on (issue 8: one result per probe is the status, the measures
-- and the frame used), a small JPEG in base64 kept apart from the camera row; each probe replaces its camera's.
CREATE TABLE camera_probe_frames (
    camera_id   TEXT PRIMARY KEY,
    frame_jpeg  TEXT NOT NULL,
    probed_at   TEXT NOT NULL,
    status      TEXT NOT NULL
);

-- Team positions (issue 9, point 7): every accepted position goes to the track, keyed by (team_id, ts) so a
-- redelivered QoS 1 message writes once; teams keep the latest position and when the phone last reported
-- (server time, any order) and since when it is silent. No foreign key: a team dropped from the town keeps
-- its track until retention deletes it.
ALTER TABLE teams ADD COLUMN reported_at TEXT;
ALTER TABLE teams ADD COLUMN silent_since TEXT;
CREATE TABLE team_positions (
    team_id     TEXT NOT NULL,
    ts          TEXT NOT NULL,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (team_id, ts)
);
CREATE INDEX team_positions_ts_idx ON team_positions (ts);

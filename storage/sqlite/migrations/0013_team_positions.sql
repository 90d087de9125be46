-- Team positions (issue 9, point 7): every accepted position goes to the track, keyed by (team_id, ts) so a
-- redelivered QoS 1 message writes once; teams keep the latest position and when the phone last reported
-- (server time, any order) and since when it is silent. No foreign key: a team dropped from the town keeps
-- its track until retention deletes it. position_rev is the team_positions revision that last moved the team
-- (or changed its silence), stamped as the counter is bumped before commit: an index refreshes only the teams
-- whose position_rev is above the revision it saw, never rebuilding per batch of positions.
ALTER TABLE teams ADD COLUMN reported_at TEXT;
ALTER TABLE teams ADD COLUMN position_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE teams ADD COLUMN silent_since TEXT;
CREATE INDEX teams_position_rev_idx ON teams (position_rev);
CREATE TABLE team_positions (
    team_id     TEXT NOT NULL,
    ts          TEXT NOT NULL,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (team_id, ts)
);
CREATE INDEX team_positions_ts_idx ON team_positions (ts);

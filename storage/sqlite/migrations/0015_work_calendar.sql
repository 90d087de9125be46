-- The working calendar (issue 11, point 9): a year's holiday schedule an admin loaded because the
-- chinese-calendar package does not know the year yet. One row per loaded year (when, from what, by whom),
-- its special days beside it; a day the schedule does not name is Monday to Friday. Loading a year again
-- replaces all its days.
CREATE TABLE work_calendar_years (
    year      INTEGER PRIMARY KEY,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL DEFAULT '',
    origin    TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE work_calendar_days (
    day  TEXT PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES work_calendar_years (year) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_calendar_days_year_idx ON work_calendar_days (year);

-- Periodic jobs: one row per run; the primary key is the lease that lets one process run a period.
-- lease is '' for a job run once per period in the whole deployment, the runner for a per-process job.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    lease       TEXT NOT NULL,
    period      INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    runner      TEXT NOT NULL,
    PRIMARY KEY (job, lease, period)
);
CREATE INDEX job_runs_started_at_idx ON job_runs (started_at);

-- Retention deletes the oldest readings in batches; without an index on ts each batch reads the table.
CREATE INDEX readings_ts_idx ON readings (ts);

-- Retention removes the oldest feed entries. Ids are never handed out again (AUTOINCREMENT), so a reader's
-- cursor stays valid; entries are still never rewritten.
DROP TRIGGER feed_no_delete;

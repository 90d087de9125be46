-- Reporters of a case and the notices owed to them (issue 11, points 11 and 12). Every person who reported the
-- matter is a row: the case's original reporter at intake, and the reporters of cases merged into it (moved here,
-- merged_from naming the case they reported). A rating link's token is stored only as its sha256. Notices are an
-- outbox written with the step that caused them and emptied by the reporter-notices job through the notifier.
CREATE TABLE case_reporters (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id            INTEGER NOT NULL REFERENCES cases (id),
    name               TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    channel            TEXT NOT NULL,
    reported_at        TEXT NOT NULL,
    merged_from        INTEGER REFERENCES cases (id),
    rating_token_hash  TEXT UNIQUE,
    rated_at           TEXT,
    satisfaction       INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    comment            TEXT NOT NULL DEFAULT '',
    notified_at        TEXT,
    last_notice        TEXT NOT NULL DEFAULT '',
    last_notice_at     TEXT
);
CREATE INDEX case_reporters_case_idx ON case_reporters (case_id);

CREATE TABLE reporter_notices (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    reporter_id   INTEGER NOT NULL REFERENCES case_reporters (id),
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    wants_rating  INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reporter_notices_pending_idx ON reporter_notices (id) WHERE sent_at IS NULL;
CREATE INDEX reporter_notices_reporter_idx ON reporter_notices (reporter_id);
CREATE INDEX reporter_notices_case_idx ON reporter_notices (case_id);

-- The city hand-off (issue 11): escalations wait in an outbox until the city's webhook takes them (retried with
-- backoff, at most once per idempotency key at the city), and every message the city sends in is kept once by its
-- id, with the answer it got, so a redelivery answers the same without acting twice.
CREATE TABLE city_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Due for a (first or next) attempt from then; a claim moves it past the send (the lease).
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TEXT,
    gave_up_at      TEXT
);
CREATE INDEX city_outbox_due_idx ON city_outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX city_outbox_case_idx ON city_outbox (case_id);

CREATE TABLE city_inbound (
    message_id  TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    kind        TEXT NOT NULL,
    case_id     INTEGER REFERENCES cases (id),
    city_ref    TEXT NOT NULL DEFAULT '',
    payload     TEXT NOT NULL,
    result      TEXT NOT NULL
);
CREATE INDEX city_inbound_case_idx ON city_inbound (case_id);

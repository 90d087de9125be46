-- The city hand-off (issue 11): escalations wait in an outbox until the city's webhook takes them (retried with
-- backoff, at most once per idempotency key at the city), and every message the city sends in is kept once by its
-- id, with the answer it got, so a redelivery answers the same without acting twice.
CREATE TABLE city_outbox (
    id              bigserial PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES cases (id),
    kind            text NOT NULL,
    payload         jsonb NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    -- Due for a (first or next) attempt from then; a claim moves it past the send (the lease).
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    delivered_at    timestamptz,
    gave_up_at      timestamptz
);
CREATE INDEX city_outbox_due_idx ON city_outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX city_outbox_case_idx ON city_outbox (case_id);

CREATE TABLE city_inbound (
    message_id  text PRIMARY KEY,
    received_at timestamptz NOT NULL,
    kind        text NOT NULL,
    case_id     bigint REFERENCES cases (id),
    city_ref    text NOT NULL DEFAULT '',
    payload     jsonb NOT NULL,
    result      jsonb NOT NULL
);
CREATE INDEX city_inbound_case_idx ON city_inbound (case_id);

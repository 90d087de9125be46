-- Reporters of a case and the notices owed to them (issue 11, points 11 and 12). Every person who reported the
-- matter is a row: the case's original reporter at intake, and the reporters of cases merged into it (moved here,
-- merged_from naming the case they reported). A rating link's token is stored only as its sha256. Notices are an
-- outbox written with the step that caused them and emptied by the reporter-notices job through the notifier.
CREATE TABLE case_reporters (
    id                 bigserial PRIMARY KEY,
    case_id            bigint NOT NULL REFERENCES cases (id),
    name               text NOT NULL DEFAULT '',
    phone              text NOT NULL DEFAULT '',
    channel            text NOT NULL,
    reported_at        timestamptz NOT NULL,
    merged_from        bigint REFERENCES cases (id),
    rating_token_hash  text UNIQUE,
    rated_at           timestamptz,
    satisfaction       integer CHECK (satisfaction BETWEEN 1 AND 5),
    comment            text NOT NULL DEFAULT '',
    notified_at        timestamptz,
    last_notice        text NOT NULL DEFAULT '',
    last_notice_at     timestamptz
);
CREATE INDEX case_reporters_case_idx ON case_reporters (case_id);

CREATE TABLE reporter_notices (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    reporter_id   bigint NOT NULL REFERENCES case_reporters (id),
    kind          text NOT NULL,
    text          text NOT NULL,
    wants_rating  boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT ''
);
CREATE INDEX reporter_notices_pending_idx ON reporter_notices (id) WHERE sent_at IS NULL;
CREATE INDEX reporter_notices_reporter_idx ON reporter_notices (reporter_id);
CREATE INDEX reporter_notices_case_idx ON reporter_notices (case_id);

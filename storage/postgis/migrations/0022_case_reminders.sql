-- Supervision (督办, issue 11): one reminder per rise of a case's supervision level (due soon, overdue, escalated
-- to the platform head, to the command room's leader), to whom, about which due time; acknowledged once.
CREATE TABLE case_reminders (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id),
    at timestamptz NOT NULL,
    level integer NOT NULL CHECK (level BETWEEN 1 AND 4),
    kind text NOT NULL,
    due_at timestamptz NOT NULL,
    due_step text NOT NULL DEFAULT '',
    recipient text NOT NULL,
    note text NOT NULL DEFAULT '',
    acknowledged_at timestamptz,
    acknowledged_by text NOT NULL DEFAULT ''
);
CREATE INDEX case_reminders_case_idx ON case_reminders (case_id, id);
CREATE INDEX cases_supervised_idx ON cases (supervision_level, due_at) WHERE supervision_level > 0;

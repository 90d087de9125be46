-- Supervision (督办, issue 11): one reminder per rise of a case's supervision level (due soon, overdue, escalated
-- to the platform head, to the command room's leader), to whom, about which due time; acknowledged once.
CREATE TABLE case_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    kind TEXT NOT NULL,
    due_at TEXT NOT NULL,
    due_step TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    acknowledged_at TEXT,
    acknowledged_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_reminders_case_idx ON case_reminders (case_id, id);
CREATE INDEX cases_supervised_idx ON cases (supervision_level, due_at) WHERE supervision_level > 0;

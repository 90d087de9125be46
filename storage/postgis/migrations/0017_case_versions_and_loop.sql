-- The loop as one state machine (issue 11): a version per case for optimistic concurrency, the case a merged one
-- joined, and each event's role and attachments (全程留痕: who, in which capacity, with which files).
-- Stored status values stay (accepted, handling, fed_back: clients and the feed speak them); new ones are added.
ALTER TABLE cases ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN merged_into bigint REFERENCES cases (id);
ALTER TABLE case_events ADD COLUMN role text NOT NULL DEFAULT '';
ALTER TABLE case_events ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- An evaluated case used to stay 'closed' with a satisfaction; it is now 'evaluated'. The log is append-only, so the
-- change is recorded by a new event rather than by rewriting the evaluate event, keeping the chain unbroken.
INSERT INTO case_events (case_id, action, actor, role, at, from_status, to_status, note, data)
    SELECT id, 'migrate', 'system:migration', 'system', updated_at, 'closed', 'evaluated',
           'migration 0017: an evaluated case is now in its own status', '{}'
      FROM cases WHERE status = 'closed' AND satisfaction IS NOT NULL ORDER BY id;
UPDATE cases SET status = 'evaluated', version = version + 1 WHERE status = 'closed' AND satisfaction IS NOT NULL;

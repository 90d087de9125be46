-- A team is sent to a case by an assignment, and only that assignment gives the team back.
-- cases.team_id could not say which dispatch a later feedback belonged to; joint handling needs several teams.
CREATE TABLE assignments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    team_id        TEXT NOT NULL REFERENCES teams (id),
    platform       TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('lead', 'assisting')),
    task           TEXT NOT NULL DEFAULT '',
    dispatched_at  TEXT NOT NULL,
    arrived_at     TEXT,
    released_at    TEXT,
    release_reason TEXT
);
CREATE INDEX assignments_case_id_idx ON assignments (case_id, dispatched_at, id);
-- A team holds at most one active assignment: the store refuses a second claim whatever the code does.
CREATE UNIQUE INDEX assignments_one_active_per_team ON assignments (team_id) WHERE released_at IS NULL;

-- Cases dispatched before this migration keep their team: active while the case is in the field, released after.
-- Old data may hold one team on two cases (the bug this table ends): the newest keeps it, the others are withdrawn.
INSERT INTO assignments (case_id, team_id, platform, role, task, dispatched_at, released_at, release_reason)
SELECT id, team_id, coalesce(platform, 'governance'), 'lead', '', updated_at,
       CASE WHEN in_field THEN NULL ELSE updated_at END,
       CASE WHEN in_field THEN NULL WHEN status IN ('dispatched', 'handling') THEN 'withdrawn' ELSE 'fed_back' END
  FROM (SELECT c.*, (c.status IN ('dispatched', 'handling') AND c.id = (
            SELECT max(o.id) FROM cases o WHERE o.team_id = c.team_id AND o.status IN ('dispatched', 'handling')
        )) AS in_field
          FROM cases c WHERE c.team_id IS NOT NULL) AS old
 ORDER BY id;

DROP INDEX cases_team_id_idx;
ALTER TABLE cases DROP COLUMN team_id;

-- Grid sets and staff (issue 10, point 1). The active set stays in grids, so every reader of grids (the
-- locator, bbox queries, counts) is unchanged; an earlier set's grids are copied to grid_set_members when a
-- new set replaces it, kept as WKB because nobody searches an old set by place. One set is active at most
-- (the partial unique index). The grids already stored become set 1, "initial".
CREATE TABLE grid_sets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    source     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    grid_count INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX grid_sets_one_active_idx ON grid_sets (active) WHERE active = 1;
CREATE TABLE grid_set_members (
    set_id      INTEGER NOT NULL REFERENCES grid_sets (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    parent_code TEXT,
    wkb         BLOB NOT NULL,
    PRIMARY KEY (set_id, code)
);
INSERT INTO grid_sets (created_at, source, note, grid_count, active)
    SELECT strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), 'initial', 'grids stored before grid sets', count(*), 1
    FROM grids HAVING count(*) > 0;

-- Staff are kept by grid code, not by set: a new set that keeps a code keeps its people.
CREATE TABLE grid_staff (
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    role     TEXT NOT NULL,
    name     TEXT NOT NULL,
    phone    TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, position)
);
INSERT INTO grid_staff (code, position, role, name)
    SELECT code, 0, 'head', trim(staff) FROM grids WHERE trim(staff) <> '';
ALTER TABLE grids DROP COLUMN staff;

-- Grid sets and staff (issue 10, point 1). The active set stays in grids, so every reader of grids (the
-- locator, bbox queries, counts) is unchanged; an earlier set's grids are copied to grid_set_members when a
-- new set replaces it, kept as WKB because nobody searches an old set by place. One set is active at most
-- (the partial unique index). The grids already stored become set 1, "initial".
CREATE TABLE grid_sets (
    id         bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL,
    source     text NOT NULL,
    note       text NOT NULL DEFAULT '',
    grid_count integer NOT NULL DEFAULT 0,
    active     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX grid_sets_one_active_idx ON grid_sets (active) WHERE active;
CREATE TABLE grid_set_members (
    set_id      bigint NOT NULL REFERENCES grid_sets (id),
    code        text NOT NULL,
    name        text NOT NULL,
    level       smallint NOT NULL,
    parent_code text,
    wkb         bytea NOT NULL,
    PRIMARY KEY (set_id, code)
);
INSERT INTO grid_sets (created_at, source, note, grid_count, active)
    SELECT now(), 'initial', 'grids stored before grid sets', count(*), true
    FROM grids HAVING count(*) > 0;

-- Staff are kept by grid code, not by set: a new set that keeps a code keeps its people.
CREATE TABLE grid_staff (
    code     text NOT NULL,
    position integer NOT NULL,
    role     text NOT NULL,
    name     text NOT NULL,
    phone    text NOT NULL DEFAULT '',
    username text NOT NULL DEFAULT '',
    PRIMARY KEY (code, position)
);
INSERT INTO grid_staff (code, position, role, name)
    SELECT code, 0, 'head', trim(staff) FROM grids WHERE trim(staff) <> '';
ALTER TABLE grids DROP COLUMN staff;

-- The taxonomy and the classifier (issue 11, points 4 and 5). Every edit of the taxonomy is a new version (the
-- latest is the active one; none: the YAML shipped with the code), so nobody's change is lost and every case
-- can be read against the taxonomy of its time. The document is stored whole as JSON text, checked by
-- cases/taxonomy.py before it is written. Operators' corrections of the classifier are kept as training data.
CREATE TABLE taxonomy_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    doc         TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE classification_corrections (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    text          TEXT NOT NULL,
    predicted     TEXT NOT NULL,
    corrected     TEXT NOT NULL,
    confidence    REAL NOT NULL,
    channel       TEXT NOT NULL DEFAULT 'unknown',
    corrected_by  TEXT NOT NULL,
    corrected_at  TEXT NOT NULL,
    case_id       INTEGER
);
CREATE INDEX classification_corrections_at_idx ON classification_corrections (corrected_at);

-- The taxonomy and the classifier (issue 11, points 4 and 5). Every edit of the taxonomy is a new version (the
-- latest is the active one; none: the YAML shipped with the code), so nobody's change is lost and every case
-- can be read against the taxonomy of its time. The document is stored whole as JSON text, checked by
-- cases/taxonomy.py before it is written. Operators' corrections of the classifier are kept as training data.
CREATE TABLE taxonomy_versions (
    id          bigserial PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    doc         text NOT NULL,
    note        text NOT NULL DEFAULT ''
);

CREATE TABLE classification_corrections (
    id            bigserial PRIMARY KEY,
    text          text NOT NULL,
    predicted     text NOT NULL,
    corrected     text NOT NULL,
    confidence    double precision NOT NULL,
    channel       text NOT NULL DEFAULT 'unknown',
    corrected_by  text NOT NULL,
    corrected_at  timestamptz NOT NULL,
    case_id       bigint
);
CREATE INDEX classification_corrections_at_idx ON classification_corrections (corrected_at);

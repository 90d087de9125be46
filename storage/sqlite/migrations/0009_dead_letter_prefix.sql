-- Dead letters keep a bounded prefix of the payload with the original size and its SHA-256 (issue 9: 100 refused
-- 1 MB messages took 113 MB). SQLite has no sha256(): letters stored before keep their whole payload and an empty
-- hash, which the repository computes from the payload when it reads them.
ALTER TABLE dead_letters ADD COLUMN payload_size INTEGER NOT NULL DEFAULT -1;
ALTER TABLE dead_letters ADD COLUMN payload_sha256 TEXT NOT NULL DEFAULT '';
UPDATE dead_letters SET payload_size = length(payload);

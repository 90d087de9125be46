-- Dead letters keep a bounded prefix of the payload with the original size and its SHA-256 (issue 9: 100 refused
-- 1 MB messages took 113 MB). Letters stored before keep their whole payload, so size and hash are computed here.
ALTER TABLE dead_letters ADD COLUMN payload_size bigint;
ALTER TABLE dead_letters ADD COLUMN payload_sha256 text;
UPDATE dead_letters SET payload_size = length(payload), payload_sha256 = encode(sha256(payload), 'hex');
ALTER TABLE dead_letters ALTER COLUMN payload_size SET NOT NULL;
ALTER TABLE dead_letters ALTER COLUMN payload_sha256 SET NOT NULL;

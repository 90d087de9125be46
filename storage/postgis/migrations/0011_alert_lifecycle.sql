-- The alert lifecycle (issue 9): raised, acknowledged, cleared; one open alert per subject and rule; the rule, the
-- purpose, the first and worst values and who acknowledged it with a note.
ALTER TABLE alerts
    ADD COLUMN rule_id text NOT NULL DEFAULT '',
    ADD COLUMN purpose text NOT NULL DEFAULT 'incident',
    ADD COLUMN first_value double precision,
    ADD COLUMN worst_value double precision,
    ADD COLUMN worst_at timestamptz,
    ADD COLUMN acknowledged_by text,
    ADD COLUMN acknowledged_at timestamptz,
    ADD COLUMN ack_note text NOT NULL DEFAULT '',
    ADD COLUMN cleared_at timestamptz;

-- Old rows: the rule was the fixed threshold of the metric (or the camera's fault family); the old fold kept the
-- highest value in value, so it is the worst one (when is not known: last seen); the first value is not known.
UPDATE alerts SET
    rule_id = CASE WHEN sensor_kind = 'camera' THEN 'camera:' || metric ELSE 'threshold:' || metric END,
    purpose = CASE WHEN sensor_kind = 'camera' THEN 'maintenance' ELSE 'incident' END,
    first_value = value, worst_value = value, worst_at = last_seen_at,
    cleared_at = CASE WHEN status = 'closed' THEN last_seen_at END,
    status = CASE WHEN status = 'closed' THEN 'cleared' ELSE 'raised' END;

-- Should two old open alerts share a subject and rule, the newest stays open: the unique index below needs one.
UPDATE alerts SET status = 'cleared', cleared_at = last_seen_at
WHERE status = 'raised' AND EXISTS (SELECT 1 FROM alerts newer WHERE newer.device_id = alerts.device_id
    AND newer.rule_id = alerts.rule_id AND newer.status = 'raised' AND newer.id > alerts.id);

DROP INDEX alerts_open_idx;
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (device_id, rule_id) WHERE status IN ('raised', 'acknowledged');

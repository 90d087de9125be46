-- A deadline set from outside the town (the city's, for a case it handed down): no step of the case may be due later.
ALTER TABLE cases ADD COLUMN external_due_at TEXT;

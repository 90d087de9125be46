-- The closed loop's clock and its tasks (issue 11): each case's priority and department from the taxonomy, the
-- step it waits on and when that is due in working time, the reporter's feedback deadline, what assessment reads
-- (handled, closed, working hours to handle, on time), the classifier's confidence and triage, the supervision
-- level; each assignment's task state (offered, accepted, done), its offer's expiry, distance and ETA.
ALTER TABLE cases ADD COLUMN priority text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN department text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN due_step text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN due_at timestamptz;
ALTER TABLE cases ADD COLUMN feedback_due_at timestamptz;
ALTER TABLE cases ADD COLUMN handled_at timestamptz;
ALTER TABLE cases ADD COLUMN closed_at timestamptz;
ALTER TABLE cases ADD COLUMN handling_wh double precision;
ALTER TABLE cases ADD COLUMN on_time boolean;
ALTER TABLE cases ADD COLUMN confidence double precision;
ALTER TABLE cases ADD COLUMN triage boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN supervision_level integer NOT NULL DEFAULT 0;
CREATE INDEX cases_due_idx ON cases (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_triage_idx ON cases (id) WHERE triage;

ALTER TABLE assignments ADD COLUMN state text NOT NULL DEFAULT 'accepted';
ALTER TABLE assignments ADD COLUMN offer_expires_at timestamptz;
ALTER TABLE assignments ADD COLUMN done_at timestamptz;
ALTER TABLE assignments ADD COLUMN distance_m double precision;
ALTER TABLE assignments ADD COLUMN eta_s double precision;
CREATE INDEX assignments_offers_idx ON assignments (offer_expires_at) WHERE state = 'offered' AND released_at IS NULL;

-- Assessment (issue 11, point 12): the lead team of each case is the newest lead assignment a team took; this
-- partial index answers that with one probe per case instead of reading every assignment of the case.
CREATE INDEX assignments_lead_idx ON assignments (case_id, id DESC, team_id, release_reason) WHERE role = 'lead';

-- Alert rules people set (issue 9): each rule whole as JSON (alerts.rule_parse reads and checks it), and what
-- each rule remembers of each subject that is not idle (raised, waiting to raise or to clear), so a restart
-- resumes where the last commit left off. Idle subjects have no row: most readings write nothing here.
CREATE TABLE alert_rules (
    id          text PRIMARY KEY,
    definition  text NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE alert_rule_states (
    rule_id     text NOT NULL,
    subject_id  text NOT NULL,
    state       text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (rule_id, subject_id)
);

-- Accounts, sessions, API keys, and the append-only, hash-chained audit log.

CREATE TABLE users (
    username            text PRIMARY KEY,
    display_name        text NOT NULL,
    role                text NOT NULL,
    password_hash       text NOT NULL,
    platform            text,
    team_id             text,
    grid_codes          jsonb NOT NULL DEFAULT '[]',
    active              boolean NOT NULL DEFAULT true,
    failed_logins       integer NOT NULL DEFAULT 0,
    locked_until        timestamptz,
    created_at          timestamptz NOT NULL,
    password_changed_at timestamptz
);

CREATE TABLE sessions (
    id           text PRIMARY KEY,
    username     text NOT NULL REFERENCES users (username),
    refresh_hash text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    source_ip    text NOT NULL DEFAULT '',
    revoked      boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_username_idx ON sessions (username);

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    role         text NOT NULL,
    key_hash     text NOT NULL,
    platform     text,
    grid_codes   jsonb NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL,
    revoked      boolean NOT NULL DEFAULT false,
    last_used_at timestamptz
);

CREATE TABLE audit_log (
    id        bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    role      text NOT NULL,
    source_ip text NOT NULL,
    action    text NOT NULL,
    target    text NOT NULL,
    outcome   text NOT NULL,
    detail    jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- No role may change history: the trigger refuses even the owner; `gridwatch db grant-app-role` grants the
-- app's login role INSERT and SELECT only, so it cannot TRUNCATE or switch the trigger off either.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();

-- The last entry's id and hash: a chain cut off at its end no longer reaches the head.
CREATE TABLE audit_head (
    one       integer PRIMARY KEY CHECK (one = 1),
    last_id   bigint NOT NULL,
    last_hash text NOT NULL
);

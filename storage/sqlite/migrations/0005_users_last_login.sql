-- When each account last logged in, for `gridwatch users list`; empty until its next login.
ALTER TABLE users ADD COLUMN last_login_at TEXT;

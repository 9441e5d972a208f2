-- Tokens expire and show when they were last used; coordinators' logins can be disabled.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE coordinators ADD COLUMN disabled_at TIMESTAMP;

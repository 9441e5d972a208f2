-- Counters behind every limit (sign-up posts per address, failed sign-ins per account and per
-- address), kept in the database so that every instance shares them. Times are milliseconds
-- since 1970 (UTC) so that one statement can count, compare and compute a wait on both
-- backends alike.
CREATE TABLE rate_limits (
    -- What is counted, e.g. "signup:<address>", "login-account:<SHA-256 of the email>".
    subject TEXT PRIMARY KEY NOT NULL,
    -- Posts in the current window, or failures since the counter last started.
    hits INTEGER NOT NULL,
    -- When the last hit was counted.
    last_ms BIGINT NOT NULL,
    -- How long after `last_ms` the next attempt must wait (0: none).
    wait_ms BIGINT NOT NULL,
    -- After this the counter is forgotten and the row may be removed.
    expires_ms BIGINT NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_ms);

-- Replaced by rate_limits.
DROP TABLE login_failures;

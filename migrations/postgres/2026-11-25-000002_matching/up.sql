-- The coordinators' matching settings: one row; an empty body means the configured defaults.
CREATE TABLE matching_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO matching_settings (id, body, updated_at) VALUES (1, '', now() AT TIME ZONE 'utc');

CREATE TABLE matching_runs (
    id TEXT PRIMARY KEY NOT NULL,
    -- The settings the run used, as JSON.
    settings TEXT NOT NULL,
    mentees INTEGER NOT NULL,
    mentors INTEGER NOT NULL,
    matched INTEGER NOT NULL,
    -- Hundredths of a point.
    total_score BIGINT NOT NULL,
    min_score INTEGER NOT NULL,
    -- JSON [{mentee_id, reason}].
    unmatched TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE matches (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    run_id TEXT REFERENCES matching_runs (id),
    mentee_id TEXT NOT NULL REFERENCES profiles (id),
    mentor_id TEXT NOT NULL REFERENCES profiles (id),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'ended', 'superseded')),
    -- Hundredths of a point, 0–10000.
    score INTEGER NOT NULL,
    -- JSON [{criterion, points, max_points, detail}].
    explanation TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    approved_at TIMESTAMP,
    ended_at TIMESTAMP
);
-- A mentee has at most one approved match, whatever races.
CREATE UNIQUE INDEX matches_one_approved_per_mentee ON matches (mentee_id) WHERE status = 'approved';
CREATE INDEX matches_status_seq ON matches (status, seq);
CREATE INDEX matches_mentee ON matches (mentee_id, status);
CREATE INDEX matches_mentor ON matches (mentor_id, status);
CREATE INDEX matches_run ON matches (run_id);

-- The outbox: an email is written here in the transaction that causes it, and sent later.
CREATE TABLE emails (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    match_id TEXT REFERENCES matches (id),
    -- JSON list of addresses.
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX emails_match ON emails (match_id);
CREATE INDEX emails_status_due ON emails (status, next_attempt_at);

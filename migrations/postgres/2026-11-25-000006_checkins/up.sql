-- Check-ins over the first year: one row per match, person and step, planned at approval.
CREATE TABLE checkins (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    match_id TEXT NOT NULL REFERENCES matches (id),
    person_id TEXT NOT NULL REFERENCES profiles (id),
    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    step TEXT NOT NULL,
    survey TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'answered', 'expired', 'cancelled')),
    answered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX checkins_once_per_step ON checkins (match_id, person_id, step);
CREATE INDEX checkins_due ON checkins (status, due_at);

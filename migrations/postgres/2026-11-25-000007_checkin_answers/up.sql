-- Sending check-ins: when each went out, its reminders and expiry, the scheduler's lease.
ALTER TABLE checkins ADD COLUMN sent_at TIMESTAMP;
ALTER TABLE checkins ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE checkins ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkins ADD COLUMN next_reminder_at TIMESTAMP;
ALTER TABLE checkins ADD COLUMN lease_owner TEXT;
ALTER TABLE checkins ADD COLUMN lease_until TIMESTAMP;
CREATE INDEX checkins_reminders ON checkins (status, next_reminder_at);
CREATE INDEX checkins_person ON checkins (person_id);

-- The personal links of a check-in: a random token each (the first email and each reminder),
-- stored only as its SHA-256.
CREATE TABLE checkin_links (
    token_hash TEXT PRIMARY KEY,
    checkin_id TEXT NOT NULL REFERENCES checkins (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX checkin_links_checkin ON checkin_links (checkin_id);

-- One row per question answered; the pair, person and step are copied for the aggregates.
CREATE TABLE answers (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checkin_id TEXT NOT NULL REFERENCES checkins (id),
    match_id TEXT NOT NULL REFERENCES matches (id),
    person_id TEXT NOT NULL REFERENCES profiles (id),
    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    step TEXT NOT NULL,
    question TEXT NOT NULL,
    number DOUBLE PRECISION,
    text TEXT,
    answered_at TIMESTAMP NOT NULL,
    CHECK ((number IS NULL) <> (text IS NULL))
);
CREATE UNIQUE INDEX answers_once ON answers (checkin_id, question);
CREATE INDEX answers_by_question ON answers (question, step);
CREATE INDEX answers_by_match ON answers (match_id);

-- People who asked for no more reminders (one click, RFC 8058).
CREATE TABLE reminder_optouts (
    person_id TEXT PRIMARY KEY REFERENCES profiles (id),
    created_at TIMESTAMP NOT NULL
);

-- Check-in emails carry a one-click opt-out address; the outbox keeps it for the headers.
ALTER TABLE emails ADD COLUMN list_unsubscribe TEXT;
ALTER TABLE emails ADD COLUMN checkin_id TEXT;

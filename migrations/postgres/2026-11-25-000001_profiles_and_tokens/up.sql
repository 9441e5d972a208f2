-- Mentees and mentors share one table: most of what they tell us is the same.
CREATE TABLE profiles (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    full_name TEXT NOT NULL,
    -- NULL once the person's data is erased.
    email TEXT,
    profession TEXT NOT NULL,
    specialty TEXT NOT NULL,
    site TEXT NOT NULL,
    shift TEXT NOT NULL,
    -- JSON arrays of strings.
    languages TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    goals TEXT NOT NULL DEFAULT '[]',
    affinity_groups TEXT NOT NULL DEFAULT '[]',
    preferred_meeting TEXT NOT NULL,
    manager_email TEXT,
    notes TEXT,
    -- Mentees only.
    start_date DATE,
    -- Mentors only.
    years_experience INTEGER,
    capacity INTEGER,
    can_help_with TEXT NOT NULL DEFAULT '[]',
    certifications TEXT NOT NULL DEFAULT '[]',
    active_mentees INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP
);
CREATE UNIQUE INDEX profiles_role_email ON profiles (role, email);
CREATE INDEX profiles_role_status_seq ON profiles (role, status, seq);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'integration')),
    -- SHA-256 of the token, hex; the token itself is never stored.
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

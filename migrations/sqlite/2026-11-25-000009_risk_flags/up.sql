-- Early warnings on running pairs: one row per rule that fired, and what coordinators did.
CREATE TABLE risk_flags (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    match_id TEXT NOT NULL REFERENCES matches (id),
    -- The person the flag is about; NULL when it is about the pair as a whole.
    person_id TEXT REFERENCES profiles (id),
    role TEXT CHECK (role IN ('mentee', 'mentor')),
    rule TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
    -- Numbers, dates and steps only; never a person's own words.
    evidence TEXT NOT NULL,
    -- What the flag rests on (a check-in, a date): resolved flags are not raised again on
    -- the same basis.
    basis TEXT NOT NULL,
    -- match/rule/person (or "pair"), always set.
    flag_key TEXT NOT NULL,
    -- The same while the flag is open or acknowledged, NULL once resolved: the unique index
    -- allows one unresolved flag per match, rule and person.
    open_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    raised_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT,
    resolved_at TIMESTAMP,
    resolved_by TEXT,
    resolution TEXT CHECK (resolution IN ('nudged', 'checked_in', 'rematched', 'no_action', 'match_ended', 'superseded', 'cleared')),
    note TEXT,
    CHECK ((status = 'resolved') = (open_key IS NULL)),
    CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);
CREATE INDEX risk_flags_match ON risk_flags (match_id);
CREATE INDEX risk_flags_status ON risk_flags (status, rule);
CREATE INDEX risk_flags_basis ON risk_flags (flag_key, basis);
CREATE INDEX risk_flags_raised ON risk_flags (raised_at);

-- One coordinators' digest per local day: the row is the claim, so across processes exactly
-- one of them sends it.
CREATE TABLE health_digests (
    day DATE PRIMARY KEY,
    sent_at TIMESTAMP NOT NULL,
    recipients INTEGER NOT NULL
);

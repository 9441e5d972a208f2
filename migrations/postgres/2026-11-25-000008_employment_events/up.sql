-- Hires, transfers and leavings sent by the HR system, for first-year retention. `subject`
-- links one person's events: their profile id, replaced by a random id when the person is
-- erased (then `person_id` is NULL and nothing leads back to them).
CREATE TABLE employment_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    person_id TEXT REFERENCES profiles (id),
    subject TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    event TEXT NOT NULL CHECK (event IN ('hired', 'transferred', 'left')),
    -- Only a leaving is voluntary or not.
    voluntary BOOLEAN,
    occurred_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((event = 'left') = (voluntary IS NOT NULL))
);
-- The same event sent again is the same event: an HR system may resend its feed.
CREATE UNIQUE INDEX employment_events_once ON employment_events (subject, event, occurred_on);
CREATE INDEX employment_events_person ON employment_events (person_id, seq);
CREATE INDEX employment_events_role ON employment_events (role, event);

-- The outcomes count answers per question, role and step (and cohort, from the match's
-- approval) without reading the table: both indexes cover what those counts read.
CREATE INDEX answers_outcomes ON answers (question, role, step, match_id, number, person_id);
CREATE INDEX matches_cohort ON matches (id, approved_at);

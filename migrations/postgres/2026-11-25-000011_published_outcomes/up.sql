-- Outcome figures are published, not live: an answer counts in the outcomes only once it
-- belongs to a publication of its step, cohort and role, and a publication takes at least
-- privacy.min_cell newly answered check-ins at once, so that two reads never differ by one
-- person's answer. `publication` is the number of the publication an answer entered (null:
-- not yet published).
ALTER TABLE answers ADD COLUMN publication BIGINT;

-- One row per step, cohort (the month the match was approved, YYYY-MM) and role: how many
-- answered check-ins are published and when the last publication was.
CREATE TABLE outcome_publications (
    step TEXT NOT NULL,
    cohort TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    checkins BIGINT NOT NULL,
    publications BIGINT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (step, cohort, role)
);

-- Answers given before publication existed were already shown: they are the first publication.
UPDATE answers SET publication = 1;
INSERT INTO outcome_publications (step, cohort, role, checkins, publications, published_at)
SELECT a.step, SUBSTR(CAST(m.approved_at AS TEXT), 1, 7), a.role, COUNT(DISTINCT a.checkin_id), 1,
       (now() AT TIME ZONE 'utc')
FROM answers a JOIN matches m ON m.id = a.match_id
WHERE m.approved_at IS NOT NULL
GROUP BY a.step, SUBSTR(CAST(m.approved_at AS TEXT), 1, 7), a.role;

-- The counts read published answers only, still from the index alone; the few unpublished
-- answers are found by their own index.
DROP INDEX answers_outcomes;
CREATE INDEX answers_outcomes ON answers (question, role, step, match_id, number, person_id, publication);
CREATE INDEX answers_unpublished ON answers (publication, step, role);

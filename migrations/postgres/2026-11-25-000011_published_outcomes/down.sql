DROP INDEX answers_unpublished;
DROP INDEX answers_outcomes;
CREATE INDEX answers_outcomes ON answers (question, role, step, match_id, number, person_id);
DROP TABLE outcome_publications;
ALTER TABLE answers DROP COLUMN publication;

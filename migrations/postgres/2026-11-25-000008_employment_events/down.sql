DROP INDEX matches_cohort;
DROP INDEX answers_outcomes;
DROP TABLE employment_events;

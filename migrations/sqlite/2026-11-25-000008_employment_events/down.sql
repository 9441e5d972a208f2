DROP INDEX answers_latest;
DROP TABLE employment_events;

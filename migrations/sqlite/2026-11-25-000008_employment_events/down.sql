DROP TABLE employment_events;

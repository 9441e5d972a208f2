DROP TABLE emails;
DROP TABLE matches;
DROP TABLE matching_runs;
DROP TABLE matching_settings;

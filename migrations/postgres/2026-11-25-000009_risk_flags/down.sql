DROP TABLE health_digests;
DROP TABLE risk_flags;

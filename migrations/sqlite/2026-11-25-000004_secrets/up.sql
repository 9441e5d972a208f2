-- Secrets every process of one installation shares (e.g. the key that signs form tokens).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

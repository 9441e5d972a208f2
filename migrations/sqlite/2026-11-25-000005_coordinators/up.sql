-- People who run the programme and sign in to the console.
CREATE TABLE coordinators (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- argon2id, PHC string.
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Console sessions, kept on the server so that logout and expiry really end them.
CREATE TABLE sessions (
    -- SHA-256 of the cookie's value.
    id_hash TEXT PRIMARY KEY NOT NULL,
    coordinator_id TEXT NOT NULL REFERENCES coordinators (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed sign-ins per account and per address, to slow guessing down.
CREATE TABLE login_failures (
    subject TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL
);

-- The staff console's sign-ins (issue 28): a session cookie's SHA-256, never the cookie itself.
-- A session ends at its absolute expiry, after an idle time without a request (last_seen_at),
-- at sign-out, or with every token of its account (disabled, role or password changed, revoked).
CREATE TABLE console_sessions (
    id           SERIAL    PRIMARY KEY,
    user_id      INTEGER   NOT NULL REFERENCES users (id),
    token_hash   TEXT      NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX console_sessions_user_id ON console_sessions (user_id);

-- Staff accounts, their bearer tokens, and the hash-chained audit log (DESIGN §8).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT      NOT NULL UNIQUE,
    role          TEXT      NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin')),
    password_hash TEXT      NOT NULL,
    active        BOOLEAN   NOT NULL DEFAULT 1,
    version       INTEGER   NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER   NOT NULL REFERENCES users (id),
    token_hash TEXT      NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE audit_log (
    seq         BIGINT    PRIMARY KEY,
    recorded_at TIMESTAMP NOT NULL,
    actor       TEXT      NOT NULL,
    action      TEXT      NOT NULL,
    object_type TEXT      NOT NULL,
    object_id   TEXT      NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT      NOT NULL,
    hash        TEXT      NOT NULL UNIQUE
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- A file a console user uploaded to import (issue 28), kept between its check (the dry run the
-- page shows as a table) and its import, so the clerk need not choose it again. It belongs to
-- the session that uploaded it and ends with it (sign-out, expiry, a disabled account), or an
-- hour after upload, or when imported.
CREATE TABLE console_uploads (
    id         TEXT      PRIMARY KEY,
    session_id INTEGER   NOT NULL REFERENCES console_sessions (id) ON DELETE CASCADE,
    file_name  TEXT      NOT NULL,
    body       BLOB      NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX console_uploads_session_id ON console_uploads (session_id);
CREATE INDEX console_uploads_created_at ON console_uploads (created_at);

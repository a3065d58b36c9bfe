-- Which import a decision came in with (issue 25): the SHA-256 of the file, as the import's
-- audit record names it. A reviewer approves and publishes a whole import's decisions by it.
ALTER TABLE penalties ADD COLUMN import_id TEXT;
CREATE INDEX penalties_import ON penalties (import_id) WHERE import_id IS NOT NULL;

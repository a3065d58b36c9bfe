DROP INDEX penalties_import;
ALTER TABLE penalties DROP COLUMN import_id;

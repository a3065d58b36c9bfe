ALTER TABLE users DROP COLUMN authority_id;

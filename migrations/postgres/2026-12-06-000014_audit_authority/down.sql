DROP INDEX audit_log_authority;
ALTER TABLE audit_log DROP COLUMN authority_id;

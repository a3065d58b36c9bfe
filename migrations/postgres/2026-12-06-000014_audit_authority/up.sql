-- Which authority an audit record's object belongs to (issue 23, finding 3): a decision's, a bound
-- account's, an authority's own. An account bound to an authority reads only those records. Not
-- part of the hash chain: it is derived from the record (domain::audit_chain::authority_of), the
-- same way as this backfill.
ALTER TABLE audit_log ADD COLUMN authority_id BIGINT;
UPDATE audit_log
   SET authority_id = COALESCE(after_json::jsonb ->> 'authority_id',
                               before_json::jsonb ->> 'authority_id')::bigint
 WHERE object_type IN ('penalty', 'user');
UPDATE audit_log SET authority_id = object_id::bigint WHERE object_type = 'authority';
CREATE INDEX audit_log_authority ON audit_log (authority_id, seq);

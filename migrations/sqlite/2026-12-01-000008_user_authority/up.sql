-- A staff account may be bound to one 处罚机关 (issue 12): it then sees and writes only that
-- authority's decisions. NULL: every authority.
ALTER TABLE users ADD COLUMN authority_id BIGINT REFERENCES authorities (id);

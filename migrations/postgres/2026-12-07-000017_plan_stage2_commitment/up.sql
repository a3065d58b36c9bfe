-- The stage-2 commitment (issue 26): SHA-256 of the canonical text of everything the teams
-- depend on (the frozen roster, its 回避 pairs, the category tree, the team size, the load cap and
-- each member's category), published at announcement beside the snapshot hash. NULL for a plan
-- announced before commitments were published.
ALTER TABLE plans ADD COLUMN stage2_sha256 TEXT;

-- SQLite's twin rebuilds penalty_states with penalty_id as its row id (issue 27). PostgreSQL's
-- primary key is already the one index the join uses: nothing to change.
SELECT 1;

-- The feed (GET /api/v1/public/penalties/feed.atom) reads the newest publication events: the
-- latest published, the latest withdrawn or repaired (their state's updated_at is that step's
-- time) and the latest publicity ends, each through its own index, a hundred rows at most.
CREATE INDEX penalty_states_published_at ON penalty_states (published_at);
CREATE INDEX penalty_states_state_updated ON penalty_states (state, updated_at);
CREATE INDEX penalty_states_publicity_end ON penalty_states (publicity_max_end);

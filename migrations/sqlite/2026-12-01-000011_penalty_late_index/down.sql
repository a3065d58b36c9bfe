DROP INDEX penalty_states_late;

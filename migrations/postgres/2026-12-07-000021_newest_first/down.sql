DROP INDEX penalties_newest;
ALTER TABLE penalty_name_grams DROP CONSTRAINT penalty_name_grams_pkey;
ALTER TABLE penalty_name_grams
    ADD CONSTRAINT penalty_name_grams_pkey PRIMARY KEY (gram, penalty_id)
    INCLUDE (authority_id, decision_day);

-- Lists newest decision first (issue 28; see the SQLite twin): the postings' primary key leads
-- with the decision day after the key, and the plain list walks the decisions by date.
ALTER TABLE penalty_name_grams DROP CONSTRAINT penalty_name_grams_pkey;
ALTER TABLE penalty_name_grams
    ADD CONSTRAINT penalty_name_grams_pkey PRIMARY KEY (gram, decision_day, penalty_id)
    INCLUDE (authority_id);
CREATE INDEX penalties_newest ON penalties (decision_date, id);

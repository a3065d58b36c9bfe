-- Postings that carry their decision's authority and day (issue 27; see the SQLite twin). The
-- primary key includes them, so a posting walk filters on them in an index-only scan.
-- `decision_day` is the decision date as days since 1970-01-01 (store::penalties::day_number).
CREATE TABLE penalty_name_grams_faceted (
    gram         BIGINT  NOT NULL,
    penalty_id   BIGINT  NOT NULL,
    authority_id BIGINT  NOT NULL,
    decision_day INTEGER NOT NULL
);
INSERT INTO penalty_name_grams_faceted (gram, penalty_id, authority_id, decision_day)
SELECT g.gram, g.penalty_id, p.authority_id, p.decision_date - DATE '1970-01-01'
FROM penalty_name_grams g JOIN penalties p ON p.id = g.penalty_id
ORDER BY g.gram, g.penalty_id;
DROP TABLE penalty_name_grams;
ALTER TABLE penalty_name_grams_faceted RENAME TO penalty_name_grams;
ALTER TABLE penalty_name_grams
    ADD CONSTRAINT penalty_name_grams_pkey PRIMARY KEY (gram, penalty_id)
    INCLUDE (authority_id, decision_day);

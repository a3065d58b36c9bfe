DROP INDEX penalties_newest;
CREATE TABLE penalty_name_grams_by_id (
    gram         BIGINT  NOT NULL,
    penalty_id   BIGINT  NOT NULL,
    authority_id BIGINT  NOT NULL,
    decision_day INTEGER NOT NULL,
    PRIMARY KEY (gram, penalty_id)
) WITHOUT ROWID;
INSERT INTO penalty_name_grams_by_id (gram, penalty_id, authority_id, decision_day)
SELECT gram, penalty_id, authority_id, decision_day FROM penalty_name_grams
ORDER BY gram, penalty_id;
DROP TABLE penalty_name_grams;
ALTER TABLE penalty_name_grams_by_id RENAME TO penalty_name_grams;

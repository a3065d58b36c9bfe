CREATE TABLE penalty_name_grams_plain (
    gram       BIGINT NOT NULL,
    penalty_id BIGINT NOT NULL,
    PRIMARY KEY (gram, penalty_id)
) WITHOUT ROWID;
INSERT INTO penalty_name_grams_plain (gram, penalty_id)
SELECT gram, penalty_id FROM penalty_name_grams ORDER BY gram, penalty_id;
DROP TABLE penalty_name_grams;
ALTER TABLE penalty_name_grams_plain RENAME TO penalty_name_grams;

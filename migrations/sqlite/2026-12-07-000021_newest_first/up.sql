-- Lists newest decision first (issue 28): a name search walks a key's postings by decision day,
-- newest first, so the postings' primary key leads with the day after the key; the plain list
-- walks the decisions by date. Same postings, same columns.
CREATE TABLE penalty_name_grams_dated (
    gram         BIGINT  NOT NULL,
    penalty_id   BIGINT  NOT NULL,
    authority_id BIGINT  NOT NULL,
    decision_day INTEGER NOT NULL,
    PRIMARY KEY (gram, decision_day, penalty_id)
) WITHOUT ROWID;
INSERT INTO penalty_name_grams_dated (gram, penalty_id, authority_id, decision_day)
SELECT gram, penalty_id, authority_id, decision_day FROM penalty_name_grams
ORDER BY gram, decision_day, penalty_id;
DROP TABLE penalty_name_grams;
ALTER TABLE penalty_name_grams_dated RENAME TO penalty_name_grams;
CREATE INDEX penalties_newest ON penalties (decision_date, id);

-- Postings that carry their decision's authority and day (issue 27). A fragment searched with an
-- authority or a date range walks its posting list in id order until a page of decisions passes
-- the filters; with the filters' columns in the posting itself, a posting of another authority
-- or day is passed over without reading its decision. `decision_day` is the decision date as
-- days since 1970-01-01 (store::penalties::day_number). Same key, same postings.
CREATE TABLE penalty_name_grams_faceted (
    gram         BIGINT  NOT NULL,
    penalty_id   BIGINT  NOT NULL,
    authority_id BIGINT  NOT NULL,
    decision_day INTEGER NOT NULL,
    PRIMARY KEY (gram, penalty_id)
) WITHOUT ROWID;
INSERT INTO penalty_name_grams_faceted (gram, penalty_id, authority_id, decision_day)
SELECT g.gram, g.penalty_id, p.authority_id, unixepoch(p.decision_date) / 86400
FROM penalty_name_grams g JOIN penalties p ON p.id = g.penalty_id
ORDER BY g.gram, g.penalty_id;
DROP TABLE penalty_name_grams;
ALTER TABLE penalty_name_grams_faceted RENAME TO penalty_name_grams;

-- How many postings each key of the name index has (issue 11): a search plans with one lookup
-- here instead of counting posting lists. Kept in the same transaction as the postings
-- (store/name_index.rs); filled here from the postings already stored.
CREATE TABLE entity_name_gram_counts (
    gram BIGINT PRIMARY KEY,
    n    BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO entity_name_gram_counts (gram, n)
SELECT gram, count(*) FROM entity_name_grams GROUP BY gram;

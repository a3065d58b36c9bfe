-- Indexes that gongshi computes in Rust from stored rows (the name-search grams, src/domain/text.rs)
-- and the format each is built in. After its migrations gongshi rebuilds, in one transaction,
-- every index whose version here is older than the code's. Version 2 of entity_name_grams adds
-- the trigrams of each name to its bigrams.
CREATE TABLE derived_indexes (
    name    TEXT    PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO derived_indexes (name, version) VALUES ('entity_name_grams', 1);

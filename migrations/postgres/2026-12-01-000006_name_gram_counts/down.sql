DROP TABLE entity_name_gram_counts;

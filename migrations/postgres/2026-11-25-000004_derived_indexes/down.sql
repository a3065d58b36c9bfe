DROP TABLE derived_indexes;

DROP TABLE inspector_conflicts;
DROP TABLE inspectors;
DROP TABLE entity_name_grams;
DROP TABLE entities;

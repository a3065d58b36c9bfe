DROP TABLE plan_results;
DROP TABLE plan_selections;
DROP TABLE plan_exclusions;
DROP TABLE plan_snapshots;
DROP TABLE plan_closings;
DROP TABLE plans;

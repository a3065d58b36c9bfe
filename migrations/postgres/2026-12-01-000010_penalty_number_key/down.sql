DROP INDEX penalties_number_key;

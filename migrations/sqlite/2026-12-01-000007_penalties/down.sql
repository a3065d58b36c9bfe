DROP TABLE penalty_name_gram_counts;
DROP TABLE penalty_name_grams;
DROP TABLE penalty_states;
DROP TABLE penalties;
DROP TABLE decision_number_sequences;
DROP TABLE authorities;

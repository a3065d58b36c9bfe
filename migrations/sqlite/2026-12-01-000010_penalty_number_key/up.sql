-- A whole decision number in a public search is found by its key (any spelling), across
-- authorities: the (authority_id, number_key) key cannot serve a lookup without the authority.
CREATE INDEX penalties_number_key ON penalties (number_key);

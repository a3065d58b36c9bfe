-- A decision's state row keyed by the table's own row id (issue 27). `BIGINT PRIMARY KEY` made
-- SQLite keep a separate index of penalty_id beside the row id, so every join from a decision
-- to its state searched two B-trees; `INTEGER PRIMARY KEY` makes penalty_id the row id itself.
-- Same columns, same values, same indexes.
CREATE TABLE penalty_states_rebuilt (
    penalty_id                   INTEGER   PRIMARY KEY REFERENCES penalties (id),
    state                        TEXT      NOT NULL,
    version                      INTEGER   NOT NULL,
    workflow_json                TEXT      NOT NULL,
    publication_deadline         DATE      NOT NULL,
    publication_deadline_provisional BOOLEAN NOT NULL,
    publicity_min_end            DATE      NOT NULL,
    publicity_max_end            DATE      NOT NULL,
    published_at                 TIMESTAMP,
    published_on                 DATE,
    working_days_late            INTEGER,
    withdrawal_event_date        DATE,
    withdrawal_deadline          DATE,
    withdrawal_deadline_provisional BOOLEAN,
    withdrawn_on                 DATE,
    updated_at                   TIMESTAMP NOT NULL
);
INSERT INTO penalty_states_rebuilt SELECT * FROM penalty_states;
DROP TABLE penalty_states;
ALTER TABLE penalty_states_rebuilt RENAME TO penalty_states;
CREATE INDEX penalty_states_state ON penalty_states (state, penalty_id);
CREATE INDEX penalty_states_deadline ON penalty_states (state, publication_deadline);
CREATE INDEX penalty_states_late ON penalty_states (working_days_late);
CREATE INDEX penalty_states_published_at ON penalty_states (published_at);
CREATE INDEX penalty_states_state_updated ON penalty_states (state, updated_at);
CREATE INDEX penalty_states_publicity_end ON penalty_states (publicity_max_end);

-- 行政处罚决定 (issue 12, DESIGN §7). An authority (处罚机关) owns its decisions and its
-- decision-number sequence. A decision is two rows: the record as logged (penalties) and its
-- life (penalty_states: state, deadlines, publication, withdrawal, repair). Nothing is deleted.
CREATE TABLE authorities (
    id                        BIGSERIAL PRIMARY KEY,
    name                      TEXT      NOT NULL UNIQUE,
    credit_code               TEXT      NOT NULL UNIQUE,
    number_prefix             TEXT      NOT NULL,
    publish_simple_procedure  BOOLEAN   NOT NULL,
    publish_warning_only      BOOLEAN   NOT NULL,
    publish_minor             BOOLEAN   NOT NULL,
    mask_natural_person_names BOOLEAN   NOT NULL,
    version                   INTEGER   NOT NULL,
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL
);

-- The last number allocated per authority and year: {代字}罚〔{year}〕{last}号.
CREATE TABLE decision_number_sequences (
    authority_id BIGINT  NOT NULL REFERENCES authorities (id),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (authority_id, year)
);

CREATE TABLE penalties (
    id                   BIGSERIAL PRIMARY KEY,
    authority_id         BIGINT    NOT NULL REFERENCES authorities (id),
    decision_number      TEXT      NOT NULL,
    number_key           TEXT      NOT NULL,
    party_kind           TEXT      NOT NULL,
    party_name           TEXT      NOT NULL,
    public_name          TEXT      NOT NULL,
    -- What the public search matches: the public name and the number, in search form.
    search_text          TEXT      NOT NULL,
    party_credit_code    TEXT,
    legal_representative TEXT,
    -- Private: ID type and number, address, other codes, internal notes (never public).
    private_json         TEXT      NOT NULL,
    violation_type       TEXT      NOT NULL,
    facts                TEXT      NOT NULL,
    legal_basis          TEXT      NOT NULL,
    penalty_types        TEXT      NOT NULL,
    content              TEXT      NOT NULL,
    fine_fen             BIGINT,
    confiscation_fen     BIGINT,
    licence_affected     TEXT,
    decision_date        DATE      NOT NULL,
    procedure            TEXT      NOT NULL,
    severity             TEXT      NOT NULL,
    severity_reason      TEXT,
    case_officers        TEXT      NOT NULL,
    entity_credit_code   TEXT,
    imported             BOOLEAN   NOT NULL,
    created_by           TEXT      NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    UNIQUE (authority_id, number_key)
);
CREATE INDEX penalties_party_credit_code ON penalties (party_credit_code, id);

CREATE TABLE penalty_states (
    penalty_id                   BIGINT    PRIMARY KEY REFERENCES penalties (id),
    state                        TEXT      NOT NULL,
    version                      INTEGER   NOT NULL,
    -- Who did what and why: drafters, submission, approval, rejection, withdrawal, repair.
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
CREATE INDEX penalty_states_state ON penalty_states (state, penalty_id);
CREATE INDEX penalty_states_deadline ON penalty_states (state, publication_deadline);

-- The public name search (store/name_index.rs) over what the public view shows.
CREATE TABLE penalty_name_grams (
    gram       BIGINT NOT NULL,
    penalty_id BIGINT NOT NULL,
    PRIMARY KEY (gram, penalty_id)
);
CREATE TABLE penalty_name_gram_counts (
    gram BIGINT PRIMARY KEY,
    n    BIGINT NOT NULL
);

-- The market-entity directory, its name-search index, the inspector roster and declared
-- conflicts of interest (DESIGN §5).
CREATE TABLE entities (
    id                   BIGSERIAL PRIMARY KEY,
    credit_code          TEXT      NOT NULL UNIQUE,
    name                 TEXT      NOT NULL,
    search_name          TEXT      NOT NULL,
    kind                 TEXT      NOT NULL,
    category             TEXT      NOT NULL,
    district             TEXT      NOT NULL,
    address              TEXT,
    legal_representative TEXT,
    licence_numbers      TEXT      NOT NULL,
    status               TEXT      NOT NULL CHECK (status IN ('active', 'deregistered')),
    risk_tags            TEXT      NOT NULL,
    version              INTEGER   NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX entities_category ON entities (category, id);
CREATE INDEX entities_district ON entities (district, id);

-- One row per distinct character bigram of an entity's search name (src/domain/text.rs),
-- written in the same transaction as the entity.
CREATE TABLE entity_name_grams (
    gram      BIGINT NOT NULL,
    entity_id BIGINT NOT NULL,
    PRIMARY KEY (gram, entity_id)
);

CREATE TABLE inspectors (
    id                     BIGSERIAL PRIMARY KEY,
    certificate_no         TEXT      NOT NULL UNIQUE,
    name                   TEXT      NOT NULL,
    certificate_valid_from DATE      NOT NULL,
    certificate_valid_to   DATE      NOT NULL,
    unit                   TEXT      NOT NULL,
    fields                 TEXT      NOT NULL,
    id_number              TEXT,
    phone                  TEXT,
    status                 TEXT      NOT NULL CHECK (status IN ('active', 'suspended', 'retired')),
    version                INTEGER   NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);

CREATE TABLE inspector_conflicts (
    id              BIGSERIAL PRIMARY KEY,
    inspector_id    BIGINT    NOT NULL REFERENCES inspectors (id),
    credit_code     TEXT,
    category        TEXT,
    reason          TEXT      NOT NULL,
    declared_at     TIMESTAMP NOT NULL,
    declared_by     TEXT      NOT NULL,
    removed_at      TIMESTAMP,
    removed_by      TEXT,
    removal_reason  TEXT,
    CHECK ((credit_code IS NULL) <> (category IS NULL))
);
CREATE INDEX inspector_conflicts_inspector ON inspector_conflicts (inspector_id);

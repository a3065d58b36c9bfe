-- 随机抽查事项清单 (issue 13): each item keeps every version it had. A change writes a new version
-- row and moves current_version; no version row is ever updated or deleted, so a plan announced
-- under version 3 can always show version 3.
CREATE TABLE inspection_items (
    id              INTEGER PRIMARY KEY,
    code            TEXT      NOT NULL UNIQUE,
    current_version INTEGER   NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE TABLE inspection_item_versions (
    item_id        BIGINT    NOT NULL REFERENCES inspection_items (id),
    version        INTEGER   NOT NULL,
    field          TEXT      NOT NULL,
    name           TEXT      NOT NULL,
    content        TEXT      NOT NULL,
    kind           TEXT      NOT NULL,
    basis          TEXT      NOT NULL,
    subject        TEXT      NOT NULL,
    -- JSON lists of codes (category codes; method codes)
    categories     TEXT      NOT NULL,
    methods        TEXT      NOT NULL,
    ratio          TEXT,
    frequency      TEXT,
    effective_from DATE      NOT NULL,
    effective_to   DATE,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT      NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- 行业类别 as reference data (issue 11): the shipped list is seeds/categories.csv, loaded at start-up;
-- admins add categories and aliases. Categories and aliases are only ever added, never changed or
-- removed, so every stored category code (entities.category, inspectors.fields,
-- inspector_conflicts.category) stays valid. Uniqueness of a name across labels and aliases is
-- checked by the code inside the write transaction (serialised); the keys below back it up.
CREATE TABLE categories (
    code       TEXT      PRIMARY KEY,
    label      TEXT      NOT NULL UNIQUE,
    parent     TEXT      REFERENCES categories (code),
    regulation TEXT,
    position   INTEGER   NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE category_aliases (
    id         INTEGER PRIMARY KEY,
    alias      TEXT      NOT NULL UNIQUE,
    code       TEXT      NOT NULL REFERENCES categories (code),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX category_aliases_code ON category_aliases (code);

-- The working-day calendar (DESIGN §3): which (region, year) notices are loaded, and their days.
CREATE TABLE calendar_years (
    region    TEXT      NOT NULL,
    year      INTEGER   NOT NULL,
    source    TEXT      NOT NULL,
    origin    TEXT      NOT NULL CHECK (origin IN ('seed', 'operator')),
    revision  INTEGER   NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by TEXT      NOT NULL,
    PRIMARY KEY (region, year)
);

CREATE TABLE calendar_days (
    region TEXT    NOT NULL,
    day    DATE    NOT NULL,
    year   INTEGER NOT NULL,
    kind   TEXT    NOT NULL CHECK (kind IN ('holiday', 'adjusted_workday')),
    name   TEXT    NOT NULL,
    source TEXT    NOT NULL,
    PRIMARY KEY (region, day),
    FOREIGN KEY (region, year) REFERENCES calendar_years (region, year)
);
CREATE INDEX calendar_days_year ON calendar_days (region, year);

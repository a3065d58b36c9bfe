-- 抽查计划 (issue 13). A plan row carries its lifecycle up to the draw, plan_closings how it
-- ended; each step fills its own columns once. What a draw depends on is frozen at announcement in plan_snapshots (the population's
-- credit codes in their canonical text, their categories in the same order, the roster with
-- its conflicts as JSON), so a draw and its bundle can be recomputed from the database alone.
CREATE TABLE plans (
    id                           BIGSERIAL PRIMARY KEY,
    title                        TEXT      NOT NULL,
    -- JSON [{"id":…,"version":…}]: the items at the versions the plan names
    items                        TEXT      NOT NULL,
    -- JSON lists of category codes and district codes (empty: every district)
    categories                   TEXT      NOT NULL,
    districts                    TEXT      NOT NULL,
    sample_size                  INTEGER,
    sample_ratio_ppm             INTEGER,
    team_size                    INTEGER   NOT NULL,
    load_cap                     INTEGER,
    -- JSON [{"description":…,"available_on":…}], in announced order
    sources                      TEXT      NOT NULL,
    planned_month                TEXT      NOT NULL,
    responsible_unit             TEXT      NOT NULL,
    status                       TEXT      NOT NULL,
    version                      INTEGER   NOT NULL,
    created_at                   TIMESTAMP NOT NULL,
    created_by                   TEXT      NOT NULL,
    updated_at                   TIMESTAMP NOT NULL,
    announced_at                 TIMESTAMP,
    announced_by                 TEXT,
    announced_on                 DATE,
    snapshot_sha256              TEXT,
    snapshot_size                INTEGER,
    sample                       INTEGER,
    frequency_cap                INTEGER,
    drawn_at                     TIMESTAMP,
    drawn_by                     TEXT,
    drawn_on                     DATE,
    -- JSON [[…],…]: each source's values as given
    source_values                TEXT,
    draw_key                     TEXT
);
CREATE INDEX plans_status ON plans (status);

-- How a plan ended: completed (and its results published) or voided (with a public reason).
CREATE TABLE plan_closings (
    plan_id                      BIGINT    NOT NULL PRIMARY KEY REFERENCES plans (id),
    completed_at                 TIMESTAMP,
    completed_by                 TEXT,
    completed_on                 DATE,
    results_deadline             DATE,
    results_deadline_provisional BOOLEAN,
    results_published_at         TIMESTAMP,
    results_published_by         TEXT,
    results_published_on         DATE,
    results_days_late            INTEGER,
    voided_at                    TIMESTAMP,
    voided_by                    TEXT,
    voided_from                  TEXT,
    void_reason                  TEXT
);
CREATE INDEX plan_closings_late ON plan_closings (results_days_late);

CREATE TABLE plan_snapshots (
    plan_id    BIGINT NOT NULL PRIMARY KEY REFERENCES plans (id),
    codes      TEXT   NOT NULL,
    categories TEXT   NOT NULL,
    roster     TEXT   NOT NULL
);

-- Entities left out at announcement because they reached the yearly cap (public).
CREATE TABLE plan_exclusions (
    plan_id     BIGINT  NOT NULL REFERENCES plans (id),
    credit_code TEXT    NOT NULL,
    inspections INTEGER NOT NULL,
    PRIMARY KEY (plan_id, credit_code)
);

-- The draw's result: the entity of each pick (from 1) and its team (JSON certificate numbers).
CREATE TABLE plan_selections (
    plan_id     BIGINT  NOT NULL REFERENCES plans (id),
    pick        INTEGER NOT NULL,
    credit_code TEXT    NOT NULL,
    inspectors  TEXT    NOT NULL,
    PRIMARY KEY (plan_id, pick)
);
CREATE INDEX plan_selections_credit_code ON plan_selections (credit_code);

CREATE TABLE plan_results (
    plan_id      BIGINT    NOT NULL REFERENCES plans (id),
    pick         INTEGER   NOT NULL,
    outcome      TEXT      NOT NULL,
    inspected_on DATE      NOT NULL,
    inspectors   TEXT      NOT NULL,
    notes        TEXT,
    recorded_at  TIMESTAMP NOT NULL,
    recorded_by  TEXT      NOT NULL,
    PRIMARY KEY (plan_id, pick)
);

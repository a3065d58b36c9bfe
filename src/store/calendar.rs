//! Loaded calendar years and their special days.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;

use super::schema::{calendar_days, calendar_years};
use super::AnyConn;
use crate::domain::calendar::{LoadedYear, Origin, RawDay, Region, YearSchedule};

#[derive(Queryable, Selectable)]
#[diesel(table_name = calendar_years)]
struct YearRow {
    region: String,
    year: i32,
    source: String,
    origin: String,
    revision: i32,
    loaded_at: NaiveDateTime,
    loaded_by: String,
}

impl From<YearRow> for LoadedYear {
    fn from(r: YearRow) -> Self {
        LoadedYear {
            region: r.region,
            year: r.year,
            source: r.source,
            origin: if r.origin == "seed" {
                Origin::Seed
            } else {
                Origin::Operator
            },
            revision: r.revision,
            loaded_at: r.loaded_at,
            loaded_by: r.loaded_by,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_days)]
struct DayRow {
    region: String,
    day: NaiveDate,
    year: i32,
    kind: String,
    name: String,
    source: String,
}

/// A cheap value that changes whenever any year is loaded or replaced, so each instance can tell
/// when its in-memory index is stale (several instances may share one PostgreSQL).
pub fn fingerprint(conn: &mut AnyConn) -> QueryResult<(i64, i64)> {
    let (n, revisions): (i64, Option<i64>) = calendar_years::table
        .select((count_star(), sum(calendar_years::revision)))
        .first(conn)?;
    Ok((n, revisions.unwrap_or(0)))
}

pub fn years(conn: &mut AnyConn) -> QueryResult<Vec<LoadedYear>> {
    Ok(calendar_years::table
        .order((calendar_years::region.asc(), calendar_years::year.asc()))
        .select(YearRow::as_select())
        .load(conn)?
        .into_iter()
        .map(LoadedYear::from)
        .collect())
}

pub fn year(conn: &mut AnyConn, region: &Region, year: i32) -> QueryResult<Option<LoadedYear>> {
    Ok(calendar_years::table
        .find((region.as_str(), year))
        .select(YearRow::as_select())
        .first(conn)
        .optional()?
        .map(LoadedYear::from))
}

/// Every loaded year as a schedule. Stored rows were validated on the way in; a row that no
/// longer validates is a corrupted database and is reported as such.
pub fn schedules(conn: &mut AnyConn) -> QueryResult<Vec<YearSchedule>> {
    let years = years(conn)?;
    let days: Vec<DayRow> = calendar_days::table
        .order((calendar_days::region.asc(), calendar_days::day.asc()))
        .select(DayRow::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(years.len());
    for y in years {
        let rows: Vec<RawDay> = days
            .iter()
            .filter(|d| d.region == y.region && d.year == y.year)
            .map(|d| RawDay {
                line: 0,
                date: d.day.to_string(),
                kind: d.kind.clone(),
                name: d.name.clone(),
                source: Some(d.source.clone()),
            })
            .collect();
        let region = Region::parse(&y.region)
            .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
        let schedule =
            YearSchedule::parse(region, y.year, Some(&y.source), &rows).map_err(|e| {
                diesel::result::Error::DeserializationError(
                    format!("stored calendar {} {} is invalid: {e:?}", y.region, y.year).into(),
                )
            })?;
        out.push(schedule);
    }
    Ok(out)
}

/// Replaces one (region, year) with `schedule`. Call inside a write transaction.
pub fn replace(
    conn: &mut AnyConn,
    schedule: &YearSchedule,
    origin: Origin,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<LoadedYear> {
    let region = schedule.region().as_str();
    let y = schedule.year();
    diesel::delete(
        calendar_days::table.filter(
            calendar_days::region
                .eq(region)
                .and(calendar_days::year.eq(y)),
        ),
    )
    .execute(conn)?;
    let existing = year(conn, schedule.region(), y)?;
    let revision = existing.as_ref().map_or(1, |e| e.revision + 1);
    let values = (
        calendar_years::source.eq(schedule.source()),
        calendar_years::origin.eq(origin.as_str()),
        calendar_years::revision.eq(revision),
        calendar_years::loaded_at.eq(now),
        calendar_years::loaded_by.eq(actor),
    );
    if existing.is_some() {
        diesel::update(calendar_years::table.find((region, y)))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(calendar_years::table)
            .values((
                calendar_years::region.eq(region),
                calendar_years::year.eq(y),
                values,
            ))
            .execute(conn)?;
    }
    let rows: Vec<DayRow> = schedule
        .days()
        .iter()
        .map(|d| DayRow {
            region: region.to_string(),
            day: d.date,
            year: y,
            kind: d.kind.as_str().to_string(),
            name: d.name.clone(),
            source: d.source.clone(),
        })
        .collect();
    // Multi-row INSERT does not compile on the multi-backend connection; each backend does it.
    for chunk in rows.chunks(200) {
        match conn {
            AnyConn::Sqlite(c) => diesel::insert_into(calendar_days::table)
                .values(chunk)
                .execute(c)?,
            AnyConn::Pg(c) => diesel::insert_into(calendar_days::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    year(conn, schedule.region(), y)?.ok_or(diesel::result::Error::NotFound)
}

//! Calendar use cases: answer date questions from an in-memory index that follows the database,
//! and replace a (region, year) atomically with its audit record.

use super::events::{self, Event};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use super::snapshots::{self, CalendarYearSnapshot, ReplacedYearSnapshot};
use super::{Actor, App, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::calendar::{
    CalendarError, DayInfo, Deadline, LoadedYear, LunarTable, Origin, RawDay, Region,
    ScheduleError, WorkdayIndex, YearSchedule,
};
use crate::domain::deadline::{rule_on, DeadlineRule};
use crate::domain::policy::Action;
use crate::store::{self, write_tx, AnyConn};

use crate::assets::LUNAR_FESTIVALS as LUNAR_TABLE;

/// Largest `days` a query may ask for.
pub const MAX_DAYS: u32 = 400;

type Indexes = Arc<HashMap<Region, WorkdayIndex>>;

/// The calendar of one deployment: its regions and a cache of indexes keyed by the database's
/// calendar fingerprint.
pub struct Calendars {
    regions: Vec<Region>,
    lunar: LunarTable,
    cache: RwLock<Option<((i64, i64), Indexes)>>,
}

impl Calendars {
    /// `regions` from GONGSHI_CALENDAR_REGIONS (e.g. `CN` or `CN,CN-NX`); the last is the default.
    pub fn new(regions: Vec<Region>) -> Calendars {
        let mut regions = if regions.is_empty() {
            vec![Region::national()]
        } else {
            regions
        };
        if !regions.contains(&Region::national()) {
            regions.insert(0, Region::national());
        }
        Calendars {
            regions,
            lunar: LunarTable::parse(LUNAR_TABLE).expect("the shipped lunar table parses (tested)"),
            cache: RwLock::new(None),
        }
    }

    pub fn parse_regions(raw: &str) -> Result<Vec<Region>, crate::domain::calendar::RegionError> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Region::parse)
            .collect()
    }

    pub fn default_region(&self) -> &Region {
        self.regions.last().expect("at least CN")
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The configured region named by `raw`, or the default when absent.
    pub fn region(&self, raw: Option<&str>) -> Result<Region, ServiceError> {
        let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
            return Ok(self.default_region().clone());
        };
        let region = Region::parse(raw)
            .map_err(|e| ServiceError::invalid("region", "invalid", e.to_string()))?;
        if self.regions.contains(&region) {
            Ok(region)
        } else {
            Err(ServiceError::invalid(
                "region",
                "unknown",
                format!(
                    "region {region} is not configured here (GONGSHI_CALENDAR_REGIONS: {})",
                    self.regions
                        .iter()
                        .map(Region::as_str)
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            ))
        }
    }

    /// The indexes for every configured region, rebuilt when the stored calendar changed.
    fn indexes(&self, conn: &mut AnyConn) -> Result<Indexes, ServiceError> {
        let fp = store::calendar::fingerprint(conn)?;
        if let Some((cached_fp, idx)) = self.cache.read().expect("cache lock").as_ref() {
            if *cached_fp == fp {
                return Ok(idx.clone());
            }
        }
        let schedules = store::calendar::schedules(conn)?;
        let built: Indexes = Arc::new(
            self.regions
                .iter()
                .map(|r| (r.clone(), WorkdayIndex::build(r, &schedules, &self.lunar)))
                .collect(),
        );
        *self.cache.write().expect("cache lock") = Some((fp, built.clone()));
        Ok(built)
    }

    fn index(
        &self,
        conn: &mut AnyConn,
        region: &Region,
    ) -> Result<(Indexes, Region), ServiceError> {
        Ok((self.indexes(conn)?, region.clone()))
    }

    pub fn day(
        &self,
        conn: &mut AnyConn,
        region: &Region,
        date: NaiveDate,
        provisional: bool,
    ) -> Result<DayInfo, ServiceError> {
        let (idx, r) = self.index(conn, region)?;
        idx[&r].day(date, provisional).map_err(not_loaded)
    }

    pub fn add_workdays(
        &self,
        conn: &mut AnyConn,
        region: &Region,
        from: NaiveDate,
        days: u32,
        provisional: bool,
    ) -> Result<Deadline, ServiceError> {
        let (idx, r) = self.index(conn, region)?;
        idx[&r]
            .add_workdays(from, days, provisional)
            .map_err(not_loaded)
    }

    pub fn workdays_between(
        &self,
        conn: &mut AnyConn,
        region: &Region,
        from: NaiveDate,
        to: NaiveDate,
        provisional: bool,
    ) -> Result<(u32, bool), ServiceError> {
        let (idx, r) = self.index(conn, region)?;
        idx[&r]
            .workdays_between(from, to, provisional)
            .map_err(not_loaded)
    }

    /// The special days of `year` for `region`, layer by layer (national first), with the count of
    /// working days; 422 calendar-not-loaded when a layer is missing.
    pub fn year(
        &self,
        conn: &mut AnyConn,
        region: &Region,
        year: i32,
    ) -> Result<YearView, ServiceError> {
        let mut layers = Vec::new();
        for layer in region.layers() {
            let loaded = store::calendar::year(conn, &layer, year)?.ok_or_else(|| {
                ServiceError::CalendarNotLoaded {
                    region: layer.to_string(),
                    year,
                    provisional: false,
                }
            })?;
            layers.push(loaded);
        }
        let schedules: Vec<YearSchedule> = store::calendar::schedules(conn)?
            .into_iter()
            .filter(|s| s.year() == year && region.layers().contains(s.region()))
            .collect();
        let (idx, r) = self.index(conn, region)?;
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| ServiceError::invalid("year", "range", "no such year"))?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("Dec 31 exists");
        let before_first = first.pred_opt().expect("a day before Jan 1");
        let (workdays, _) = idx[&r]
            .workdays_between(before_first, last, false)
            .map_err(not_loaded)?;
        Ok(YearView {
            layers,
            schedules,
            workdays,
        })
    }

    pub fn coverage(&self, conn: &mut AnyConn) -> Result<Vec<LoadedYear>, ServiceError> {
        Ok(store::calendar::years(conn)?)
    }

    /// Replaces one (region, year) atomically and audits it. Admin only.
    #[allow(clippy::too_many_arguments)]
    fn replace_year(
        &self,
        conn: &mut AnyConn,
        actor: &Actor,
        region: &Region,
        year: i32,
        source: Option<&str>,
        rows: &[RawDay],
        confirm_incomplete: bool,
        now: chrono::NaiveDateTime,
    ) -> Result<(LoadedYear, usize), ServiceError> {
        actor.require(Action::LoadCalendar)?;
        if !(1949..=2200).contains(&year) {
            return Err(ServiceError::invalid(
                "year",
                "range",
                "year is between 1949 and 2200",
            ));
        }
        let schedule =
            YearSchedule::parse(region.clone(), year, source, rows).map_err(schedule_errors)?;
        if region.is_national() && !confirm_incomplete {
            // A national year without its statutory festival days is a wrong calendar (an empty
            // upload, a file cut short): every deadline would be computed from it.
            let missing = crate::domain::calendar::statutory::festival_days_missing(
                year,
                self.lunar.get(year),
                &schedule.holidays(),
            );
            if !missing.is_empty() {
                let listed: Vec<String> = missing
                    .iter()
                    .map(|(d, name)| format!("{d} {name}"))
                    .collect();
                return Err(ServiceError::Unprocessable(vec![FieldError::new(
                    "days",
                    "statutory_holidays_missing",
                    format!(
                        "the year does not give these statutory holidays off (全国年节及纪念日放假办法 Art. 2): {}; add them, or send confirm_incomplete=true if the schedule really is so",
                        listed.join(", ")
                    ),
                )]));
            }
        }
        write_tx(conn, |conn| {
            let before = store::calendar::year(conn, region, year)?;
            let loaded =
                store::calendar::replace(conn, &schedule, Origin::Operator, &actor.name, now)?;
            events::record_event(
                conn,
                Event {
                    actor: &actor.name,
                    action: AuditAction::CalendarReplace,
                    object_type: "calendar_year",
                    object_id: format!("{region}/{year}"),
                    before: before
                        .as_ref()
                        .map(|b| snapshots::json(&ReplacedYearSnapshot::from(b))),
                    after: Some(snapshots::json(&CalendarYearSnapshot::new(
                        &schedule,
                        loaded.revision,
                    ))),
                },
                now,
            )?;
            // Deadlines that waited for this year become final in the same transaction: the
            // decisions' and the plans' alike.
            recompute_provisional(self, conn, actor, now)?;
            Ok((loaded, schedule.days().len()))
        })
    }

    /// Loads the shipped seed years: a year not yet loaded is inserted; a year loaded from an older
    /// seed is replaced when the shipped file differs; an operator's upload is never touched.
    fn seed(
        &self,
        conn: &mut AnyConn,
        files: &[(&str, i32, &str)],
        now: chrono::NaiveDateTime,
    ) -> Result<SeedOutcome, ServiceError> {
        let mut outcome = SeedOutcome::default();
        let stored = store::calendar::schedules(conn)?;
        let loaded = store::calendar::years(conn)?;
        for (region, year, text) in files {
            let region = Region::parse(region)
                .map_err(|e| ServiceError::invalid("seed", "region", e.to_string()))?;
            let rows = crate::io::calendar_csv::parse(text.as_bytes()).map_err(schedule_errors)?;
            let schedule =
                YearSchedule::parse(region.clone(), *year, None, &rows).map_err(schedule_errors)?;
            let existing = loaded
                .iter()
                .find(|l| l.region == region.as_str() && l.year == *year);
            match existing {
                Some(l) if l.origin == Origin::Operator => {
                    outcome.kept += 1;
                    continue;
                }
                Some(_) if stored.contains(&schedule) => {
                    outcome.unchanged += 1;
                    continue;
                }
                _ => {}
            }
            let is_new = existing.is_none();
            write_tx(conn, |conn| {
                let loaded = store::calendar::replace(conn, &schedule, Origin::Seed, "seed", now)?;
                events::record_event(
                    conn,
                    Event {
                        actor: "seed",
                        action: if is_new {
                            AuditAction::CalendarSeed
                        } else {
                            AuditAction::CalendarReseed
                        },
                        object_type: "calendar_year",
                        object_id: format!("{region}/{year}"),
                        before: None,
                        after: Some(snapshots::json(&CalendarYearSnapshot::new(
                            &schedule,
                            loaded.revision,
                        ))),
                    },
                    now,
                )?;
                let seed = Actor {
                    name: "seed".into(),
                    role: None,
                    authority_id: None,
                };
                recompute_provisional(self, conn, &seed, now)?;
                Ok::<_, ServiceError>(())
            })?;
            if is_new {
                outcome.inserted += 1;
            } else {
                outcome.replaced += 1;
            }
        }
        Ok(outcome)
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedOutcome {
    pub inserted: usize,
    pub replaced: usize,
    pub unchanged: usize,
    /// Years an operator loaded, which seeding leaves alone.
    pub kept: usize,
}

pub struct YearView {
    pub layers: Vec<LoadedYear>,
    pub schedules: Vec<YearSchedule>,
    pub workdays: u32,
}

/// A year as a query names it: `1949` to `2200`.
pub fn parse_year(raw: &str) -> Result<i32, ServiceError> {
    raw.parse::<i32>()
        .ok()
        .filter(|y| (1949..=2200).contains(y))
        .ok_or_else(|| {
            ServiceError::invalid(
                "year",
                "invalid",
                format!("'{raw}' is not a year between 1949 and 2200"),
            )
        })
}

/// One day: working day or not, and why (anyone).
pub fn day(
    app: &App,
    region: Option<&str>,
    date: &str,
    provisional: bool,
) -> Result<(Region, DayInfo), ServiceError> {
    let date = parse_iso_date("date", date)?;
    let cal = app.calendars();
    let region = cal.region(region)?;
    let info = cal.day(&mut *app.conn()?, &region, date, provisional)?;
    Ok((region, info))
}

/// Today in Asia/Shanghai, by the application's clock (anyone).
pub fn today(
    app: &App,
    region: Option<&str>,
    provisional: bool,
) -> Result<(Region, DayInfo), ServiceError> {
    let cal = app.calendars();
    let region = cal.region(region)?;
    let info = cal.day(&mut *app.conn()?, &region, app.today(), provisional)?;
    Ok((region, info))
}

/// "N working days after D": either a number of days or a named deadline rule, as a query asks.
#[derive(Debug, Clone, Default)]
pub struct AddWorkdays {
    pub from: Option<String>,
    pub days: Option<i64>,
    pub rule: Option<String>,
    pub region: Option<String>,
    pub provisional: bool,
}

/// The answer: the date, and the rule when one was named (its version in force on `from`).
#[derive(Debug, Clone)]
pub struct AddedWorkdays {
    pub from: NaiveDate,
    pub days: u32,
    pub region: Region,
    pub deadline: Deadline,
    pub rule: Option<&'static str>,
}

pub fn add_workdays(app: &App, q: &AddWorkdays) -> Result<AddedWorkdays, ServiceError> {
    let from = parse_iso_date("from", q.from.as_deref().unwrap_or(""))?;
    let cal = app.calendars();
    let region = cal.region(q.region.as_deref())?;
    let (days, rule) = match (q.days, q.rule.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ServiceError::invalid(
                "rule",
                "exclusive",
                "give either days or rule, not both",
            ))
        }
        (None, None) => {
            return Err(ServiceError::invalid(
                "days",
                "required",
                "give days (0 to 400) or rule",
            ))
        }
        (Some(d), None) => {
            let d = u32::try_from(d)
                .ok()
                .filter(|d| *d <= MAX_DAYS)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "days",
                        "range",
                        format!("days is between 0 and {MAX_DAYS}"),
                    )
                })?;
            (d, None)
        }
        (None, Some(name)) => {
            let rule = DeadlineRule::parse(name).ok_or_else(|| {
                ServiceError::invalid(
                    "rule",
                    "unknown",
                    format!("{name:?}: expected one of {}", DeadlineRule::expected()),
                )
            })?;
            let version = rule_on(rule, from)
                .map_err(|e| ServiceError::invalid("rule", "unknown", e.to_string()))?;
            (version.working_days, Some(rule.code()))
        }
    };
    let deadline = cal.add_workdays(&mut *app.conn()?, &region, from, days, q.provisional)?;
    Ok(AddedWorkdays {
        from,
        days,
        region,
        deadline,
        rule,
    })
}

/// Working days in (from, to], and whether the count is provisional (anyone).
pub fn workdays_between(
    app: &App,
    region: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    provisional: bool,
) -> Result<(Region, NaiveDate, NaiveDate, u32, bool), ServiceError> {
    let from = parse_iso_date("from", from.unwrap_or(""))?;
    let to = parse_iso_date("to", to.unwrap_or(""))?;
    let cal = app.calendars();
    let region = cal.region(region)?;
    let (n, provisional) =
        cal.workdays_between(&mut *app.conn()?, &region, from, to, provisional)?;
    Ok((region, from, to, n, provisional))
}

/// A year's special days, layer by layer, with its working-day count (anyone).
pub fn year(
    app: &App,
    region: Option<&str>,
    year: &str,
) -> Result<(Region, i32, YearView), ServiceError> {
    let year = parse_year(year)?;
    let cal = app.calendars();
    let region = cal.region(region)?;
    let view = cal.year(&mut *app.conn()?, &region, year)?;
    Ok((region, year, view))
}

/// Every loaded (region, year) (anyone).
pub fn coverage(app: &App) -> Result<Vec<LoadedYear>, ServiceError> {
    app.calendars().coverage(&mut *app.conn()?)
}

/// Replaces one (region, year) from an upload, atomically and audited (admin).
pub fn replace_year(
    app: &App,
    actor: &Actor,
    region: &str,
    year: &str,
    source: Option<&str>,
    rows: &[RawDay],
    confirm_incomplete: bool,
) -> Result<(Region, i32, LoadedYear, usize), ServiceError> {
    let region = Region::parse(region)
        .map_err(|e| ServiceError::invalid("region", "invalid", e.to_string()))?;
    let year = parse_year(year)?;
    let (loaded, n) = app.calendars().replace_year(
        &mut *app.conn()?,
        actor,
        &region,
        year,
        source,
        rows,
        confirm_incomplete,
        app.now(),
    )?;
    Ok((region, year, loaded, n))
}

/// Replaces one (region, year) from the command line, where the year is already a number.
pub fn load_year(
    app: &App,
    actor: &Actor,
    region: &Region,
    year: i32,
    source: Option<&str>,
    rows: &[RawDay],
    confirm_incomplete: bool,
) -> Result<(LoadedYear, usize), ServiceError> {
    app.calendars().replace_year(
        &mut *app.conn()?,
        actor,
        region,
        year,
        source,
        rows,
        confirm_incomplete,
        app.now(),
    )
}

/// Loads the shipped seed years (see [`Calendars::seed`]).
pub fn seed(app: &App, files: &[(&str, i32, &str)]) -> Result<SeedOutcome, ServiceError> {
    app.calendars().seed(&mut *app.conn()?, files, app.now())
}

fn not_loaded(e: CalendarError) -> ServiceError {
    match e {
        CalendarError::NotLoaded { region, year } => ServiceError::CalendarNotLoaded {
            region: region.to_string(),
            year,
            provisional: true,
        },
        CalendarError::Unavailable { region, year } => ServiceError::CalendarNotLoaded {
            region: region.to_string(),
            year,
            provisional: false,
        },
        CalendarError::Reversed { .. } => ServiceError::invalid("to", "before_from", e.to_string()),
    }
}

/// Schedule problems as field errors: `line N: field`.
pub fn schedule_errors(errors: Vec<ScheduleError>) -> ServiceError {
    ServiceError::Validation(
        errors
            .into_iter()
            .map(|e| {
                let field = if e.line > 0 {
                    format!("line {}: {}", e.line, e.field)
                } else {
                    e.field.to_string()
                };
                FieldError::new(&field, e.code, e.message)
            })
            .collect(),
    )
}

/// `YYYY-MM-DD`, exactly: `20260213`, `2026-2-13` and `2026-02-30` are refused, naming `field`.
pub fn parse_iso_date(field: &str, raw: &str) -> Result<NaiveDate, ServiceError> {
    let raw = raw.trim();
    let shaped = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) if shaped => Ok(d),
        _ if raw.is_empty() => Err(ServiceError::invalid(
            field,
            "required",
            format!("{field} is required (YYYY-MM-DD)"),
        )),
        _ => Err(ServiceError::invalid(
            field,
            "invalid_date",
            format!("'{raw}' is not a date in the form YYYY-MM-DD"),
        )),
    }
}

impl super::deadlines::WorkingDays for Calendars {
    fn add(
        &self,
        conn: &mut AnyConn,
        from: NaiveDate,
        days: u32,
    ) -> Result<Deadline, ServiceError> {
        let region = self.default_region().clone();
        self.add_workdays(conn, &region, from, days, true)
    }

    fn between(
        &self,
        conn: &mut AnyConn,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, ServiceError> {
        let region = self.default_region().clone();
        Ok(self.workdays_between(conn, &region, from, to, true)?.0)
    }
}

/// The one recompute after a calendar year is loaded, in the loading transaction: every stored
/// deadline that was provisional (decisions' publication and withdrawal deadlines, plans' results
/// deadlines) is computed again on the calendar as it now is; each record that changes gets a new
/// version and an audit record. Returns how many records changed.
fn recompute_provisional(
    calendars: &dyn super::deadlines::WorkingDays,
    conn: &mut AnyConn,
    actor: &super::Actor,
    now: chrono::NaiveDateTime,
) -> Result<usize, ServiceError> {
    Ok(
        super::penalties::recompute_provisional(calendars, conn, actor, now)?
            + super::plan_results::recompute_provisional(calendars, conn, actor, now)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statutory-holiday check refuses a wrong year, never a real one: every shipped national
    /// year from 2008 (State Council notices, including 2025's 13-day revision) gives every
    /// festival day off.
    #[test]
    fn every_shipped_national_year_gives_every_statutory_festival_day_off() {
        let lunar = LunarTable::parse(LUNAR_TABLE).unwrap();
        let mut checked = 0;
        for (region, year, text) in crate::assets::CALENDAR_SEEDS {
            if *region != "CN" {
                continue;
            }
            let rows = crate::io::calendar_csv::parse(text.as_bytes()).unwrap();
            let schedule = YearSchedule::parse(Region::national(), *year, None, &rows).unwrap();
            let missing = crate::domain::calendar::statutory::festival_days_missing(
                *year,
                lunar.get(*year),
                &schedule.holidays(),
            );
            assert!(missing.is_empty(), "{year}: {missing:?}");
            // and an empty year misses them all (11 days until 2024, 13 from 2025; one fewer when
            // 中秋 falls within 国庆, as in 2009 and 2020)
            let none = crate::domain::calendar::statutory::festival_days_missing(
                *year,
                lunar.get(*year),
                &Default::default(),
            );
            let days = match year {
                2025.. => 13,
                2008.. => 11,
                _ => 5, // 2007: the fixed dates only
            };
            assert!((days - 1..=days).contains(&none.len()), "{year}: {none:?}");
            checked += 1;
        }
        assert_eq!(checked, 20, "2007 to 2026");
        // A year past the lunar table is checked on its fixed dates.
        let far = crate::domain::calendar::statutory::festival_days_missing(
            2150,
            lunar.get(2150),
            &Default::default(),
        );
        assert_eq!(far.len(), 5, "{far:?}");
    }

    #[test]
    fn dates_must_be_exact_iso() {
        assert_eq!(
            parse_iso_date("from", "2026-02-13").unwrap().to_string(),
            "2026-02-13"
        );
        for bad in [
            "2026-02-30",
            "20260213",
            "",
            "2026-2-13",
            "2026/02/13",
            "2026-02-13T00:00",
        ] {
            assert!(parse_iso_date("from", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_shipped_lunar_table_parses_and_spans_2007_to_2100() {
        let t = LunarTable::parse(LUNAR_TABLE).unwrap();
        assert_eq!((t.first_year(), t.last_year()), (Some(2007), Some(2100)));
    }

    #[test]
    fn regions_default_to_the_most_specific_and_always_include_cn() {
        let c = Calendars::new(Calendars::parse_regions("CN-NX").unwrap());
        assert_eq!(c.default_region().as_str(), "CN-NX");
        assert!(c.region(Some("CN")).is_ok());
        assert!(c.region(Some("CN-GD")).is_err());
        assert!(c.region(Some("XX")).is_err());
    }
}

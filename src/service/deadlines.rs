//! Deadlines over the working-day calendar, for penalty decisions and inspection plans alike
//! (issue 24): a rule's deadline from a date (provisional where a needed year is not loaded), how
//! late a publication was, and where a deadline stands on a report (due, overdue, published late)
//! with the report's order. The calendar implements [`WorkingDays`]; loading a year recomputes
//! every provisional deadline (`penalties::recompute_provisional`,
//! `plan_results::recompute_provisional`) in the loading transaction.

use chrono::NaiveDate;

use super::{App, ServiceError};
use crate::domain::calendar::Deadline;
use crate::domain::deadline::{rule_on, DeadlineRule};
use crate::store::AnyConn;

/// The deadline `rule` gives from `from`, provisional when a needed year is not loaded.
pub fn deadline(
    app: &App,
    conn: &mut AnyConn,
    rule: DeadlineRule,
    from: NaiveDate,
) -> Result<Deadline, ServiceError> {
    deadline_on(app.calendars(), conn, rule, from)
}

/// What the deadline rules need of the working-day calendar, in the deployment's default
/// region, provisional where a year is not loaded. `calendar::Calendars` implements it; the
/// calendar recomputes provisional deadlines when it loads a year, so this module names only the
/// trait, not the calendar.
pub trait WorkingDays {
    fn add(&self, conn: &mut AnyConn, from: NaiveDate, days: u32)
        -> Result<Deadline, ServiceError>;
    /// Working days in `(from, to]`.
    fn between(
        &self,
        conn: &mut AnyConn,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, ServiceError>;
}

pub fn deadline_on(
    calendars: &dyn WorkingDays,
    conn: &mut AnyConn,
    rule: DeadlineRule,
    from: NaiveDate,
) -> Result<Deadline, ServiceError> {
    let days = rule_on(rule, from)
        .map_err(|e| ServiceError::internal(e.to_string()))?
        .working_days;
    calendars.add(conn, from, days)
}

/// A record (`what`, e.g. "plan 7") changed while its provisional deadline was recomputed in the
/// transaction that loads a calendar year: the load is refused and can be retried.
pub fn moved_during_recompute(what: String) -> ServiceError {
    ServiceError::conflict(
        super::ConflictKind::Concurrent,
        format!("{what} changed while its deadline was recomputed; load the year again"),
    )
}

/// Working days past `deadline` on `on` (0 when on time). Published on a rest day after the
/// deadline is late, though no working day has passed: at least 1.
pub fn late_by(
    calendars: &dyn WorkingDays,
    conn: &mut AnyConn,
    deadline: NaiveDate,
    on: NaiveDate,
) -> Result<i32, ServiceError> {
    if on <= deadline {
        return Ok(0);
    }
    Ok((calendars.between(conn, deadline, on)? as i32).max(1))
}

/// Working days from `deadline` to `on` when `on` is later, else 0.
pub fn late(
    app: &App,
    conn: &mut AnyConn,
    deadline: NaiveDate,
    on: NaiveDate,
) -> Result<i32, ServiceError> {
    late_by(app.calendars(), conn, deadline, on)
}

/// Which deadlines a report asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// Not yet published, publishable, the deadline today or later, within N working days.
    Due,
    /// Not yet published, publishable, the deadline passed.
    Overdue,
    /// Published after the deadline, or withdrawn after the withdrawal deadline.
    PublishedLate,
}

impl ReportKind {
    /// A report's `state` parameter: `due`, `overdue` (the default) or `published_late`.
    pub fn parse(state: Option<&str>) -> Result<ReportKind, ServiceError> {
        match state.map(str::trim).unwrap_or("overdue") {
            "due" => Ok(ReportKind::Due),
            "overdue" => Ok(ReportKind::Overdue),
            "published_late" => Ok(ReportKind::PublishedLate),
            other => Err(ServiceError::invalid(
                "state",
                "unknown",
                format!("{other:?}: expected due, overdue or published_late"),
            )),
        }
    }
}

/// Whether a deadline not yet met belongs on a `due` or `overdue` report on `today`, and with
/// how many working days (left, or past it): due within `within` working days, or overdue.
pub fn standing(
    app: &App,
    conn: &mut AnyConn,
    kind: ReportKind,
    within: u32,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<Option<u32>, ServiceError> {
    let region = app.calendars().default_region().clone();
    Ok(match kind {
        ReportKind::Overdue if deadline < today => Some(
            app.calendars()
                .workdays_between(conn, &region, deadline, today, true)?
                .0,
        ),
        ReportKind::Due if deadline >= today => {
            let (n, _) = app
                .calendars()
                .workdays_between(conn, &region, today, deadline, true)?;
            (n <= within).then_some(n)
        }
        _ => None,
    })
}

/// A report's lines, most urgent first: fewest working days left (then the earliest deadline)
/// for `due`; most working days past (then the lowest id) otherwise. `key` gives a line's
/// (working days, deadline, id).
pub fn sort_lines<T>(lines: &mut [T], kind: ReportKind, key: impl Fn(&T) -> (u32, NaiveDate, i64)) {
    match kind {
        ReportKind::Due => lines.sort_by_key(|l| {
            let (n, deadline, _) = key(l);
            (n, deadline)
        }),
        _ => lines.sort_by_key(|l| {
            let (n, _, id) = key(l);
            (std::cmp::Reverse(n), id)
        }),
    }
}

//! Deadlines over the working-day calendar, for penalty decisions and inspection plans alike
//! (issue 24): a rule's deadline from a date (provisional where a needed year is not loaded), how
//! late a publication was, and where a deadline stands on a report (due, overdue, published late)
//! with the report's order. The calendar implements [`WorkingDays`]; loading a year recomputes
//! every provisional deadline (`penalties::recompute_provisional`,
//! `plan_results::recompute_provisional`) in the loading transaction.

use chrono::NaiveDate;

use super::{App, FieldError, ServiceError};
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
    /// Everything not yet published (publishable): overdue and due alike, whatever the deadline
    /// (the default: the question a reviewer asks is "what is still waiting?").
    Waiting,
    /// Not yet published, publishable, the deadline today or later.
    Due,
    /// Not yet published, publishable, the deadline passed.
    Overdue,
    /// Published after the deadline, or withdrawn after the withdrawal deadline.
    PublishedLate,
}

/// Where one line of a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Working days left until the deadline (0: due today).
    Due,
    /// Working days past the deadline.
    Overdue,
    /// Working days late.
    PublishedLate,
}

impl Standing {
    pub fn code(self) -> &'static str {
        match self {
            Standing::Due => "due",
            Standing::Overdue => "overdue",
            Standing::PublishedLate => "published_late",
        }
    }
}

impl ReportKind {
    /// A report's `state` parameter: `waiting` (the default), `due`, `overdue` or
    /// `published_late`.
    pub fn parse(state: Option<&str>) -> Result<ReportKind, ServiceError> {
        match state.map(str::trim).unwrap_or("waiting") {
            "waiting" => Ok(ReportKind::Waiting),
            "due" => Ok(ReportKind::Due),
            "overdue" => Ok(ReportKind::Overdue),
            "published_late" => Ok(ReportKind::PublishedLate),
            other => Err(ServiceError::Validation(vec![FieldError::new(
                "state",
                "unknown",
                format!("{other:?}: expected waiting, due, overdue or published_late"),
            )
            .zh(format!(
                "“{other}”不是可识别的期限状态；可选 waiting（全部待公示）、due（未到期）、overdue（已超期）、published_late（逾期公示）"
            ))])),
        }
    }
}

/// Where a deadline not yet met stands on a `waiting`, `due` or `overdue` report on `today`, with
/// how many working days (left, or past it); `None` when it is not on the report. `within`
/// narrows the due ones to at most that many working days left (absent: all).
pub fn standing(
    app: &App,
    conn: &mut AnyConn,
    kind: ReportKind,
    within: Option<u32>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<Option<(Standing, u32)>, ServiceError> {
    let region = app.calendars().default_region().clone();
    let overdue = deadline < today;
    Ok(match kind {
        ReportKind::Overdue | ReportKind::Waiting if overdue => Some((
            Standing::Overdue,
            app.calendars()
                .workdays_between(conn, &region, deadline, today, true)?
                .0,
        )),
        ReportKind::Due | ReportKind::Waiting if !overdue => {
            let (n, _) = app
                .calendars()
                .workdays_between(conn, &region, today, deadline, true)?;
            within.is_none_or(|w| n <= w).then_some((Standing::Due, n))
        }
        _ => None,
    })
}

/// A report's lines, most urgent first: overdue ones by most working days past (then the lowest
/// id), then due ones by fewest working days left (then the earliest deadline), then those
/// published late by most working days late. `key` gives a line's (standing, working days,
/// deadline, id).
pub fn sort_lines<T>(lines: &mut [T], key: impl Fn(&T) -> (Standing, u32, NaiveDate, i64)) {
    lines.sort_by_key(|l| {
        let (standing, n, deadline, id) = key(l);
        match standing {
            Standing::Overdue => (0, std::cmp::Reverse(n), None, id),
            Standing::Due => (1, std::cmp::Reverse(0), Some((n, deadline)), id),
            Standing::PublishedLate => (2, std::cmp::Reverse(n), None, id),
        }
    })
}

//! The console's Today page (issue 28): what a signed-in member of staff has to do today, from
//! the same reports the API serves (the deadline report, the decision list), and how the last
//! twelve months' publications kept their deadline.

use chrono::{Datelike, NaiveDate};

use super::penalties::{self, DeadlineLine, DeadlineParams, PenaltyParams};
use super::{Actor, App, ServiceError};
use crate::domain::penalty::record::PenaltyRecord;
use crate::domain::role::Role;
use crate::service::deadlines::Standing;
use crate::store;

/// Decisions due within this many working days are "due soon".
pub const DUE_SOON_WORKING_DAYS: u32 = 3;
/// At most this many of each list (the page links to the full list).
pub const LIST_LIMIT: i64 = 20;

/// One month of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// Its first day.
    pub first: NaiveDate,
    pub on_time: i64,
    pub late: i64,
}

/// What the Today page shows.
pub struct Today {
    pub today: NaiveDate,
    /// Not yet published, past the publication deadline (most working days past first).
    pub overdue: Vec<DeadlineLine>,
    /// Not yet published, due within [`DUE_SOON_WORKING_DAYS`] working days.
    pub due_soon: Vec<DeadlineLine>,
    /// A clerk's own drafts (returned ones included, with the reviewer's reason).
    pub my_drafts: Vec<PenaltyRecord>,
    /// Submitted, waiting for a reviewer.
    pub submitted: Vec<PenaltyRecord>,
    /// Approved, waiting for publication.
    pub approved: Vec<PenaltyRecord>,
    /// The last twelve months, oldest first.
    pub months: Vec<Month>,
}

impl Today {
    /// How many things wait for this member of staff (the to-do count).
    pub fn to_do(&self, role: Option<Role>) -> usize {
        match role {
            Some(Role::Clerk) => self.my_drafts.len() + self.overdue.len() + self.due_soon.len(),
            _ => self.submitted.len() + self.approved.len() + self.overdue.len(),
        }
    }
}

pub fn today(app: &App, actor: &Actor) -> Result<Today, ServiceError> {
    let lines = penalties::deadlines(app, actor, &DeadlineParams::default())?;
    let (overdue, rest): (Vec<_>, Vec<_>) =
        lines.into_iter().partition(|l| l.kind == Standing::Overdue);
    let due_soon = rest
        .into_iter()
        .filter(|l| l.kind == Standing::Due && l.working_days <= DUE_SOON_WORKING_DAYS)
        .collect();
    let list = |state: &str| -> Result<Vec<PenaltyRecord>, ServiceError> {
        Ok(penalties::list(
            app,
            actor,
            &PenaltyParams {
                state: Some(state.to_string()),
                limit: Some(100),
                ..PenaltyParams::default()
            },
        )?
        .items)
    };
    let mut my_drafts = if actor.role == Some(Role::Clerk) {
        list("draft")?
            .into_iter()
            .filter(|r| r.progress.workflow.drafters.contains(&actor.name))
            .collect()
    } else {
        Vec::new()
    };
    my_drafts.truncate(LIST_LIMIT as usize);
    let mut submitted = list("submitted")?;
    submitted.truncate(LIST_LIMIT as usize);
    let mut approved = list("approved")?;
    approved.truncate(LIST_LIMIT as usize);
    let today = app.today();
    let first = months_back(today, 11);
    let since = crate::domain::shanghai::start_of_day_utc(first);
    let days =
        store::penalties::publications_per_day(&mut *app.conn()?, actor.authority_id, since)?;
    Ok(Today {
        today,
        overdue,
        due_soon,
        my_drafts,
        submitted,
        approved,
        months: per_month(first, 12, &days),
    })
}

/// The first day of the month `n` months before `day`'s.
pub fn months_back(day: NaiveDate, n: u32) -> NaiveDate {
    let index = day.year() * 12 + day.month0() as i32 - n as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(day)
}

/// `count` months from `first` (a first day), each with its publications of `days`
/// (`(day, published, late)`) on time and late; days outside are left out.
pub fn per_month(first: NaiveDate, count: u32, days: &[(NaiveDate, i64, i64)]) -> Vec<Month> {
    let mut months: Vec<Month> = (0..count)
        .map(|i| Month {
            first: months_back(first, 0)
                .checked_add_months(chrono::Months::new(i))
                .unwrap_or(first),
            on_time: 0,
            late: 0,
        })
        .collect();
    for (day, all, late) in days {
        let start = months_back(*day, 0);
        if let Some(m) = months.iter_mut().find(|m| m.first == start) {
            m.late += late;
            m.on_time += all - late;
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn twelve_months_back_crosses_the_year() {
        assert_eq!(months_back(d("2026-12-07"), 11), d("2026-01-01"));
        assert_eq!(months_back(d("2026-01-31"), 11), d("2025-02-01"));
        assert_eq!(months_back(d("2026-03-15"), 0), d("2026-03-01"));
        assert_eq!(months_back(d("2026-03-15"), 14), d("2025-01-01"));
    }

    #[test]
    fn publications_fall_into_their_month_on_time_or_late() {
        let first = d("2026-01-01");
        let days = [
            (d("2025-12-31"), 5, 5), // before the first month: left out
            (d("2026-01-01"), 3, 1),
            (d("2026-01-31"), 2, 0),
            (d("2026-02-01"), 4, 4),
            (d("2026-12-31"), 1, 0),
            (d("2027-01-01"), 9, 0), // after the last: left out
        ];
        let m = per_month(first, 12, &days);
        assert_eq!(m.len(), 12);
        assert_eq!(
            m[0],
            Month {
                first: d("2026-01-01"),
                on_time: 4,
                late: 1
            }
        );
        assert_eq!(
            m[1],
            Month {
                first: d("2026-02-01"),
                on_time: 0,
                late: 4
            }
        );
        assert_eq!(
            m[11],
            Month {
                first: d("2026-12-01"),
                on_time: 1,
                late: 0
            }
        );
        assert_eq!(m.iter().map(|m| m.on_time + m.late).sum::<i64>(), 10);
    }
}

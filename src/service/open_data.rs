//! Open data for researchers, journalists and mirroring portals (no token): every decision the
//! public may see, in batches, for the CSV; and the recent publication events, for the feed.
//! The callers show only the public views of what these return.

use chrono::{NaiveDate, NaiveDateTime};

use super::{App, ServiceError};
use crate::domain::penalty::feed::{self, Event};
use crate::domain::penalty::record::{Authority, AuthorityLabel, PenaltyRecord};
use crate::domain::penalty::workflow::State;
use crate::store;

/// The open-data CSV's filters as they arrive.
#[derive(Debug, Clone, Default)]
pub struct OpenDataParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub authority_id: Option<i64>,
}

/// A date parameter: absent or blank is `None`; anything else must be a date.
pub fn optional_date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, ServiceError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::domain::penalty::fields::parse_date(s)
            .map(Some)
            .ok_or_else(|| {
                ServiceError::invalid(
                    field,
                    "format",
                    format!("{s:?} is not a date such as 2026-03-01"),
                )
            }),
    }
}

/// Calls `each` with every decision published and within its publicity period today (decision
/// date in `from..=to`, of one authority when asked), a thousand at a time in id order, with the
/// authorities and today's date. Returns how many decisions it passed.
pub fn each_published(
    app: &App,
    p: &OpenDataParams,
    mut each: impl FnMut(&[PenaltyRecord], &[AuthorityLabel], NaiveDate) -> Result<(), ServiceError>,
) -> Result<usize, ServiceError> {
    let (from, to) = (optional_date("from", &p.from)?, optional_date("to", &p.to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(ServiceError::invalid(
                "to",
                "range",
                format!("{t} is before from ({f})"),
            ));
        }
    }
    let today = app.today();
    let conn = &mut *app.conn()?;
    // Labelled once for the whole export, not once per decision.
    let authorities: Vec<AuthorityLabel> = store::authorities::list(conn)?
        .iter()
        .map(Authority::label)
        .collect();
    let mut n = 0;
    store::penalties::each_batch(
        conn,
        store::penalties::PenaltyQuery {
            states: vec![State::Published],
            shown_on: Some(today),
            authority_id: p.authority_id,
            from,
            to,
            ..Default::default()
        },
        |batch| {
            n += batch.len();
            each(batch, &authorities, today)
        },
    )?;
    Ok(n)
}

/// The feed: the newest publication events (at most `feed::LENGTH`), newest first, with the
/// decisions they are about and the authorities.
pub struct FeedAnswer {
    pub events: Vec<Event>,
    pub records: Vec<PenaltyRecord>,
    pub authorities: Vec<Authority>,
    pub today: NaiveDate,
    pub now: NaiveDateTime,
}

/// The publication events of all decisions, or of one authority's (404 for an unknown one).
pub fn feed(app: &App, authority_id: Option<i64>) -> Result<FeedAnswer, ServiceError> {
    let (today, now) = (app.today(), app.now());
    let conn = &mut *app.conn()?;
    let authorities = store::authorities::list(conn)?;
    if let Some(id) = authority_id {
        if !authorities.iter().any(|a| a.id == id) {
            return Err(ServiceError::NotFound(format!("no authority with id {id}")));
        }
    }
    let records = store::penalties::recent_publicity(conn, authority_id, today, feed::LENGTH)?;
    let events = feed::newest(&records, now, feed::LENGTH);
    Ok(FeedAnswer {
        events,
        records,
        authorities,
        today,
        now,
    })
}

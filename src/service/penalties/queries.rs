//! Reading decisions: one or a page for staff (an account bound to an authority sees only its
//! own), and the public list and detail (published, within the publicity period today).

use crate::domain::ids::PenaltyId;
use chrono::NaiveDate;

use super::find_for;
use crate::domain::credit_code::CreditCode;
use crate::domain::penalty::fields::parse_date;
use crate::domain::penalty::kinds::PenaltyType;
use crate::domain::penalty::public::PublicRecord;
use crate::domain::penalty::record::{AuthorityLabel, PenaltyRecord};
use crate::domain::penalty::workflow::State;
use crate::domain::policy::Action;
use crate::domain::text::search_form;
use crate::service::paging::{bad_cursor, PageRequest, Slice};
use crate::service::{Actor, App, FieldError, ServiceError};
use crate::store;
use crate::store::penalties::{PenaltyQuery, Place};

/// One decision with every field (staff).
pub fn get(app: &App, actor: &Actor, id: PenaltyId) -> Result<PenaltyRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::ReadPenalties)?;
    find_for(&mut *app.conn()?, actor, id)
}

/// A listing's parameters as they arrive (the query string).
#[derive(Debug, Clone, Default)]
pub struct PenaltyParams {
    pub q: Option<String>,
    pub credit_code: Option<String>,
    pub authority_id: Option<i64>,
    pub penalty_type: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub state: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A page's continuation in the newest-first order: the place of its last decision.
fn encode_place(p: Place) -> String {
    hex::encode(format!("v2:{}:{}", p.date, p.id))
}

fn decode_place(c: &str) -> Option<Place> {
    let raw = String::from_utf8(hex::decode(c).ok()?).ok()?;
    let (date, id) = raw.strip_prefix("v2:")?.split_once(':')?;
    Some(Place {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
        id: id.parse().ok().filter(|n: &i64| *n > 0)?,
    })
}

/// One page of decisions, newest decision date first.
fn slice<T>(items: Vec<T>, page: PageRequest, place: fn(&T) -> Place) -> Slice<T> {
    Slice::continued(items, page, |r| encode_place(place(r)))
}

fn parse_params(
    p: &PenaltyParams,
    staff: bool,
) -> Result<(PenaltyQuery, PageRequest), ServiceError> {
    let mut errors = Vec::new();
    let page = PageRequest::parse(p.limit, None, &mut errors);
    let after = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => {
            let place = decode_place(c);
            if place.is_none() {
                errors.push(bad_cursor());
            }
            place
        }
    };
    let mut q = PenaltyQuery {
        after,
        limit: page.fetch(),
        authority_id: p.authority_id,
        ..PenaltyQuery::default()
    };
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    if let Some(text) = given(&p.q) {
        // A whole decision number finds that number in any spelling, by its key.
        q.number_key = crate::domain::penalty::number::whole_number_key(&text);
        q.text = search_form(&text);
        if q.text.is_empty() {
            errors.push(FieldError::new(
                "q",
                "format",
                "q has no letters or digits to search for",
            ));
        } else if q.text.len() > 50 {
            errors.push(FieldError::new(
                "q",
                "too_long",
                "q has at most 50 characters",
            ));
        }
    }
    if let Some(c) = given(&p.credit_code) {
        match CreditCode::parse(&c) {
            Ok(c) => q.credit_code = Some(c.to_string()),
            Err(e) => errors.push(FieldError::new("credit_code", e.reason(), e.to_string())),
        }
    }
    if let Some(t) = given(&p.penalty_type) {
        q.penalty_type = PenaltyType::parse(&t);
        if q.penalty_type.is_none() {
            errors.push(FieldError::new(
                "penalty_type",
                "unknown",
                format!("expected one of {}", PenaltyType::expected()),
            ));
        }
    }
    for (field, v, slot) in [("from", &p.from, &mut q.from), ("to", &p.to, &mut q.to)] {
        if let Some(v) = given(v) {
            match parse_date(&v) {
                Some(d) => *slot = Some(d),
                None => errors.push(FieldError::new(
                    field,
                    "format",
                    format!("{v:?} is not a date such as 2026-03-01"),
                )),
            }
        }
    }
    // `state=` empty is refused like any value outside the enum (issue 23).
    if let Some(s) = &p.state {
        if !staff {
            errors.push(FieldError::new(
                "state",
                "unknown",
                "the public list has no state filter",
            ));
        } else {
            match State::parse(s) {
                Some(s) => q.states = vec![s],
                None => errors.push(FieldError::new(
                    "state",
                    "unknown",
                    format!("expected one of {}", State::expected()),
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok((q, page))
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// Staff listing: every decision, newest decision date first.
pub fn list(
    app: &App,
    actor: &Actor,
    p: &PenaltyParams,
) -> Result<Slice<PenaltyRecord>, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let (mut q, page) = parse_params(p, true)?;
    if let Some(bound) = actor.authority_id {
        if q.authority_id.is_some_and(|a| a != bound) {
            return Ok(slice(Vec::new(), page, Place::of));
        }
        q.authority_id = Some(bound);
    }
    let items = store::penalties::search(&mut *app.conn()?, &q)?;
    Ok(slice(items, page, Place::of))
}

/// How many decisions a public list holds in all, counted up to [`TOTAL_CAP`]: a portal shows
/// "共 N 条" exactly, or "N 条以上" past the cap, and a count never costs more than that many
/// rows of the list's own walk (issue 28: fast at a million decisions too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    /// False past the cap: `count` is then a lower bound.
    pub exact: bool,
}

/// The most decisions a total counts exactly.
pub const TOTAL_CAP: i64 = 200;

impl Total {
    fn of(counted: i64) -> Total {
        Total {
            count: counted.min(TOTAL_CAP),
            exact: counted <= TOTAL_CAP,
        }
    }
}

/// A public answer: the decisions and the authorities they name.
pub struct Published {
    /// Read through the public columns only (`domain::penalty::public`).
    pub slice: Slice<PublicRecord>,
    pub authorities: Vec<AuthorityLabel>,
    pub total: Total,
    pub today: NaiveDate,
}

/// The public list (no token): published decisions within their publicity period today, and
/// withdrawal notices; the caller shows only their public views.
pub fn public_search(app: &App, p: &PenaltyParams) -> Result<Published, ServiceError> {
    let (mut q, page) = parse_params(p, false)?;
    let today = app.today();
    // A withdrawal notice shows only its number and authority, so only those may find it.
    let asks_hidden =
        q.credit_code.is_some() || q.penalty_type.is_some() || q.from.is_some() || q.to.is_some();
    q.states = if asks_hidden {
        vec![State::Published]
    } else {
        vec![State::Published, State::Withdrawn]
    };
    q.shown_on = Some(today);
    let conn = &mut *app.conn()?;
    let (items, authorities) = store::penalties::public_search(conn, &q)?;
    // A first page that holds everything is its own count.
    let total = if q.after.is_none() && items.len() as i64 <= page.limit {
        Total::of(items.len() as i64)
    } else {
        Total::of(store::penalties::count_up_to(conn, &q, TOTAL_CAP + 1)?)
    };
    Ok(Published {
        authorities,
        slice: slice(items, page, |r| Place {
            date: r.decision_date,
            id: r.id,
        }),
        total,
        today,
    })
}

/// One decision for the public: 404 unless it is published (or withdrawn) and within its
/// publicity period today.
pub fn public_get(
    app: &App,
    id: PenaltyId,
) -> Result<(PublicRecord, AuthorityLabel, NaiveDate), ServiceError> {
    let id = id.get();
    let conn = &mut *app.conn()?;
    let today = app.today();
    let not_found =
        || ServiceError::NotFound(format!("no published penalty decision with id {id}"));
    let r = store::penalties::public_by_id(conn, id)?.ok_or_else(not_found)?;
    if r.public_on(today).is_none() {
        return Err(not_found());
    }
    let a = crate::service::authorities::find(conn, r.authority_id)?;
    Ok((r, a.label(), today))
}

/// A decision's history, oldest first: every audit record about it (who, when, what), for staff
/// who may read it.
pub fn history(
    app: &App,
    actor: &Actor,
    id: PenaltyId,
) -> Result<Vec<crate::domain::audit_chain::AuditRecord>, ServiceError> {
    let id = id.get();
    actor.require(Action::ReadPenalties)?;
    let conn = &mut *app.conn()?;
    find_for(conn, actor, id)?;
    Ok(store::audit::for_object(conn, "penalty", &id.to_string())?)
}

/// What the public would see of a decision published today (the console's preview before
/// approval and publication): its public part as stored, published today (a withdrawn one as
/// its notice), and whether the authority publishes such a decision at all.
pub struct Preview {
    pub record: PublicRecord,
    pub authority: AuthorityLabel,
    /// The day the public view is taken on (today, or the decision date if later).
    pub on: NaiveDate,
    /// Why the authority's settings keep it from the public, in Chinese.
    pub not_publishable: Option<String>,
}

pub fn preview(app: &App, actor: &Actor, id: PenaltyId) -> Result<Preview, ServiceError> {
    let id = id.get();
    actor.require(Action::ReadPenalties)?;
    let conn = &mut *app.conn()?;
    let r = find_for(conn, actor, id)?;
    let a = crate::service::authorities::find(conn, r.authority_id)?;
    let today = app.today();
    let mut record = r.public();
    if matches!(
        record.state,
        State::Draft | State::Submitted | State::Approved
    ) {
        record.state = State::Published;
        record.published_on = Some(today);
    }
    let f = &r.fields;
    let not_publishable = crate::domain::penalty::publicity::publishable(
        a.fields.settings,
        f.procedure,
        &f.penalty_types,
        f.severity,
    )
    .err()
    .map(|n| n.zh().to_string());
    Ok(Preview {
        record,
        authority: a.label(),
        on: today.max(f.decision_date),
        not_publishable,
    })
}

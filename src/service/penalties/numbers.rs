//! The number register (文号登记簿): every number allocated in an authority's sequence for a year
//! and what became of it (on a decision, 作废 with its decision's discard reason, or never
//! used), so that numbering has no unexplained gap.

use chrono::Datelike;

use crate::domain::ids::AuthorityId;
use crate::domain::penalty::number::{DecisionNumber, NumberUse};
use crate::domain::penalty::record::{Authority, PenaltyRecord};
use crate::domain::policy::Action;
use crate::service::{Actor, App, FieldError, ServiceError};
use crate::store;

/// One allocated number.
#[derive(Debug, Clone)]
pub struct NumberLine {
    pub sequence: u32,
    pub number: DecisionNumber,
    pub used: NumberUse,
    /// The decision that carries it (a discarded one for a voided number).
    pub record: Option<PenaltyRecord>,
}

/// An authority's register for one year.
#[derive(Debug, Clone)]
pub struct NumberRegister {
    pub authority: Authority,
    pub year: i32,
    pub lines: Vec<NumberLine>,
}

/// The register of `authority`'s allocated numbers in `year` (this year in Asia/Shanghai when
/// absent), in sequence order (staff; an account bound to another authority gets 404).
pub fn register(
    app: &App,
    actor: &Actor,
    authority: AuthorityId,
    year: Option<i32>,
) -> Result<NumberRegister, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let id = authority.get();
    let year = year.unwrap_or_else(|| app.today().year());
    if !(2000..=9999).contains(&year) {
        return Err(ServiceError::Validation(vec![FieldError::new(
            "year",
            "range",
            format!("year {year} is not a year from 2000 to 9999"),
        )
        .zh(format!("年度 {year} 不在 2000 至 9999 之间"))]));
    }
    let conn = &mut *app.conn()?;
    let not_found = || {
        ServiceError::NotFound(format!("no authority with id {id}"))
            .zh(format!("没有编号为 {id} 的处罚机关，或不在本账号的范围内"))
    };
    if !actor.covers(id) {
        return Err(not_found());
    }
    let authority = store::authorities::by_id(conn, id)?.ok_or_else(not_found)?;
    let last = store::authorities::last_allocated(conn, id, year)?.max(0) as u32;
    let numbers: Vec<DecisionNumber> = (1..=last)
        .map(|n| DecisionNumber::allocated(&authority.fields.number_prefix, year, n))
        .collect();
    let wanted: Vec<(i64, &DecisionNumber)> = numbers.iter().map(|n| (id, n)).collect();
    let mut found = store::penalties::by_numbers(conn, &wanted)?;
    let lines = numbers
        .into_iter()
        .zip(1..)
        .map(|(number, sequence)| {
            let record = found.remove(&(id, number.key()));
            NumberLine {
                sequence,
                used: NumberUse::of(record.as_ref().map(|r| r.progress.state)),
                number,
                record,
            }
        })
        .collect();
    Ok(NumberRegister {
        authority,
        year,
        lines,
    })
}

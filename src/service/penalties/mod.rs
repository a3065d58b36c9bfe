//! 行政处罚决定: logging (clerk), review before publication (reviewer, 先审后发), the
//! 7-working-day publication deadline, withdrawal, 信用修复, and what the public may read. One
//! file per job: `drafts` (logging and editing a draft, its deadlines), `workflow` (a step, decided
//! by the pure `domain::penalty::workflow`), `queries` (staff and public reads), `report` (the
//! deadline report and the recompute after a calendar year is loaded), `numbers` (the register of
//! allocated decision numbers).

mod drafts;
mod numbers;
mod queries;
mod report;
mod workflow;

pub use drafts::{create, eligible_officers, update, EligibleOfficer};
pub(crate) use drafts::{progress_with, publication_deadline};
pub use numbers::{register, NumberLine, NumberRegister};
pub use queries::{
    get, history, list, preview, public_get, public_search, PenaltyParams, Preview, Published,
};
pub(crate) use report::recompute_provisional;
pub use report::{deadlines, DeadlineLine, DeadlineParams};
pub use workflow::{publish_import, step, ImportReview, StepBody};

use super::{Actor, App, ConflictKind, ServiceError};
use crate::domain::ids::PenaltyId;
use crate::domain::penalty::record::PenaltyRecord;
use crate::store::{self, AnyConn};

pub(super) fn find(conn: &mut AnyConn, id: i64) -> Result<PenaltyRecord, ServiceError> {
    store::penalties::by_id(conn, id)?.ok_or_else(|| not_found(id))
}

/// A decision the actor may see: another authority's is not found for an account bound to one.
pub(super) fn find_for(
    conn: &mut AnyConn,
    actor: &Actor,
    id: i64,
) -> Result<PenaltyRecord, ServiceError> {
    let r = find(conn, id)?;
    if actor.covers(r.authority_id) {
        Ok(r)
    } else {
        Err(not_found(id))
    }
}

/// 404 unless `actor` may see decision `id` (it exists and, for an account bound to an authority,
/// is that authority's): asked before a request's body is read. Unbound accounts see every
/// decision, and are not asked the database.
pub fn ensure_visible(app: &App, actor: &Actor, id: PenaltyId) -> Result<(), ServiceError> {
    let id = id.get();
    if actor.authority_id.is_none() {
        return Ok(());
    }
    find_for(&mut *app.conn()?, actor, id).map(drop)
}

pub(super) fn stale(id: i64, current: i32, given: i32) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!("decision {id} is at version {current}, not {given}; reload and retry"),
    )
    .zh(format!(
        "处罚决定 {id} 已被他人修改（当前版本 {current}，提交的是 {given}），请刷新后重试"
    ))
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no penalty decision with id {id}")).zh(format!(
        "没有编号为 {id} 的处罚决定，或不在本账号所属处罚机关的范围内"
    ))
}

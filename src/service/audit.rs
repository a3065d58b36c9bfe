//! Reading and verifying the audit log.

use super::{Actor, App, ServiceError};
use crate::domain::audit_chain::AuditRecord;
use crate::domain::audit_chain::{ChainBreak, ChainVerifier};
use crate::domain::policy::Action;
use crate::store;

const VERIFY_BATCH: i64 = 2_000;

/// Recomputes the whole chain; `Ok(n)` is the number of records that verified.
pub fn verify(app: &App) -> Result<Result<i64, ChainBreak>, ServiceError> {
    let conn = &mut *app.conn()?;
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let batch = store::audit::page(conn, None, after, VERIFY_BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.entry.seq;
        for record in &batch {
            if let Err(e) = verifier.check(&record.entry, &record.prev_hash, &record.hash) {
                return Ok(Err(e));
            }
        }
    }
    Ok(Ok(verifier.verified()))
}

/// Largest page of the audit log one request may read.
pub const MAX_LIMIT: i64 = 1_000;

/// One page of the log, oldest first, after record `after` (admin, reviewer). An account bound to
/// an authority reads only the records of that authority's objects (its decisions, its accounts,
/// the authority itself): the others hold other authorities' parties and notes.
pub fn page(
    app: &App,
    actor: &Actor,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditRecord>, ServiceError> {
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServiceError::invalid(
            "limit",
            "range",
            format!("limit is between 1 and {MAX_LIMIT}"),
        ));
    }
    actor.require(Action::ReadAudit)?;
    Ok(store::audit::page(
        &mut *app.conn()?,
        actor.authority_id,
        after,
        limit,
    )?)
}

//! Reading and verifying the audit log.

use super::{Actor, ServiceError};
use crate::domain::audit_chain::{ChainBreak, ChainVerifier};
use crate::domain::role::Role;
use crate::store::{self, audit::AuditRecord, AnyConn};

const VERIFY_BATCH: i64 = 2_000;

/// Recomputes the whole chain; `Ok(n)` is the number of records that verified.
pub fn verify(conn: &mut AnyConn) -> Result<Result<i64, ChainBreak>, ServiceError> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let batch = store::audit::page(conn, after, VERIFY_BATCH)?;
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

pub fn page(
    conn: &mut AnyConn,
    actor: &Actor,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditRecord>, ServiceError> {
    actor.require(&[Role::Admin, Role::Reviewer])?;
    Ok(store::audit::page(conn, after, limit)?)
}

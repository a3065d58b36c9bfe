//! The one way a change to a record is written down (issue 24): [`record`] appends the audit
//! record of a write, in the write's own transaction. The append is what moves the public data
//! version (every cached public answer is keyed by the audit log's last `seq`) and, on PostgreSQL,
//! sends the `NOTIFY` other instances' answer caches listen for; so a write recorded here can
//! never leave a stale public answer behind. This is also where a subscriber to writes (the
//! transparency log, outgoing notifications) will attach.

use chrono::NaiveDateTime;

use super::ServiceError;
use crate::domain::audit_action::AuditAction;
use crate::store::{self, audit::NewAudit, AnyConn};

/// A record whose changes are audited: its object type in the log, its id there, and the
/// snapshot the log keeps of it (`service::snapshots`: private values masked).
pub trait Audited {
    const OBJECT: &'static str;
    fn object_id(&self) -> String;
    fn snapshot(&self) -> serde_json::Value;
}

/// Records `action` by `actor` on a record, from `before` (none for a creation) to `after`.
/// Call inside the write's transaction.
pub fn record<T: Audited>(
    conn: &mut AnyConn,
    actor: &str,
    action: AuditAction,
    before: Option<&T>,
    after: &T,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    store::audit::append(
        conn,
        NewAudit {
            actor,
            action,
            object_type: T::OBJECT,
            object_id: after.object_id(),
            before: before.map(Audited::snapshot),
            after: Some(after.snapshot()),
        },
        now,
    )?;
    Ok(())
}

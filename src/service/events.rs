//! The one way a write is written down (issue 24): every write records a typed event here, in
//! the write's own transaction: [`record`] for a change to a record (its typed snapshots before
//! and after), [`record_event`] for a write whose object is no record of its own (a token issued,
//! a login refused, a calendar year loaded, an export), [`record_all`] for an import's many.
//! Each appends the audit record. The append is what moves the public data
//! version (every cached public answer is keyed by the audit log's last `seq`) and, on PostgreSQL,
//! sends the `NOTIFY` other instances' answer caches listen for; so a write recorded here can
//! never leave a stale public answer behind. This is also where a subscriber to writes (the
//! transparency log, outgoing notifications) will attach.

use chrono::NaiveDateTime;

use super::ServiceError;
use crate::domain::audit_action::AuditAction;
use crate::store::{self, AnyConn};

/// One write as the log records it: who did what to which object, and what it was before and
/// after (snapshots with private values masked, `service::snapshots`). The store's record of an
/// append, named for the service's callers.
pub use crate::store::audit::NewAudit as Event;

/// Records one write. Call inside the write's transaction.
pub fn record_event(
    conn: &mut AnyConn,
    event: Event<'_>,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    record_all(conn, vec![event], now)
}

/// Records several writes in order (an import's changed rows), with multi-row inserts. Call
/// inside the writes' transaction. The one place an audit record is appended.
pub fn record_all(
    conn: &mut AnyConn,
    events: Vec<Event<'_>>,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    store::audit::append_many(conn, events, now)?;
    Ok(())
}

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
    record_confirmed(conn, actor, action, before, after, &[], now)
}

/// As [`record`], for a write that knowingly overrode soft rules (`domain::penalty::cautions`):
/// the after snapshot carries `"confirmed": [codes]` when there are any.
pub fn record_confirmed<T: Audited>(
    conn: &mut AnyConn,
    actor: &str,
    action: AuditAction,
    before: Option<&T>,
    after: &T,
    confirmed: &[String],
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let mut snapshot = after.snapshot();
    if let (false, Some(o)) = (confirmed.is_empty(), snapshot.as_object_mut()) {
        o.insert("confirmed".into(), serde_json::json!(confirmed));
    }
    record_event(
        conn,
        Event {
            actor,
            action,
            object_type: T::OBJECT,
            object_id: after.object_id(),
            before: before.map(Audited::snapshot),
            after: Some(snapshot),
        },
        now,
    )
}

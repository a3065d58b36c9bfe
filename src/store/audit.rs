//! The append-only, hash-chained audit log (DESIGN §8).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::AnyConn;
use crate::domain::audit_chain::{chain_hash, AuditEntry, GENESIS_HASH};

/// Any key will do as long as every gongshi instance uses the same one.
const POSTGRES_AUDIT_LOCK_KEY: i64 = 0x0067_6f6e_6773_6869; // "gongshi" in ASCII

/// A stored record: the entry and its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
struct AuditRow {
    seq: i64,
    recorded_at: NaiveDateTime,
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            entry: AuditEntry {
                seq: r.seq,
                recorded_at: r.recorded_at,
                actor: r.actor,
                action: r.action,
                object_type: r.object_type,
                object_id: r.object_id,
                before_json: r.before_json,
                after_json: r.after_json,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// What a caller records; `seq` and the hashes are assigned here.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Appends one record. Must run inside the caller's write transaction, so the record commits or
/// rolls back with the change it describes. Appends are serialised: on PostgreSQL by a
/// transaction-scoped advisory lock (several instances may share the database), on SQLite by the
/// write lock `BEGIN IMMEDIATE` already holds.
pub fn append(
    conn: &mut AnyConn,
    new: NewAudit<'_>,
    now: NaiveDateTime,
) -> QueryResult<AuditRecord> {
    let mut records = append_many(conn, vec![new], now)?;
    records.pop().ok_or(diesel::result::Error::NotFound)
}

/// Appends several records in order, chained one to the next, with multi-row inserts (imports
/// write one record per changed row). Same transaction rules as [`append`].
pub fn append_many(
    conn: &mut AnyConn,
    new: Vec<NewAudit<'_>>,
    now: NaiveDateTime,
) -> QueryResult<Vec<AuditRecord>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    if let AnyConn::Pg(pg) = conn {
        diesel::sql_query(format!(
            "SELECT pg_advisory_xact_lock({POSTGRES_AUDIT_LOCK_KEY})"
        ))
        .execute(pg)?;
    }
    let head: Option<(i64, String)> = audit_log::table
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::hash))
        .first(conn)
        .optional()?;
    let (mut seq, mut prev_hash) = match head {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let recorded_at = truncate_to_micros(now);
    let mut records = Vec::with_capacity(new.len());
    for n in new {
        let entry = AuditEntry {
            seq,
            recorded_at,
            actor: n.actor.to_string(),
            action: n.action.to_string(),
            object_type: n.object_type.to_string(),
            object_id: n.object_id,
            before_json: n.before.map(|v| v.to_string()),
            after_json: n.after.map(|v| v.to_string()),
        };
        let hash = chain_hash(&prev_hash, &entry);
        records.push(AuditRecord {
            entry,
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        });
        seq += 1;
    }
    // Ten columns per row: 1,000 rows stay under both backends' bound-parameter limits.
    for chunk in records.chunks(1_000) {
        let rows: Vec<AuditRow> = chunk.iter().map(AuditRow::from).collect();
        match conn {
            AnyConn::Sqlite(c) => diesel::insert_into(audit_log::table)
                .values(&rows)
                .execute(c)?,
            AnyConn::Pg(c) => diesel::insert_into(audit_log::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    Ok(records)
}

impl From<&AuditRecord> for AuditRow {
    fn from(r: &AuditRecord) -> Self {
        AuditRow {
            seq: r.entry.seq,
            recorded_at: r.entry.recorded_at,
            actor: r.entry.actor.clone(),
            action: r.entry.action.clone(),
            object_type: r.entry.object_type.clone(),
            object_id: r.entry.object_id.clone(),
            before_json: r.entry.before_json.clone(),
            after_json: r.entry.after_json.clone(),
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
        }
    }
}

/// Up to `limit` records with `seq > after`, oldest first.
pub fn page(conn: &mut AnyConn, after: i64, limit: i64) -> QueryResult<Vec<AuditRecord>> {
    Ok(audit_log::table
        .filter(audit_log::seq.gt(after))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AuditRecord::from)
        .collect())
}

/// Every record about one object, oldest first.
pub fn for_object(
    conn: &mut AnyConn,
    object_type: &str,
    object_id: &str,
) -> QueryResult<Vec<AuditRecord>> {
    Ok(audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::seq.asc())
        .select(AuditRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AuditRecord::from)
        .collect())
}

/// PostgreSQL keeps microseconds; hashing the same precision keeps the chain verifiable on both.
fn truncate_to_micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

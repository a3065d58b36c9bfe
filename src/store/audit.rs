//! The append-only, hash-chained audit log (DESIGN §8).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::AnyConn;
use crate::domain::audit_action::AuditAction;
use crate::domain::audit_chain::{authority_of, chain_hash, AuditEntry, AuditRecord, GENESIS_HASH};

/// Any key will do as long as every gongshi instance uses the same one.
const POSTGRES_AUDIT_LOCK_KEY: i64 = 0x0067_6f6e_6773_6869; // "gongshi" in ASCII

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
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
    pub action: AuditAction,
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
    super::serialise_on(conn, POSTGRES_AUDIT_LOCK_KEY)?;
    // Other instances' public answers in memory learn of the write at commit.
    super::changes::notify(conn)?;
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
    let mut link = |n: NewAudit<'_>| {
        let entry = AuditEntry {
            seq,
            recorded_at,
            actor: n.actor.to_string(),
            action: n.action.code().to_string(),
            object_type: n.object_type.to_string(),
            object_id: n.object_id,
            before_json: n.before.map(|v| v.to_string()),
            after_json: n.after.map(|v| v.to_string()),
        };
        let hash = chain_hash(&prev_hash, &entry);
        seq += 1;
        AuditRecord {
            entry,
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        }
    };
    match conn {
        // Linked while the COPY streams, so PostgreSQL stores records while the next are hashed.
        AnyConn::Pg(c) => copy_linked(c, new, &mut link, recorded_at),
        AnyConn::Sqlite(c) => {
            let records: Vec<AuditRecord> = new.into_iter().map(link).collect();
            insert(c, &records, recorded_at)?;
            Ok(records)
        }
    }
}

/// One record as the bulk INSERT reads it: `[seq, actor, action, object_type, object_id,
/// before_json, after_json, prev_hash, hash, authority_id]`.
#[derive(serde::Serialize)]
struct BulkRow<'a>(
    i64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    &'a str,
    Option<i64>,
);

/// The MATERIALIZED row text is parsed once per row; `value ->> n` straight on json_each would
/// re-serialise the row for every column.
const SQLITE_BULK: &str = "WITH r(v) AS MATERIALIZED (SELECT value FROM json_each(?1)) \
     INSERT INTO audit_log (seq, recorded_at, actor, action, object_type, \
     object_id, before_json, after_json, prev_hash, hash, authority_id) \
     SELECT v ->> 0, ?2, v ->> 1, v ->> 2, v ->> 3, v ->> 4, v ->> 5, v ->> 6, v ->> 7, v ->> 8, \
     v ->> 9 \
     FROM r";

/// PostgreSQL's bulk path: each record linked into the chain by `link` and streamed with one
/// COPY; returns the records in order.
fn copy_linked(
    c: &mut diesel::PgConnection,
    new: Vec<NewAudit<'_>>,
    link: &mut dyn FnMut(NewAudit<'_>) -> AuditRecord,
    recorded_at: NaiveDateTime,
) -> QueryResult<Vec<AuditRecord>> {
    use audit_log::dsl as a;
    // diesel calls the COPY's writer once, through `Fn`: what it consumes and fills is handed
    // over in cells.
    let records = std::cell::RefCell::new(Vec::with_capacity(new.len()));
    let pending = std::cell::RefCell::new(Some((new, link)));
    diesel::copy_from(audit_log::table)
        .from_raw_data(
            (
                a::seq,
                a::recorded_at,
                a::actor,
                a::action,
                a::object_type,
                a::object_id,
                a::before_json,
                a::after_json,
                a::prev_hash,
                a::hash,
                a::authority_id,
            ),
            |w| {
                let Some((new, link)) = pending.borrow_mut().take() else {
                    return Ok(());
                };
                let mut records = records.borrow_mut();
                super::pg_copy::stream(w, new, |rows, n| {
                    let r = link(n);
                    let e = &r.entry;
                    rows.int(e.seq)
                        .timestamp(recorded_at)
                        .text(Some(&e.actor))
                        .text(Some(&e.action))
                        .text(Some(&e.object_type))
                        .text(Some(&e.object_id))
                        .text(e.before_json.as_deref())
                        .text(e.after_json.as_deref())
                        .text(Some(&r.prev_hash))
                        .text(Some(&r.hash))
                        .int_or_null(authority_of(e));
                    records.push(r);
                    Ok(())
                })
            },
        )
        .execute(c)?;
    Ok(records.into_inner())
}

/// Records per bulk INSERT (bounds the size of its one JSON parameter).
const BULK_CHUNK: usize = 5_000;

/// SQLite's bulk path: chained records written a chunk per INSERT, each taking its rows as one
/// JSON text.
fn insert(
    c: &mut diesel::SqliteConnection,
    records: &[AuditRecord],
    recorded_at: NaiveDateTime,
) -> QueryResult<()> {
    use diesel::sql_types::{Text, Timestamp};
    for chunk in records.chunks(BULK_CHUNK) {
        let rows: Vec<BulkRow> = chunk
            .iter()
            .map(|r| {
                let e = &r.entry;
                BulkRow(
                    e.seq,
                    &e.actor,
                    &e.action,
                    &e.object_type,
                    &e.object_id,
                    e.before_json.as_deref(),
                    e.after_json.as_deref(),
                    &r.prev_hash,
                    &r.hash,
                    authority_of(e),
                )
            })
            .collect();
        diesel::sql_query(SQLITE_BULK)
            .bind::<Text, _>(serde_json::to_string(&rows).map_err(super::unserialisable)?)
            .bind::<Timestamp, _>(recorded_at)
            .execute(c)?;
    }
    Ok(())
}

/// Up to `limit` records with `seq > after`, oldest first; with `authority`, only the records
/// whose object belongs to it ([`authority_of`]).
pub fn page(
    conn: &mut AnyConn,
    authority: Option<i64>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<AuditRecord>> {
    let mut q = audit_log::table
        .filter(audit_log::seq.gt(after))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(a) = authority {
        q = q.filter(audit_log::authority_id.eq(a));
    }
    Ok(q.load(conn)?.into_iter().map(AuditRecord::from).collect())
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

/// The last record's `seq` (0 for an empty log). Every write appends its audit record in its own
/// transaction, and appends are serialised (SQLite's single writer, the PostgreSQL advisory
/// lock), so `seq` order is commit order.
pub fn last_seq(conn: &mut AnyConn) -> QueryResult<i64> {
    Ok(audit_log::table
        .select(diesel::dsl::max(audit_log::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

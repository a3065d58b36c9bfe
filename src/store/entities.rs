//! The market-entity directory; its name search goes through `name_index`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::name_index::{Candidates, NameIndex};
use super::schema::{entities, entity_name_grams};
use super::{corrupt, AnyConn};
use crate::domain::category::CategoryCode;
use crate::domain::credit_code::CreditCode;
use crate::domain::entity::{DistrictCode, EntityFields, EntityKind, EntityRecord, EntityStatus};
use crate::domain::text::{index_keys, search_form};

/// The directory's postings carry no facets.
pub type Tally = super::name_index::Tally<()>;

/// The directory's name index (`entity_name_grams`).
pub const NAME_INDEX: NameIndex<()> = NameIndex {
    table: "entity_name_grams",
    owner: "entity_id",
    counts: "entity_name_gram_counts",
    copy_postings,
    rebuild_lock: 0x0067_6f6e_6773_6e69, // "gongsni": gongshi name index
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = entities)]
struct EntityRow {
    id: i64,
    credit_code: String,
    name: String,
    kind: String,
    category: String,
    district: String,
    address: Option<String>,
    legal_representative: Option<String>,
    licence_numbers: String,
    status: String,
    risk_tags: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl EntityRow {
    /// Whether the stored row is exactly what [`values`] writes for `f`.
    fn holds(&self, f: &EntityFields) -> bool {
        let v = values(f, self.version, self.updated_at);
        self.credit_code == v.credit_code
            && self.name == v.name
            && self.kind == v.kind
            && self.category == v.category
            && self.district == v.district
            && self.address == v.address
            && self.legal_representative == v.legal_representative
            && self.licence_numbers == v.licence_numbers
            && self.status == v.status
            && self.risk_tags == v.risk_tags
    }

    fn into_record(self) -> QueryResult<EntityRecord> {
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).map_err(|_| corrupt("list", s));
        Ok(EntityRecord {
            id: self.id,
            fields: EntityFields {
                credit_code: CreditCode::parse(&self.credit_code)
                    .map_err(|_| corrupt("credit code", &self.credit_code))?,
                name: self.name,
                kind: EntityKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
                category: CategoryCode::stored(self.category),
                district: DistrictCode::parse(&self.district)
                    .map_err(|_| corrupt("district", &self.district))?,
                address: self.address,
                legal_representative: self.legal_representative,
                licence_numbers: list(&self.licence_numbers)?,
                status: EntityStatus::parse(&self.status)
                    .ok_or_else(|| corrupt("status", &self.status))?,
                risk_tags: list(&self.risk_tags)?,
            },
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// An entity's columns in their stored form: the UPDATE's changeset, and (as one JSON object
/// per row, without `version` and `updated_at`, which the statement sets) the bulk INSERT's rows.
#[derive(AsChangeset, serde::Serialize)]
#[diesel(table_name = entities, treat_none_as_null = true)]
struct EntityValues {
    credit_code: String,
    name: String,
    search_name: String,
    kind: &'static str,
    category: String,
    district: String,
    address: Option<String>,
    legal_representative: Option<String>,
    licence_numbers: String,
    status: &'static str,
    risk_tags: String,
    #[serde(skip)]
    version: i32,
    #[serde(skip)]
    updated_at: NaiveDateTime,
}

fn values(f: &EntityFields, version: i32, now: NaiveDateTime) -> EntityValues {
    EntityValues {
        credit_code: f.credit_code.to_string(),
        name: f.name.clone(),
        search_name: search_form(&f.name).into_iter().collect(),
        kind: f.kind.code(),
        category: f.category.to_string(),
        district: f.district.as_str().to_string(),
        address: f.address.clone(),
        legal_representative: f.legal_representative.clone(),
        licence_numbers: serde_json::to_string(&f.licence_numbers).unwrap_or_default(),
        status: f.status.code(),
        risk_tags: serde_json::to_string(&f.risk_tags).unwrap_or_default(),
        version,
        updated_at: now,
    }
}

/// Entities per bulk INSERT. Each bulk statement takes its rows as one JSON (SQLite) or array
/// (PostgreSQL) parameter, so there is no bound-parameter limit to stay under; the chunk only
/// bounds the size of that parameter.
const ENTITY_CHUNK: usize = 5_000;

/// The MATERIALIZED row text is parsed once per row (see `store::audit`); ids follow the order
/// of the array.
const SQLITE_BULK_ENTITIES: &str =
    "WITH r(k, v) AS MATERIALIZED (SELECT key, value FROM json_each(?1)) \
     INSERT INTO entities (credit_code, name, search_name, kind, \
     category, district, address, legal_representative, licence_numbers, status, risk_tags, \
     version, created_at, updated_at) \
     SELECT v ->> 'credit_code', v ->> 'name', v ->> 'search_name', v ->> 'kind', \
     v ->> 'category', v ->> 'district', v ->> 'address', v ->> 'legal_representative', \
     v ->> 'licence_numbers', v ->> 'status', v ->> 'risk_tags', 1, ?2, ?2 FROM r ORDER BY k \
     RETURNING id, credit_code";

/// PostgreSQL's bulk path for new entities: ids drawn from the sequence, rows sent by COPY.
fn copy_entities(
    c: &mut diesel::PgConnection,
    rows: &[EntityValues],
    now: NaiveDateTime,
    supply: &mut IdSupply,
) -> QueryResult<Vec<Inserted>> {
    let ids = supply.take(c, rows.len())?;
    use entities::dsl as e;
    diesel::copy_from(entities::table)
        .from_raw_data(
            (
                e::id,
                e::credit_code,
                e::name,
                e::search_name,
                e::kind,
                e::category,
                e::district,
                e::address,
                e::legal_representative,
                e::licence_numbers,
                e::status,
                e::risk_tags,
                e::version,
                e::created_at,
                e::updated_at,
            ),
            |w| {
                super::pg_copy::stream(w, ids.iter().zip(rows), |copy, (id, v)| {
                    copy.int(*id)
                        .text(Some(&v.credit_code))
                        .text(Some(&v.name))
                        .text(Some(&v.search_name))
                        .text(Some(v.kind))
                        .text(Some(&v.category))
                        .text(Some(&v.district))
                        .text(v.address.as_deref())
                        .text(v.legal_representative.as_deref())
                        .text(Some(&v.licence_numbers))
                        .text(Some(v.status))
                        .text(Some(&v.risk_tags))
                        .int(1)
                        .timestamp(now)
                        .timestamp(now);
                    Ok(())
                })
            },
        )
        .execute(c)?;
    Ok(ids
        .into_iter()
        .zip(rows)
        .map(|(id, v)| Inserted {
            id,
            credit_code: v.credit_code.clone(),
        })
        .collect())
}

/// Copies sorted `(gram, entity_id)` postings into `entity_name_grams` (the name index's bulk
/// path on PostgreSQL).
fn copy_postings(
    c: &mut diesel::PgConnection,
    postings: &[super::name_index::Posting<()>],
) -> QueryResult<usize> {
    diesel::copy_from(entity_name_grams::table)
        .from_raw_data(
            (entity_name_grams::gram, entity_name_grams::entity_id),
            |w| super::name_index::stream_postings(w, postings),
        )
        .with_format(diesel::pg::CopyFormat::Binary)
        .execute(c)
}

/// Ids drawn ahead for an import's new entities. PostgreSQL's COPY cannot return the ids it
/// assigns, so they are drawn from the sequence first, and a million `nextval` calls take about
/// 2.6 s; a thread with a connection of its own draws them, a piece at a time, while the import
/// writes (a sequence is not transactional, so which connection draws them does not matter; the
/// ids of an import that rolls back are lost, as any sequence's are). SQLite assigns ids as it
/// inserts and draws none. Should the thread fail, ids are drawn on the import's own connection.
pub struct IdSupply {
    ahead: Option<std::sync::mpsc::Receiver<Vec<i64>>>,
    drawn: std::collections::VecDeque<i64>,
}

/// Ids the supply's thread draws per statement.
const ID_PIECE: usize = 10_000;

impl IdSupply {
    /// No ids drawn ahead: each chunk draws its own.
    pub fn none() -> IdSupply {
        IdSupply {
            ahead: None,
            drawn: Default::default(),
        }
    }

    /// Starts drawing `n` ids on another connection to `db` (PostgreSQL only).
    pub fn start(db: &super::Db, n: usize) -> IdSupply {
        if db.backend() != "postgres" || n == 0 {
            return IdSupply::none();
        }
        let db = db.clone();
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        let spawned = std::thread::Builder::new()
            .name("gongshi-ids".into())
            .spawn(move || {
                let Ok(AnyConn::Pg(mut c)) = db.dedicated() else {
                    return;
                };
                let mut left = n;
                while left > 0 {
                    let k = left.min(ID_PIECE);
                    let Ok(ids) = super::pg_copy::reserve_ids(&mut c, "entities", k) else {
                        return;
                    };
                    if tx.send(ids).is_err() {
                        return;
                    }
                    left -= k;
                }
            });
        IdSupply {
            ahead: spawned.ok().map(|_| rx),
            drawn: Default::default(),
        }
    }

    /// `k` ids in increasing order (the sequence's, drawn one piece after another): drawn ahead
    /// when the thread has them, else on `c`.
    fn take(&mut self, c: &mut diesel::PgConnection, k: usize) -> QueryResult<Vec<i64>> {
        while self.drawn.len() < k {
            match self.ahead.as_ref().map(|rx| rx.recv()) {
                Some(Ok(piece)) => self.drawn.extend(piece),
                _ => {
                    self.ahead = None;
                    let missing = k - self.drawn.len();
                    self.drawn
                        .extend(super::pg_copy::reserve_ids(c, "entities", missing)?);
                }
            }
        }
        Ok(self.drawn.drain(..k).collect())
    }
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    credit_code: String,
}

/// Inserts new entities and their name index; returns them with their ids, in input order.
/// Call inside a write transaction.
pub fn insert_many(
    conn: &mut AnyConn,
    new: &[EntityFields],
    now: NaiveDateTime,
) -> QueryResult<Vec<EntityRecord>> {
    let mut tally = Tally::default();
    let out = insert_tallied(conn, new, now, &mut tally, &mut IdSupply::none())?;
    NAME_INDEX.write_tally(conn, tally)?;
    Ok(out)
}

/// [`insert_many`] for a bulk load: the name index's counts are gathered in `tally`, which
/// [`write_name_counts`] must write before the transaction ends.
pub fn insert_tallied(
    conn: &mut AnyConn,
    new: &[EntityFields],
    now: NaiveDateTime,
    tally: &mut Tally,
    supply: &mut IdSupply,
) -> QueryResult<Vec<EntityRecord>> {
    use diesel::sql_types::{Text, Timestamp};
    let mut out = Vec::with_capacity(new.len());
    for chunk in new.chunks(ENTITY_CHUNK) {
        let rows: Vec<EntityValues> = chunk.iter().map(|f| values(f, 1, now)).collect();
        let inserted: Vec<Inserted> = match conn {
            AnyConn::Sqlite(c) => diesel::sql_query(SQLITE_BULK_ENTITIES)
                .bind::<Text, _>(serde_json::to_string(&rows).map_err(super::unserialisable)?)
                .bind::<Timestamp, _>(now)
                .load(c)?,
            AnyConn::Pg(c) => copy_entities(c, &rows, now, supply)?,
        };
        let by_code: std::collections::HashMap<String, i64> = inserted
            .into_iter()
            .map(|r| (r.credit_code, r.id))
            .collect();
        let mut grams = Vec::with_capacity(chunk.len() * 20);
        for (f, row) in chunk.iter().zip(&rows) {
            let id = *by_code
                .get(&row.credit_code)
                .ok_or_else(|| corrupt("inserted entity", &row.credit_code))?;
            let chars: Vec<char> = row.search_name.chars().collect();
            grams.extend(
                index_keys(&chars)
                    .into_iter()
                    .map(|gram| super::name_index::Posting::new(gram, id, ())),
            );
            out.push(EntityRecord {
                id,
                fields: f.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        NAME_INDEX.insert_tallied(conn, grams, tally)?;
    }
    Ok(out)
}

/// Writes the name-index counts a bulk load gathered (see [`insert_tallied`]).
pub fn write_name_counts(conn: &mut AnyConn, tally: Tally) -> QueryResult<()> {
    NAME_INDEX.write_tally(conn, tally)
}

/// Overwrites an entity if it is still at `expected_version`; `false` when someone else changed
/// it first. The name index follows a changed name. Call inside a write transaction.
pub fn update_if_version(
    conn: &mut AnyConn,
    before: &EntityRecord,
    expected_version: i32,
    fields: &EntityFields,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let mut tally = Tally::default();
    let updated =
        update_if_version_tallied(conn, before, expected_version, fields, now, &mut tally)?;
    NAME_INDEX.write_tally(conn, tally)?;
    Ok(updated)
}

/// [`update_if_version`] for a bulk load: the name index's counts (and, when deferring, its new
/// postings) are gathered in `tally`, which [`write_name_counts`] must write before the
/// transaction ends.
pub fn update_if_version_tallied(
    conn: &mut AnyConn,
    before: &EntityRecord,
    expected_version: i32,
    fields: &EntityFields,
    now: NaiveDateTime,
    tally: &mut Tally,
) -> QueryResult<bool> {
    let changed = diesel::update(
        entities::table
            .filter(entities::id.eq(before.id))
            .filter(entities::version.eq(expected_version)),
    )
    .set(values(fields, expected_version + 1, now))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    NAME_INDEX.rename_tallied(
        conn,
        before.id,
        &before.fields.name,
        &fields.name,
        (),
        tally,
    )?;
    Ok(true)
}

pub fn by_credit_code(conn: &mut AnyConn, code: &str) -> QueryResult<Option<EntityRecord>> {
    entities::table
        .filter(entities::credit_code.eq(code))
        .select(EntityRow::as_select())
        .first(conn)
        .optional()?
        .map(EntityRow::into_record)
        .transpose()
}

/// How an entity in a file compares with the stored one.
pub enum Stored {
    /// Stored with exactly these fields.
    Same,
    /// Stored with other fields: the stored record.
    Differs(Box<EntityRecord>),
}

/// For each of `new` already in the directory (by credit code), whether its stored fields are
/// the same. Stored rows are compared in their stored form and parsed only when they differ,
/// which keeps re-importing an unchanged file cheap.
pub fn compare_stored(
    conn: &mut AnyConn,
    new: &[&EntityFields],
) -> QueryResult<std::collections::HashMap<String, Stored>> {
    let mut out = std::collections::HashMap::with_capacity(new.len());
    for chunk in new.chunks(LOOKUP_CHUNK) {
        let codes: Vec<&str> = chunk.iter().map(|f| f.credit_code.as_str()).collect();
        let mut rows: std::collections::HashMap<String, EntityRow> = entities::table
            .filter(entities::credit_code.eq_any(&codes))
            .select(EntityRow::as_select())
            .load::<EntityRow>(conn)?
            .into_iter()
            .map(|r| (r.credit_code.clone(), r))
            .collect();
        for f in chunk {
            if let Some(row) = rows.remove(f.credit_code.as_str()) {
                let verdict = if row.holds(f) {
                    Stored::Same
                } else {
                    Stored::Differs(Box::new(row.into_record()?))
                };
                out.insert(f.credit_code.to_string(), verdict);
            }
        }
    }
    Ok(out)
}

/// Codes per `IN (…)` lookup: under SQLite's 32,766 bound parameters.
const LOOKUP_CHUNK: usize = 1_000;

/// What a listing or search asks for.
#[derive(Debug, Clone, Default)]
pub struct EntityQuery {
    /// A name fragment in search form (see `domain::text::search_form`).
    pub name: Vec<char>,
    /// Any of these categories (a category and its sub-kinds); empty is every category.
    pub categories: Vec<CategoryCode>,
    pub district: Option<DistrictCode>,
    pub status: Option<EntityStatus>,
    /// Only entities with `id > after`.
    pub after: i64,
    pub limit: i64,
}

/// Entities matching `q`, ordered by id (the order they entered the directory).
///
/// A name query of two or more characters walks, in id order, the posting list of its rarest
/// index key (its bigram when it has two characters, its rarest trigram when it has more; see
/// `domain::text::query_keys`) and keeps the rows whose search name contains the whole query,
/// so it stops as soon as `limit` rows match and answers at once when some trigram of the query
/// is in no name. A one-character query reads the postings of the character when it is rare
/// and otherwise walks names in id order (see [`NameIndex::plan`]).
pub fn search(conn: &mut AnyConn, q: &EntityQuery) -> QueryResult<Vec<EntityRecord>> {
    macro_rules! with_filters {
        ($query:expr) => {{
            let mut query = $query;
            if !q.categories.is_empty() {
                query = query.filter(
                    entities::category.eq_any(q.categories.iter().map(CategoryCode::as_str)),
                );
            }
            if let Some(d) = &q.district {
                query = query.filter(entities::district.eq(d.as_str().to_string()));
            }
            if let Some(s) = q.status {
                query = query.filter(entities::status.eq(s.code()));
            }
            if !q.name.is_empty() {
                // Search forms hold only letters and digits: no LIKE wildcard can appear.
                let text: String = q.name.iter().collect();
                query = query.filter(entities::search_name.like(format!("%{text}%")));
            }
            query
        }};
    }
    let rows: Vec<EntityRow> = match NAME_INDEX.plan(conn, &q.name)? {
        Candidates::Postings(gram) => with_filters!(entity_name_grams::table
            .inner_join(entities::table)
            .filter(entity_name_grams::gram.eq(gram))
            .filter(entity_name_grams::entity_id.gt(q.after))
            .order(entity_name_grams::entity_id.asc())
            .limit(q.limit)
            .select(EntityRow::as_select())
            .into_boxed())
        .load(conn)?,
        Candidates::Range(lo, hi) => with_filters!(entities::table
            .filter(
                entities::id.eq_any(
                    entity_name_grams::table
                        .filter(entity_name_grams::gram.between(lo, hi))
                        .select(entity_name_grams::entity_id),
                ),
            )
            .filter(entities::id.gt(q.after))
            .order(entities::id.asc())
            .limit(q.limit)
            .select(EntityRow::as_select())
            .into_boxed())
        .load(conn)?,
        Candidates::Empty => Vec::new(),
        Candidates::Scan => with_filters!(entities::table
            .filter(entities::id.gt(q.after))
            .order(entities::id.asc())
            .limit(q.limit)
            .select(EntityRow::as_select())
            .into_boxed())
        .load(conn)?,
    };
    rows.into_iter().map(EntityRow::into_record).collect()
}

/// Refreshes PostgreSQL's statistics of the directory and its name index after a bulk change;
/// without them it may plan the name search as a scan. SQLite's planner needs none for these
/// queries, so nothing is done there.
pub fn refresh_statistics(conn: &mut AnyConn) -> QueryResult<()> {
    if let AnyConn::Pg(c) = conn {
        diesel::sql_query("ANALYZE entities, entity_name_grams").execute(c)?;
    }
    Ok(())
}

/// Every entity in id order, `limit` at a time after `after` (for exports).
pub fn page(conn: &mut AnyConn, after: i64, limit: i64) -> QueryResult<Vec<EntityRecord>> {
    search(
        conn,
        &EntityQuery {
            after,
            limit,
            ..EntityQuery::default()
        },
    )
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    entities::table.count().get_result(conn)
}

/// Rebuilds the name index when it was built in an older format (see `NameIndex::refresh`).
pub fn refresh_name_index(conn: &mut AnyConn) -> QueryResult<Option<usize>> {
    NAME_INDEX.refresh(conn, |conn, after, limit| {
        entities::table
            .filter(entities::id.gt(after))
            .order(entities::id.asc())
            .limit(limit)
            .select((entities::id, entities::name))
            .load::<(i64, String)>(conn)
            .map(|names| names.into_iter().map(|(id, name)| (id, name, ())).collect())
    })
}

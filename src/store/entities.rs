//! The market-entity directory and its bigram name index.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{entities, entity_name_grams};
use super::{corrupt, AnyConn};
use crate::domain::credit_code::CreditCode;
use crate::domain::entity::{
    BusinessCategory, DistrictCode, EntityFields, EntityKind, EntityStatus,
};
use crate::domain::text::{bigram_keys, search_form};

/// A stored entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRecord {
    pub id: i64,
    pub fields: EntityFields,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

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
    fn into_record(self) -> QueryResult<EntityRecord> {
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).map_err(|_| corrupt("list", s));
        Ok(EntityRecord {
            id: self.id,
            fields: EntityFields {
                credit_code: CreditCode::parse(&self.credit_code)
                    .map_err(|_| corrupt("credit code", &self.credit_code))?,
                name: self.name,
                kind: EntityKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
                category: BusinessCategory::parse(&self.category)
                    .ok_or_else(|| corrupt("category", &self.category))?,
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

#[derive(Insertable, AsChangeset)]
#[diesel(
    table_name = entities,
    treat_none_as_default_value = false,
    treat_none_as_null = true
)]
struct EntityValues {
    credit_code: String,
    name: String,
    search_name: String,
    kind: &'static str,
    category: &'static str,
    district: String,
    address: Option<String>,
    legal_representative: Option<String>,
    licence_numbers: String,
    status: &'static str,
    risk_tags: String,
    version: i32,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = entities, treat_none_as_default_value = false)]
struct NewEntityRow {
    #[diesel(embed)]
    values: EntityValues,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = entity_name_grams)]
struct GramRow {
    gram: i64,
    entity_id: i64,
}

fn values(f: &EntityFields, version: i32, now: NaiveDateTime) -> EntityValues {
    EntityValues {
        credit_code: f.credit_code.to_string(),
        name: f.name.clone(),
        search_name: search_form(&f.name).into_iter().collect(),
        kind: f.kind.code(),
        category: f.category.code(),
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

fn name_keys(name: &str) -> Vec<i64> {
    bigram_keys(&search_form(name))
}

/// Rows per multi-row INSERT: under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const ENTITY_CHUNK: usize = 1_000;
const GRAM_CHUNK: usize = 10_000;

/// Inserts new entities and their name index; returns them with their ids, in input order.
/// Call inside a write transaction.
pub fn insert_many(
    conn: &mut AnyConn,
    new: &[EntityFields],
    now: NaiveDateTime,
) -> QueryResult<Vec<EntityRecord>> {
    let mut out = Vec::with_capacity(new.len());
    for chunk in new.chunks(ENTITY_CHUNK) {
        let rows: Vec<NewEntityRow> = chunk
            .iter()
            .map(|f| NewEntityRow {
                values: values(f, 1, now),
                created_at: now,
            })
            .collect();
        // Multi-row INSERT does not compile on the multi-backend connection; each backend does it.
        let ids: Vec<(String, i64)> = match conn {
            AnyConn::Sqlite(c) => diesel::insert_into(entities::table)
                .values(&rows)
                .returning((entities::credit_code, entities::id))
                .get_results(c)?,
            AnyConn::Pg(c) => diesel::insert_into(entities::table)
                .values(&rows)
                .returning((entities::credit_code, entities::id))
                .get_results(c)?,
        };
        let by_code: std::collections::HashMap<String, i64> = ids.into_iter().collect();
        let mut grams = Vec::new();
        for f in chunk {
            let id = by_code[f.credit_code.as_str()];
            grams.extend(name_keys(&f.name).into_iter().map(|gram| GramRow {
                gram,
                entity_id: id,
            }));
            out.push(EntityRecord {
                id,
                fields: f.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        insert_grams(conn, &grams)?;
    }
    Ok(out)
}

fn insert_grams(conn: &mut AnyConn, grams: &[GramRow]) -> QueryResult<()> {
    for chunk in grams.chunks(GRAM_CHUNK) {
        match conn {
            AnyConn::Sqlite(c) => diesel::insert_into(entity_name_grams::table)
                .values(chunk)
                .execute(c)?,
            AnyConn::Pg(c) => diesel::insert_into(entity_name_grams::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
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
    let (old, new) = (name_keys(&before.fields.name), name_keys(&fields.name));
    if old != new {
        let gone: Vec<i64> = old.iter().filter(|k| !new.contains(k)).copied().collect();
        diesel::delete(
            entity_name_grams::table
                .filter(entity_name_grams::entity_id.eq(before.id))
                .filter(entity_name_grams::gram.eq_any(gone)),
        )
        .execute(conn)?;
        let added: Vec<GramRow> = new
            .iter()
            .filter(|k| !old.contains(k))
            .map(|&gram| GramRow {
                gram,
                entity_id: before.id,
            })
            .collect();
        insert_grams(conn, &added)?;
    }
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

/// The stored entities among `codes` (any order).
pub fn by_credit_codes(conn: &mut AnyConn, codes: &[&str]) -> QueryResult<Vec<EntityRecord>> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(ENTITY_CHUNK) {
        let rows: Vec<EntityRow> = entities::table
            .filter(entities::credit_code.eq_any(chunk))
            .select(EntityRow::as_select())
            .load(conn)?;
        for r in rows {
            out.push(r.into_record()?);
        }
    }
    Ok(out)
}

/// What a listing or search asks for.
#[derive(Debug, Clone, Default)]
pub struct EntityQuery {
    /// A name fragment in search form (see `domain::text::search_form`).
    pub name: Vec<char>,
    pub category: Option<BusinessCategory>,
    pub district: Option<DistrictCode>,
    pub status: Option<EntityStatus>,
    /// Only entities with `id > after`.
    pub after: i64,
    pub limit: i64,
}

/// How many posting-list entries to count when choosing the rarest bigram of a query.
const RAREST_PROBE: i64 = 2_000;

/// Entities matching `q`, ordered by id (the order they entered the directory).
///
/// A name query of two or more characters walks the posting list of its rarest bigram in id
/// order and keeps the rows whose search name contains the whole query, so it stops as soon as
/// `limit` rows match. A one-character query scans names in id order.
pub fn search(conn: &mut AnyConn, q: &EntityQuery) -> QueryResult<Vec<EntityRecord>> {
    macro_rules! with_filters {
        ($query:expr) => {{
            let mut query = $query;
            if let Some(c) = q.category {
                query = query.filter(entities::category.eq(c.code()));
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
    let keys = bigram_keys(&q.name);
    let rows: Vec<EntityRow> = match rarest_key(conn, &keys)? {
        Some(gram) => with_filters!(entity_name_grams::table
            .inner_join(entities::table)
            .filter(entity_name_grams::gram.eq(gram))
            .filter(entity_name_grams::entity_id.gt(q.after))
            .order(entity_name_grams::entity_id.asc())
            .limit(q.limit)
            .select(EntityRow::as_select())
            .into_boxed())
        .load(conn)?,
        None => with_filters!(entities::table
            .filter(entities::id.gt(q.after))
            .order(entities::id.asc())
            .limit(q.limit)
            .select(EntityRow::as_select())
            .into_boxed())
        .load(conn)?,
    };
    rows.into_iter().map(EntityRow::into_record).collect()
}

/// The key with the fewest postings, counting each only up to [`RAREST_PROBE`].
fn rarest_key(conn: &mut AnyConn, keys: &[i64]) -> QueryResult<Option<i64>> {
    if keys.len() <= 1 {
        return Ok(keys.first().copied());
    }
    let mut best: Option<(usize, i64)> = None;
    for &k in keys {
        let n = entity_name_grams::table
            .filter(entity_name_grams::gram.eq(k))
            .select(entity_name_grams::entity_id)
            .limit(RAREST_PROBE)
            .load::<i64>(conn)?
            .len();
        if best.is_none_or(|(m, _)| n < m) {
            best = Some((n, k));
        }
        if n == 0 {
            break;
        }
    }
    Ok(best.map(|(_, k)| k))
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

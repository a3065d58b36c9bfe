//! 随机抽查事项清单: items and every version they had (version rows are only ever added).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{inspection_item_versions as v, inspection_items as i};
use super::{corrupt, AnyConn};
use crate::domain::category::CategoryCode;
use crate::domain::inspection_item::{ItemCode, ItemFields, ItemKind, ItemVersion, Method};

#[derive(Queryable, Selectable)]
#[diesel(table_name = v)]
struct VersionRow {
    item_id: i64,
    version: i32,
    field: String,
    name: String,
    content: String,
    kind: String,
    basis: String,
    subject: String,
    categories: String,
    methods: String,
    ratio: Option<String>,
    frequency: Option<String>,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    created_at: NaiveDateTime,
    created_by: String,
}

#[derive(Insertable)]
#[diesel(table_name = v)]
struct NewVersion<'a> {
    item_id: i64,
    version: i32,
    field: &'a str,
    name: &'a str,
    content: &'a str,
    kind: &'static str,
    basis: &'a str,
    subject: &'a str,
    categories: String,
    methods: String,
    ratio: Option<&'a str>,
    frequency: Option<&'a str>,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    created_at: NaiveDateTime,
    created_by: &'a str,
}

fn new_version<'a>(
    item_id: i64,
    version: i32,
    f: &'a ItemFields,
    by: &'a str,
    now: NaiveDateTime,
) -> NewVersion<'a> {
    let json = |codes: Vec<&str>| serde_json::to_string(&codes).unwrap_or_default();
    NewVersion {
        item_id,
        version,
        field: &f.field,
        name: &f.name,
        content: &f.content,
        kind: f.kind.code(),
        basis: &f.basis,
        subject: &f.subject,
        categories: json(f.categories.iter().map(|c| c.as_str()).collect()),
        methods: json(f.methods.iter().map(|m| m.code()).collect()),
        ratio: f.ratio.as_deref(),
        frequency: f.frequency.as_deref(),
        effective_from: f.effective_from,
        effective_to: f.effective_to,
        created_at: now,
        created_by: by,
    }
}

fn item_version(code: String, current: i32, r: VersionRow) -> QueryResult<ItemVersion> {
    let list = |what: &str, s: &str| -> QueryResult<Vec<String>> {
        serde_json::from_str(s).map_err(|_| corrupt(what, s))
    };
    let categories = list("item categories", &r.categories)?
        .into_iter()
        .map(CategoryCode::stored)
        .collect();
    let methods = list("item methods", &r.methods)?
        .iter()
        .map(|m| Method::parse(m).ok_or_else(|| corrupt("item method", m)))
        .collect::<QueryResult<_>>()?;
    Ok(ItemVersion {
        item_id: r.item_id,
        code: ItemCode::parse(&code).map_err(|_| corrupt("item code", &code))?,
        version: r.version,
        current_version: current,
        fields: ItemFields {
            field: r.field,
            name: r.name,
            content: r.content,
            kind: ItemKind::parse(&r.kind).ok_or_else(|| corrupt("item kind", &r.kind))?,
            basis: r.basis,
            subject: r.subject,
            categories,
            methods,
            ratio: r.ratio,
            frequency: r.frequency,
            effective_from: r.effective_from,
            effective_to: r.effective_to,
        },
        created_at: r.created_at,
        created_by: r.created_by,
    })
}

/// Adds an item with its first version; returns its id. Call inside a write transaction.
pub fn insert(
    conn: &mut AnyConn,
    code: &ItemCode,
    f: &ItemFields,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(i::table)
        .values((
            i::code.eq(code.as_str()),
            i::current_version.eq(1),
            i::created_at.eq(now),
            i::updated_at.eq(now),
        ))
        .returning(i::id)
        .get_result(conn)?;
    diesel::insert_into(v::table)
        .values(new_version(id, 1, f, by, now))
        .execute(conn)?;
    Ok(id)
}

/// Adds version `expected + 1` if the item is still at `expected`; `false` when someone else
/// changed it first. Call inside a write transaction.
pub fn add_version(
    conn: &mut AnyConn,
    id: i64,
    expected: i32,
    f: &ItemFields,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        i::table
            .filter(i::id.eq(id))
            .filter(i::current_version.eq(expected)),
    )
    .set((i::current_version.eq(expected + 1), i::updated_at.eq(now)))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::insert_into(v::table)
        .values(new_version(id, expected + 1, f, by, now))
        .execute(conn)?;
    Ok(true)
}

/// Every item at its current version, in id order.
pub fn current(conn: &mut AnyConn) -> QueryResult<Vec<ItemVersion>> {
    let rows: Vec<(String, i32, VersionRow)> = i::table
        .inner_join(v::table.on(v::item_id.eq(i::id).and(v::version.eq(i::current_version))))
        .order(i::id.asc())
        .select((i::code, i::current_version, VersionRow::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(code, current, r)| item_version(code, current, r))
        .collect()
}

/// Every version of one item, oldest first (empty when there is no such item).
pub fn versions(conn: &mut AnyConn, id: i64) -> QueryResult<Vec<ItemVersion>> {
    let rows: Vec<(String, i32, VersionRow)> = i::table
        .inner_join(v::table.on(v::item_id.eq(i::id)))
        .filter(i::id.eq(id))
        .order(v::version.asc())
        .select((i::code, i::current_version, VersionRow::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(code, current, r)| item_version(code, current, r))
        .collect()
}

/// One version of an item (`None`: the current one).
pub fn version(
    conn: &mut AnyConn,
    id: i64,
    version: Option<i32>,
) -> QueryResult<Option<ItemVersion>> {
    let mut q = i::table
        .inner_join(v::table.on(v::item_id.eq(i::id)))
        .filter(i::id.eq(id))
        .select((i::code, i::current_version, VersionRow::as_select()))
        .into_boxed();
    q = match version {
        Some(n) => q.filter(v::version.eq(n)),
        None => q.filter(v::version.eq(i::current_version)),
    };
    q.first::<(String, i32, VersionRow)>(conn)
        .optional()?
        .map(|(code, current, r)| item_version(code, current, r))
        .transpose()
}

/// The id of the item with this code.
pub fn id_of(conn: &mut AnyConn, code: &ItemCode) -> QueryResult<Option<i64>> {
    i::table
        .filter(i::code.eq(code.as_str()))
        .select(i::id)
        .first(conn)
        .optional()
}

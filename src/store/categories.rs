//! The category vocabulary (`categories`, `category_aliases`): read whole, only ever added to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{categories, category_aliases};
use super::AnyConn;
use crate::domain::category::{Category, CategoryCode, Vocabulary};

/// The PostgreSQL advisory-lock key that serialises vocabulary changes across instances, so a
/// name cannot be claimed twice between the check and the insert.
const CHANGE_LOCK: i64 = 0x0067_6f6e_6763_6174; // "gongcat"

#[derive(Queryable, Selectable)]
#[diesel(table_name = categories)]
struct CategoryRow {
    code: String,
    label: String,
    parent: Option<String>,
    regulation: Option<String>,
}

/// The whole vocabulary, in list order (shipped order, then the order admins added them), each
/// with its aliases in the order they were added.
pub fn load(conn: &mut AnyConn) -> QueryResult<Vocabulary> {
    let rows: Vec<CategoryRow> = categories::table
        .order(categories::position.asc())
        .select(CategoryRow::as_select())
        .load(conn)?;
    let mut aliases: Vec<(String, String)> = category_aliases::table
        .order(category_aliases::id.asc())
        .select((category_aliases::code, category_aliases::alias))
        .load(conn)?;
    let list = rows
        .into_iter()
        .map(|r| {
            let mut own = Vec::new();
            aliases.retain(|(code, alias)| {
                let mine = *code == r.code;
                if mine {
                    own.push(alias.clone());
                }
                !mine
            });
            Category {
                code: CategoryCode::stored(r.code),
                label: r.label,
                aliases: own,
                parent: r.parent.map(CategoryCode::stored),
                regulation: r.regulation,
            }
        })
        .collect();
    Ok(Vocabulary::new(list))
}

/// Takes the vocabulary's change lock until the transaction ends (PostgreSQL; SQLite's write
/// transaction already serialises). Call before [`load`] in a transaction that adds.
pub fn lock_for_change(conn: &mut AnyConn) -> QueryResult<()> {
    super::serialise_on(conn, CHANGE_LOCK)
}

/// Adds a category (after the others in list order) with its aliases. Call inside a write
/// transaction, after checking it against the vocabulary.
pub fn insert(conn: &mut AnyConn, c: &Category, now: NaiveDateTime) -> QueryResult<()> {
    let last: Option<i32> = categories::table
        .select(diesel::dsl::max(categories::position))
        .first(conn)?;
    diesel::insert_into(categories::table)
        .values((
            categories::code.eq(c.code.as_str()),
            categories::label.eq(&c.label),
            categories::parent.eq(c.parent.as_ref().map(CategoryCode::as_str)),
            categories::regulation.eq(&c.regulation),
            categories::position.eq(last.unwrap_or(0) + 1),
            categories::created_at.eq(now),
        ))
        .execute(conn)?;
    insert_aliases(conn, &c.code, &c.aliases, now)
}

/// Adds aliases of an existing category. Call inside a write transaction.
pub fn insert_aliases(
    conn: &mut AnyConn,
    code: &CategoryCode,
    aliases: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    for alias in aliases {
        diesel::insert_into(category_aliases::table)
            .values((
                category_aliases::alias.eq(alias),
                category_aliases::code.eq(code.as_str()),
                category_aliases::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

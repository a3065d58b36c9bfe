//! Staff accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::users;
use super::AnyConn;
use crate::domain::role::Role;
use crate::domain::user::User;

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i32,
    name: String,
    role: String,
    active: bool,
    version: i32,
    authority_id: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl UserRow {
    fn into_user(self) -> QueryResult<User> {
        let role = self
            .role
            .parse()
            .map_err(|e: crate::domain::role::UnknownRole| {
                diesel::result::Error::DeserializationError(e.into())
            })?;
        Ok(User {
            id: self.id,
            name: self.name,
            role,
            active: self.active,
            authority_id: self.authority_id,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    name: &'a str,
    role: &'a str,
    password_hash: &'a str,
    active: bool,
    version: i32,
    authority_id: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut AnyConn,
    name: &str,
    role: Role,
    password_hash: &str,
    authority_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(NewUserRow {
            name,
            role: role.as_str(),
            password_hash,
            active: true,
            version: 1,
            authority_id,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    by_name(conn, name)?.ok_or(diesel::result::Error::NotFound)
}

pub fn by_name(conn: &mut AnyConn, name: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::name.eq(name))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRow::into_user)
        .transpose()
}

pub fn by_id(conn: &mut AnyConn, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(UserRow::into_user)
        .transpose()
}

/// The stored password hash of an active account, for login.
pub fn password_hash(conn: &mut AnyConn, name: &str) -> QueryResult<Option<(User, String)>> {
    let found: Option<(UserRow, String)> = users::table
        .filter(users::name.eq(name))
        .select((UserRow::as_select(), users::password_hash))
        .first(conn)
        .optional()?;
    found
        .map(|(row, hash)| Ok((row.into_user()?, hash)))
        .transpose()
}

pub fn list(conn: &mut AnyConn) -> QueryResult<Vec<User>> {
    users::table
        .order(users::id.asc())
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(UserRow::into_user)
        .collect()
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Changes role and/or active flag only if the stored version is still `expected_version`
/// (optimistic concurrency). Returns false when someone else changed the row first.
pub fn update_if_version(
    conn: &mut AnyConn,
    id: i32,
    expected_version: i32,
    role: Role,
    active: bool,
    authority_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        users::table.filter(users::id.eq(id).and(users::version.eq(expected_version))),
    )
    .set((
        users::role.eq(role.as_str()),
        users::active.eq(active),
        users::authority_id.eq(authority_id),
        users::version.eq(expected_version + 1),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Replaces the password hash; call inside the transaction that bumps the version.
pub fn set_password_hash(conn: &mut AnyConn, id: i32, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Active admins other than `except`.
pub fn other_active_admins(conn: &mut AnyConn, except: i32) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::active.eq(true))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)
}

//! The staff console's sessions, stored only as SHA-256 digests of their cookies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{console_sessions, users};
use super::AnyConn;
use crate::domain::user::User;

pub fn insert(
    conn: &mut AnyConn,
    user_id: i32,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(console_sessions::table)
        .values((
            console_sessions::user_id.eq(user_id),
            console_sessions::token_hash.eq(token_hash),
            console_sessions::created_at.eq(now),
            console_sessions::last_seen_at.eq(now),
            console_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The active user of a live session with this digest: before its absolute expiry and seen
/// after `idle_since`. Its `last_seen_at` moves to `now` when it is older than `touch_before`
/// (so a page view writes at most once in a while).
pub fn holder(
    conn: &mut AnyConn,
    token_hash: &str,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
    touch_before: NaiveDateTime,
) -> QueryResult<Option<User>> {
    let found: Option<(i32, i32, NaiveDateTime)> = console_sessions::table
        .inner_join(users::table)
        .filter(console_sessions::token_hash.eq(token_hash))
        .filter(console_sessions::expires_at.gt(now))
        .filter(console_sessions::last_seen_at.gt(idle_since))
        .filter(users::active.eq(true))
        .select((
            console_sessions::id,
            users::id,
            console_sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    let Some((session, user, seen)) = found else {
        return Ok(None);
    };
    if seen < touch_before {
        diesel::update(console_sessions::table.find(session))
            .set(console_sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    super::users::by_id(conn, user)
}

/// Deletes every session of `user_id`; returns how many there were.
pub fn revoke_all(conn: &mut AnyConn, user_id: i32) -> QueryResult<usize> {
    diesel::delete(console_sessions::table.filter(console_sessions::user_id.eq(user_id)))
        .execute(conn)
}

/// Deletes the session with this digest (sign-out); returns whether it existed.
pub fn revoke(conn: &mut AnyConn, token_hash: &str) -> QueryResult<bool> {
    let n =
        diesel::delete(console_sessions::table.filter(console_sessions::token_hash.eq(token_hash)))
            .execute(conn)?;
    Ok(n > 0)
}

/// Deletes sessions past their absolute expiry or idle since `idle_since`; returns how many.
pub fn purge_ended(
    conn: &mut AnyConn,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        console_sessions::table.filter(
            console_sessions::expires_at
                .le(now)
                .or(console_sessions::last_seen_at.le(idle_since)),
        ),
    )
    .execute(conn)
}

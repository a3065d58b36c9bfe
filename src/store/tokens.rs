//! Bearer tokens, stored only as SHA-256 digests.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, users};
use super::AnyConn;
use crate::domain::user::User;

pub fn insert(
    conn: &mut AnyConn,
    user_id: i32,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now),
            api_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The active user holding an unexpired token with this digest.
pub fn holder(
    conn: &mut AnyConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<User>> {
    let user_id: Option<i32> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::expires_at.gt(now))
        .filter(users::active.eq(true))
        .select(users::id)
        .first(conn)
        .optional()?;
    match user_id {
        Some(id) => super::users::by_id(conn, id),
        None => Ok(None),
    }
}

/// Deletes every token of `user_id` (disabled, demoted, new password, or revoked by an admin),
/// its console sessions included; returns how many there were.
pub fn revoke_all(conn: &mut AnyConn, user_id: i32) -> QueryResult<usize> {
    let tokens =
        diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user_id))).execute(conn)?;
    Ok(tokens + super::sessions::revoke_all(conn, user_id)?)
}

/// Deletes the token with this digest (sign-out); returns whether it existed.
pub fn revoke(conn: &mut AnyConn, token_hash: &str) -> QueryResult<bool> {
    let n = diesel::delete(api_tokens::table.filter(api_tokens::token_hash.eq(token_hash)))
        .execute(conn)?;
    Ok(n > 0)
}

/// Deletes tokens that expired before `now`; returns how many.
pub fn purge_expired(conn: &mut AnyConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::expires_at.le(now))).execute(conn)
}

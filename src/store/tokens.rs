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

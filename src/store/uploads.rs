//! Files a console session uploaded to import, kept between their check and their import
//! (`console_uploads`; they end with their session by `ON DELETE CASCADE`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{console_sessions, console_uploads};
use super::AnyConn;

/// Keeps `body` for the live session with this digest; false when there is none.
pub fn insert(
    conn: &mut AnyConn,
    session_hash: &str,
    id: &str,
    file_name: &str,
    body: &[u8],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let Some(session) = session_of(conn, session_hash)? else {
        return Ok(false);
    };
    diesel::insert_into(console_uploads::table)
        .values((
            console_uploads::id.eq(id),
            console_uploads::session_id.eq(session),
            console_uploads::file_name.eq(file_name),
            console_uploads::body.eq(body),
            console_uploads::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

fn session_of(conn: &mut AnyConn, session_hash: &str) -> QueryResult<Option<i32>> {
    console_sessions::table
        .filter(console_sessions::token_hash.eq(session_hash))
        .select(console_sessions::id)
        .first(conn)
        .optional()
}

/// The file name and bytes of upload `id`, if the session with this digest uploaded it after
/// `since`.
pub fn get(
    conn: &mut AnyConn,
    session_hash: &str,
    id: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<(String, Vec<u8>)>> {
    console_uploads::table
        .inner_join(console_sessions::table)
        .filter(console_sessions::token_hash.eq(session_hash))
        .filter(console_uploads::id.eq(id))
        .filter(console_uploads::created_at.gt(since))
        .select((console_uploads::file_name, console_uploads::body))
        .first(conn)
        .optional()
}

/// Deletes upload `id` (imported).
pub fn delete(conn: &mut AnyConn, id: &str) -> QueryResult<()> {
    diesel::delete(console_uploads::table.find(id)).execute(conn)?;
    Ok(())
}

/// Deletes uploads made before `before`; returns how many.
pub fn purge(conn: &mut AnyConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(console_uploads::table.filter(console_uploads::created_at.le(before)))
        .execute(conn)
}

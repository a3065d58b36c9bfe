//! The staff console's sessions (issue 28): the same name-and-password check as the API's
//! tokens (`auth::check_login`: throttle, equal effort, audited refusals), then a random
//! 256-bit cookie stored as its SHA-256. A session ends after [`IDLE`] without a request, at
//! [`MAX_AGE`] in any case, at sign-out, and with every token of its account (disabled, role
//! or password changed, revoked by an admin: `store::tokens::revoke_all`).
//!
//! Every form that writes carries a CSRF token derived from the session's cookie
//! ([`csrf_token`]): a page of another site can neither read the cookie nor the token, and the
//! server keeps nothing more per session.

use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

pub use super::auth::random_secret;
use super::auth::{check_login, token_digest, Login};
use super::events::{self, Event};
use super::snapshots::{self, TokenRevokeSnapshot};
use super::{Actor, App, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::client::ClientKey;
use crate::store::{self, write_tx};

/// A session unused this long has ended (sign in again).
pub const IDLE: Duration = Duration::minutes(60);
/// A session ends this long after sign-in however busy it is (one working day).
pub const MAX_AGE: Duration = Duration::hours(12);
/// A request moves a session's last-seen time only when it is older than this, so page views
/// do not each write.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new session: the only time its cookie value exists.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie: String,
    pub expires_at: NaiveDateTime,
}

/// Signs a member of staff in to the console (audited as a sign-in; refusals as the API's).
pub fn sign_in(
    app: &App,
    login: &Login,
    client: Option<ClientKey>,
) -> Result<NewSession, ServiceError> {
    let user = check_login(app, login, client)?;
    let cookie = random_secret();
    let now = app.now();
    let expires_at = now + MAX_AGE;
    write_tx(&mut *app.conn()?, |conn| {
        store::sessions::purge_ended(conn, now, now - IDLE)?;
        store::sessions::insert(conn, user.id, &token_digest(&cookie), now, expires_at)?;
        super::auth::audit_issue(
            conn,
            &user.name,
            AuditAction::ConsoleSignIn,
            &user,
            expires_at,
            now,
        )?;
        Ok::<_, ServiceError>(())
    })?;
    Ok(NewSession { cookie, expires_at })
}

/// The staff member of a live session cookie, or `None` (unknown, idle too long, past its
/// maximum age, signed out, or the account disabled or changed since).
pub fn actor_for(app: &App, cookie: &str) -> Result<Option<Actor>, ServiceError> {
    let now = app.now();
    let user = store::sessions::holder(
        &mut *app.conn()?,
        &token_digest(cookie),
        now,
        now - IDLE,
        now - TOUCH_EVERY,
    )?;
    Ok(user.map(|u| Actor::staff(&u.name, u.role).bound(u.authority_id)))
}

/// Signs out: the session is ended for good (audited).
pub fn sign_out(app: &App, actor: &Actor, cookie: &str) -> Result<(), ServiceError> {
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let revoked = store::sessions::revoke(conn, &token_digest(cookie))?;
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::ConsoleSignOut,
                object_type: "user",
                object_id: actor.name.clone(),
                before: None,
                after: Some(snapshots::json(&TokenRevokeSnapshot {
                    user: &actor.name,
                    revoked: usize::from(revoked),
                })),
            },
            now,
        )?;
        Ok(())
    })
}

/// How long an uploaded file waits for its import (console_uploads).
pub const UPLOAD_KEPT: Duration = Duration::hours(1);

/// Keeps a file the session with this cookie uploaded, for its import after the check (the
/// console's import page); returns the upload's id. Older uploads of every session are purged.
pub fn keep_upload(
    app: &App,
    cookie: &str,
    file_name: &str,
    body: &[u8],
) -> Result<String, ServiceError> {
    let now = app.now();
    let id = random_secret();
    write_tx(&mut *app.conn()?, |conn| {
        store::uploads::purge(conn, now - UPLOAD_KEPT)?;
        if store::uploads::insert(conn, &token_digest(cookie), &id, file_name, body, now)? {
            Ok(())
        } else {
            Err(ServiceError::Unauthorized(
                "the session has ended; sign in again".into(),
            ))
        }
    })?;
    Ok(id)
}

/// A kept upload of the session with this cookie: its file name and bytes, or `None` when it
/// is unknown, another session's, imported or older than [`UPLOAD_KEPT`].
pub fn kept_upload(
    app: &App,
    cookie: &str,
    id: &str,
) -> Result<Option<(String, Vec<u8>)>, ServiceError> {
    let since = app.now() - UPLOAD_KEPT;
    Ok(store::uploads::get(
        &mut *app.conn()?,
        &token_digest(cookie),
        id,
        since,
    )?)
}

/// Forgets an upload (imported).
pub fn forget_upload(app: &App, id: &str) -> Result<(), ServiceError> {
    Ok(store::uploads::delete(&mut *app.conn()?, id)?)
}

/// The CSRF token of the session with this cookie: a one-way function of the cookie (which no
/// other site can read), so it needs no storage and says nothing about the cookie.
pub fn csrf_token(cookie: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"gongshi console csrf\0");
    h.update(cookie.as_bytes());
    hex::encode(h.finalize())
}

/// Whether `given` is the CSRF token of the session with this cookie, compared in constant time.
pub fn csrf_matches(cookie: &str, given: &str) -> bool {
    same_secret(&csrf_token(cookie), given)
}

/// Two secrets compared without an early exit (so timing does not tell how much matched).
pub fn same_secret(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csrf_token_belongs_to_its_session_alone() {
        let (a, b) = (random_secret(), random_secret());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        let token = csrf_token(&a);
        assert!(csrf_matches(&a, &token));
        assert!(!csrf_matches(&b, &token));
        assert!(!csrf_matches(&a, ""));
        assert!(!csrf_matches(&a, &token[..63]));
        assert!(!csrf_matches(&a, &token.to_uppercase()));
        // The token is not the cookie, and does not contain it.
        assert!(!token.contains(&a));
        assert!(!csrf_matches(&a, &a));
    }

    #[test]
    fn secrets_compare_equal_only_when_every_byte_is_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
        assert!(same_secret("", ""));
    }
}

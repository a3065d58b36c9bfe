//! Passwords (argon2id) and bearer tokens (256 random bits, stored as SHA-256).

use super::events::{self, Event};
use crate::domain::audit_action::AuditAction;
use crate::domain::client::ClientKey;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::snapshots::{self, TokenIssueSnapshot};
use super::{App, ServiceError};
use crate::domain::user::User;
use crate::store::{self, write_tx};

pub const DEFAULT_TOKEN_TTL: Duration = Duration::hours(12);
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A freshly issued token: the only time its plain text exists.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedToken {
    pub token: String,
    pub token_type: &'static str,
    #[serde(skip)]
    pub expires_at_utc: NaiveDateTime,
    pub expires_at: String,
}

pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServiceError::internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::internal(e.to_string()))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// 256 random bits, hex: a bearer token, a session cookie or a sign-in form's token.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A secret presented by a client (bearer token, session cookie) as it is stored: SHA-256, hex.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a token for `user` (already authenticated), recording the issue in the audit log.
pub fn issue_token(
    app: &App,
    user: &User,
    actor: &str,
    ttl: Duration,
) -> Result<IssuedToken, ServiceError> {
    let token = random_secret();
    let now = app.now();
    let expires_at = now + ttl;
    write_tx(&mut *app.conn()?, |conn| {
        // Expired tokens are dead already; issuing is a cheap, regular moment to drop them.
        store::tokens::purge_expired(conn, now)?;
        store::tokens::insert(conn, user.id, &token_digest(&token), now, expires_at)?;
        audit_issue(conn, actor, AuditAction::TokenIssue, user, expires_at, now)
    })?;
    Ok(IssuedToken {
        token,
        token_type: "Bearer",
        expires_at_utc: expires_at,
        expires_at: crate::domain::shanghai::format_utc(expires_at),
    })
}

/// The audit record of a token or session issued to `user` (`action`), by `actor`.
pub(super) fn audit_issue(
    conn: &mut crate::store::AnyConn,
    actor: &str,
    action: AuditAction,
    user: &User,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    events::record_event(
        conn,
        Event {
            actor,
            action,
            object_type: "user",
            object_id: user.id.to_string(),
            before: None,
            after: Some(snapshots::json(&TokenIssueSnapshot {
                user: &user.name,
                expires_at: expires_at.to_string(),
            })),
        },
        now,
    )?;
    Ok(())
}

/// A login's body, as it arrives.
#[derive(Debug, Clone)]
pub struct Login {
    pub name: String,
    pub password: String,
}

/// Why a login was refused, for the audit log (the caller only ever hears "refused").
#[derive(Debug, Clone, Copy)]
enum Refusal {
    UnknownName,
    WrongPassword,
    Disabled,
}

impl Refusal {
    fn as_str(self) -> &'static str {
        match self {
            Refusal::UnknownName => "unknown_name",
            Refusal::WrongPassword => "wrong_password",
            Refusal::Disabled => "disabled",
        }
    }
}

/// Exchanges name and password for a token. Unknown name and wrong password get the same answer
/// after the same effort; each refusal is audited (without the password) and counts towards the
/// name's and the client address's throttle (429 with the seconds to wait once locked). The
/// password is checked without holding a database connection, a few checks at a time.
pub fn login(
    app: &App,
    login: &Login,
    client: Option<ClientKey>,
) -> Result<IssuedToken, ServiceError> {
    let user = check_login(app, login, client)?;
    issue_token(app, &user, &user.name, DEFAULT_TOKEN_TTL)
}

/// The account behind a name and password, as [`login`] judges them (throttle, same effort,
/// audited refusals): the bearer token's and the console session's one check.
pub(super) fn check_login(
    app: &App,
    login: &Login,
    client: Option<ClientKey>,
) -> Result<User, ServiceError> {
    let (name, password) = (login.name.as_str(), login.password.as_str());
    let guard = app.login_guard();
    let admitted = app.clock().now();
    if let Err(retry_after) = guard.admit(name, client, admitted) {
        tracing::warn!(client = ?client, "login refused: too many failures");
        return Err(ServiceError::TooManyAttempts { retry_after });
    }
    let checked = if crate::domain::field::check_text(name).is_err() {
        // No account has such a name (and PostgreSQL cannot even compare a NUL).
        guard.check(|| hash_password(password).ok());
        Err(Refusal::UnknownName)
    } else {
        // The connection goes back to the pool before the (slow) password check.
        let found = store::users::password_hash(&mut *app.conn()?, name.trim())?;
        match found {
            None => {
                // Spend the same effort as a real check so timing does not reveal names.
                guard.check(|| hash_password(password).ok());
                Err(Refusal::UnknownName)
            }
            Some((user, stored)) => match guard.check(|| verify_password(password, &stored)) {
                false => Err(Refusal::WrongPassword),
                true if !user.active => Err(Refusal::Disabled),
                true => Ok(user),
            },
        }
    };
    match checked {
        Ok(user) => {
            guard.succeeded(name, client, admitted);
            Ok(user)
        }
        Err(refusal) => {
            audit_refusal(app, name, client, refusal)?;
            Err(ServiceError::Unauthorized(
                "name or password is wrong, or the account is disabled".into(),
            )
            .zh("账号名或密码错误，或账号已停用"))
        }
    }
}

fn audit_refusal(
    app: &App,
    name: &str,
    client: Option<ClientKey>,
    refusal: Refusal,
) -> Result<(), ServiceError> {
    // A name that breaks the text rule is not stored as given (it may hold a NUL).
    let shown = match crate::domain::field::check_text(name) {
        Ok(()) => name.trim().chars().take(64).collect::<String>(),
        Err(_) => "(not a valid name)".to_string(),
    };
    let client = client.map(|a| a.to_string());
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        events::record_event(
            conn,
            Event {
                actor: "anonymous",
                action: AuditAction::LoginFailed,
                object_type: "login",
                object_id: shown.clone(),
                before: None,
                after: Some(snapshots::json(&snapshots::LoginFailedSnapshot {
                    name: &shown,
                    client: client.as_deref(),
                    reason: refusal.as_str(),
                })),
            },
            now,
        )?;
        Ok(())
    })
}

/// The user behind a bearer token, if it is valid and unexpired and the account is active.
pub fn authenticate(app: &App, token: &str) -> Result<Option<User>, ServiceError> {
    Ok(store::tokens::holder(
        &mut *app.conn()?,
        &token_digest(token.trim()),
        app.now(),
    )?)
}

/// Signs out: the token presented is revoked for good (audited).
pub fn sign_out(app: &App, actor: &super::Actor, token: &str) -> Result<(), ServiceError> {
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let revoked = store::tokens::revoke(conn, &token_digest(token.trim()))?;
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::TokenRevoke,
                object_type: "user",
                object_id: actor.name.clone(),
                before: None,
                after: Some(snapshots::json(&snapshots::TokenRevokeSnapshot {
                    user: &actor.name,
                    revoked: usize::from(revoked),
                })),
            },
            now,
        )?;
        Ok(())
    })
}

/// The staff member behind a bearer token, as an [`Actor`](super::Actor); `None` when the
/// token is unknown, expired, or its account is disabled.
pub fn actor_for(app: &App, token: &str) -> Result<Option<super::Actor>, ServiceError> {
    Ok(authenticate(app, token)?
        .map(|u| super::Actor::staff(&u.name, u.role).bound(u.authority_id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_salt() {
        assert_ne!(
            hash_password("same password!").unwrap(),
            hash_password("same password!").unwrap()
        );
    }
}

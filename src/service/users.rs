//! Staff account management (admin only, or the operator at the console).

use super::events::{self, Event};
use chrono::Duration;

use super::auth::{hash_password, issue_token, IssuedToken, MIN_PASSWORD_CHARS};
use super::snapshots::{self, UserSnapshot};
use super::{Actor, App, ConflictKind, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::domain::user::User;
use crate::store::{self, write_tx};

const MAX_NAME_CHARS: usize = 64;

/// A new account's input, parsed: the only way to get one is [`NewUser::parse`].
#[derive(Debug)]
pub struct NewUser {
    name: String,
    role: Role,
    password: String,
    authority_id: Option<i64>,
}

impl NewUser {
    /// The same account bound to one 处罚机关 (checked to exist when it is created).
    pub fn bound_to(mut self, authority_id: Option<i64>) -> NewUser {
        self.authority_id = authority_id;
        self
    }

    pub fn parse(name: &str, role: &str, password: &str) -> Result<Self, ServiceError> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() {
            errors.push(
                FieldError::new("name", "required", "name must not be empty").zh("请填写账号名"),
            );
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.push(
                FieldError::new(
                    "name",
                    "too_long",
                    format!("name has at most {MAX_NAME_CHARS} characters"),
                )
                .zh(format!("账号名最多 {MAX_NAME_CHARS} 个字")),
            );
        } else if let Err(p) = crate::domain::field::check_text(name) {
            errors.push(
                FieldError::new("name", p.code(), p.message("name")).zh(p.message_zh("name")),
            );
        } else if name.chars().any(char::is_whitespace) {
            errors.push(
                FieldError::new(
                    "name",
                    "character",
                    "name may not contain spaces or control characters",
                )
                .zh("账号名不能含空格或控制字符"),
            );
        }
        let role = role
            .parse::<Role>()
            .map_err(|e| {
                errors.push(
                    FieldError::new("role", "unknown", e.to_string())
                        .zh("角色须为 clerk（经办人）、reviewer（审核人）或 admin（管理员）"),
                )
            })
            .ok();
        if password.chars().count() < MIN_PASSWORD_CHARS {
            errors.push(
                FieldError::new(
                    "password",
                    "too_short",
                    format!("password has at least {MIN_PASSWORD_CHARS} characters"),
                )
                .zh(format!("密码至少 {MIN_PASSWORD_CHARS} 个字符")),
            );
        }
        match (errors.is_empty(), role) {
            (true, Some(role)) => Ok(NewUser {
                name: name.to_string(),
                role,
                password: password.to_string(),
                authority_id: None,
            }),
            _ => Err(ServiceError::Validation(errors)),
        }
    }
}

fn snapshot(u: &User) -> serde_json::Value {
    snapshots::json(&UserSnapshot::from(u))
}

/// The raw body of a new account, as it arrives.
#[derive(Debug, Clone)]
pub struct RawUser {
    pub name: String,
    pub role: String,
    pub password: String,
    /// Bind the account to one 处罚机关.
    pub authority_id: Option<i64>,
}

/// Creates an account from the API's body (admin): authorised before the body is judged.
pub fn create_from(app: &App, actor: &Actor, raw: &RawUser) -> Result<User, ServiceError> {
    actor.require(Action::ManageUsers)?;
    let mut new = NewUser::parse(&raw.name, &raw.role, &raw.password)?;
    new.authority_id = raw.authority_id;
    create(app, actor, new)
}

pub fn create(app: &App, actor: &Actor, new: NewUser) -> Result<User, ServiceError> {
    actor.require(Action::ManageUsers)?;
    let hash = hash_password(&new.password)?;
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        if store::users::by_name(conn, &new.name)?.is_some() {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                format!("a user named '{}' already exists", new.name),
            )
            .zh(format!("账号名“{}”已存在", new.name)));
        }
        if let Some(a) = new.authority_id {
            known_authority(conn, a)?;
        }
        let user = store::users::insert(conn, &new.name, new.role, &hash, new.authority_id, now)?;
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::UserCreate,
                object_type: "user",
                object_id: user.id.to_string(),
                before: None,
                after: Some(snapshot(&user)),
            },
            now,
        )?;
        Ok(user)
    })
}

/// Creates a user and a first token for it (`gongshi user add`).
pub fn create_with_token(
    app: &App,
    actor: &Actor,
    new: NewUser,
    ttl: Duration,
) -> Result<(User, IssuedToken), ServiceError> {
    let user = create(app, actor, new)?;
    let token = issue_token(app, &user, &actor.name, ttl)?;
    Ok((user, token))
}

/// A change to an account, valid only against the version the caller last saw.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub version: i32,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// A new password set by an admin (at least [`MIN_PASSWORD_CHARS`] characters).
    pub password: Option<String>,
    /// Bind to an authority (`Some(Some(id))`) or unbind (`Some(None)`).
    pub authority_id: Option<Option<i64>>,
}

/// 422-free check that an authority to bind an account to exists (400 naming the field).
fn known_authority(conn: &mut crate::store::AnyConn, id: i64) -> Result<(), ServiceError> {
    match store::authorities::by_id(conn, id)? {
        Some(_) => Ok(()),
        None => Err(ServiceError::Validation(vec![FieldError::new(
            "authority_id",
            "unknown",
            format!("no authority with id {id}"),
        )
        .zh(format!("没有编号为 {id} 的处罚机关"))])),
    }
}

/// Serialises account changes across instances sharing one PostgreSQL database, so two admins
/// demoting each other at once cannot leave no admin at all.
const POSTGRES_USERS_LOCK_KEY: i64 = 0x0067_6f6e_6773_7573; // "gongsus": gongshi users

/// Changes an account. A change that leaves no active admin is refused (409 `last-admin`);
/// disabling, a role change and a new password revoke every token of the account for good; a
/// change that changes nothing changes nothing (no new version, no audit record).
pub fn update(app: &App, actor: &Actor, id: i32, change: UserChange) -> Result<User, ServiceError> {
    actor.require(Action::ManageUsers)?;
    let hash = match change.password.as_deref() {
        None => None,
        Some(p) if p.chars().count() < MIN_PASSWORD_CHARS => {
            return Err(ServiceError::Validation(vec![FieldError::new(
                "password",
                "too_short",
                format!("password has at least {MIN_PASSWORD_CHARS} characters"),
            )
            .zh(format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"))]))
        }
        Some(p) => Some(hash_password(p)?),
    };
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        store::serialise_on(conn, POSTGRES_USERS_LOCK_KEY)?;
        let before = store::users::by_id(conn, id)?.ok_or_else(|| {
            ServiceError::NotFound(format!("no user with id {id}"))
                .zh(format!("没有编号为 {id} 的账号"))
        })?;
        if before.version != change.version {
            return Err(stale(id, before.version, change.version));
        }
        let role = change.role.unwrap_or(before.role);
        let active = change.active.unwrap_or(before.active);
        let authority = change.authority_id.unwrap_or(before.authority_id);
        if let Some(a) = authority.filter(|a| Some(*a) != before.authority_id) {
            known_authority(conn, a)?;
        }
        if role == before.role
            && active == before.active
            && authority == before.authority_id
            && hash.is_none()
        {
            return Ok(before);
        }
        let was_admin = before.role == Role::Admin && before.active;
        let is_admin = role == Role::Admin && active;
        if was_admin && !is_admin && store::users::other_active_admins(conn, id)? == 0 {
            return Err(ServiceError::conflict(
                ConflictKind::LastAdmin,
                format!(
                    "'{}' is the last active admin: make another account admin first",
                    before.name
                ),
            )
            .zh(format!(
                "“{}”是最后一名可用的管理员：请先将另一个账号设为管理员",
                before.name
            )));
        }
        if !store::users::update_if_version(conn, id, change.version, role, active, authority, now)?
        {
            return Err(stale(id, before.version, change.version));
        }
        if let Some(hash) = &hash {
            store::users::set_password_hash(conn, id, hash)?;
        }
        if role != before.role || !active || hash.is_some() || authority != before.authority_id {
            store::tokens::revoke_all(conn, id)?;
        }
        let after = store::users::by_id(conn, id)?.ok_or_else(|| {
            ServiceError::NotFound(format!("no user with id {id}"))
                .zh(format!("没有编号为 {id} 的账号"))
        })?;
        let mut after_snapshot = snapshot(&after);
        if hash.is_some() {
            after_snapshot["password_changed"] = true.into();
        }
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::UserUpdate,
                object_type: "user",
                object_id: id.to_string(),
                before: Some(snapshot(&before)),
                after: Some(after_snapshot),
            },
            now,
        )?;
        Ok(after)
    })
}

/// Revokes every token of an account at once (admin), e.g. for a lost laptop.
pub fn revoke_tokens(app: &App, actor: &Actor, id: i32) -> Result<usize, ServiceError> {
    actor.require(Action::ManageUsers)?;
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let user = store::users::by_id(conn, id)?.ok_or_else(|| {
            ServiceError::NotFound(format!("no user with id {id}"))
                .zh(format!("没有编号为 {id} 的账号"))
        })?;
        let n = store::tokens::revoke_all(conn, id)?;
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::TokenRevokeAll,
                object_type: "user",
                object_id: id.to_string(),
                before: None,
                after: Some(snapshots::json(&snapshots::TokenRevokeSnapshot {
                    user: &user.name,
                    revoked: n,
                })),
            },
            now,
        )?;
        Ok(n)
    })
}

fn stale(id: i32, current: i32, given: i32) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!("user {id} is at version {current}, not {given}: someone changed it first; reload and retry"),
    )
    .zh(format!(
        "账号 {id} 已被他人修改（当前版本 {current}，提交的是 {given}），请刷新后重试"
    ))
}

pub fn list(app: &App, actor: &Actor) -> Result<Vec<User>, ServiceError> {
    actor.require(Action::ManageUsers)?;
    Ok(store::users::list(&mut *app.conn()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let Err(ServiceError::Validation(errors)) = NewUser::parse(" ", "root", "short") else {
            panic!("expected validation errors");
        };
        let fields: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", "required"),
                ("role", "unknown"),
                ("password", "too_short")
            ]
        );
    }

    #[test]
    fn names_are_trimmed_and_may_be_chinese() {
        let u = NewUser::parse(" 王科长 ", "reviewer", "a long password").unwrap();
        assert_eq!((u.name.as_str(), u.role), ("王科长", Role::Reviewer));
        assert!(NewUser::parse("wang li", "clerk", "a long password").is_err());
    }
}

//! 处罚机关: a deployment may serve several (a province runs one gongshi for many bureaus).

use super::events;
use super::{Actor, App, ConflictKind, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::ids::AuthorityId;
use crate::domain::penalty::record::{Authority, AuthorityFields, RawAuthority};
use crate::domain::policy::Action;
use crate::service::FieldError;
use crate::store::{self, write_tx, AnyConn};

/// Every authority (public: names, codes and what they publish are public facts).
pub fn list(app: &App) -> Result<Vec<Authority>, ServiceError> {
    Ok(store::authorities::list(&mut *app.conn()?)?)
}

pub fn get(app: &App, id: AuthorityId) -> Result<Authority, ServiceError> {
    let id = id.get();
    find(&mut *app.conn()?, id)
}

pub(super) fn find(conn: &mut AnyConn, id: i64) -> Result<Authority, ServiceError> {
    store::authorities::by_id(conn, id)?
        .ok_or_else(|| ServiceError::NotFound(format!("no authority with id {id}")))
}

/// The authority a request names, or the only one when it names none.
pub(super) fn resolve(conn: &mut AnyConn, id: Option<i64>) -> Result<Authority, ServiceError> {
    match id {
        Some(id) => store::authorities::by_id(conn, id)?.ok_or_else(|| {
            ServiceError::Validation(vec![FieldError::new(
                "authority_id",
                "unknown",
                format!("no authority with id {id}"),
            )
            .zh(format!("没有编号为 {id} 的处罚机关"))])
        }),
        None => {
            let mut all = store::authorities::list(conn)?;
            match all.len() {
                1 => Ok(all.remove(0)),
                0 => Err(ServiceError::Validation(vec![FieldError::new(
                    "authority_id",
                    "required",
                    "no authority (处罚机关) is set up yet: an admin creates one with POST /api/v1/authorities",
                )
                .zh("尚未设置处罚机关：请管理员先添加处罚机关")])),
                n => Err(ServiceError::Validation(vec![FieldError::new(
                    "authority_id",
                    "required",
                    format!("authority_id is required: {n} authorities are set up"),
                )
                .zh(format!("已设置 {n} 个处罚机关，请选择处罚机关"))])),
            }
        }
    }
}

pub fn create(app: &App, actor: &Actor, raw: &RawAuthority) -> Result<Authority, ServiceError> {
    actor.require(Action::ManageAuthorities)?;
    let fields = AuthorityFields::parse(raw, None).map_err(ServiceError::Validation)?;
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        if store::authorities::taken(conn, &fields, None)? {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                "an authority with this name or credit code exists",
            ));
        }
        let a = store::authorities::insert(conn, &fields, now)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::AuthorityCreate,
            None,
            &a,
            now,
        )?;
        Ok(a)
    })
}

pub fn update(
    app: &App,
    actor: &Actor,
    id: AuthorityId,
    version: i32,
    raw: &RawAuthority,
) -> Result<Authority, ServiceError> {
    let id = id.get();
    actor.require(Action::ManageAuthorities)?;
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let before = find(conn, id)?;
        let fields =
            AuthorityFields::parse(raw, Some(&before.fields)).map_err(ServiceError::Validation)?;
        if before.version != version {
            return Err(stale(id, before.version, version));
        }
        if fields == before.fields {
            return Ok(before);
        }
        if store::authorities::taken(conn, &fields, Some(id))? {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                "another authority has this name or credit code",
            ));
        }
        let after = store::authorities::update_if_version(conn, id, version, &fields, now)?
            .ok_or_else(|| stale(id, before.version, version))?;
        if after.fields.mask_natural_person_names != before.fields.mask_natural_person_names {
            // What the public sees of natural persons changed: so does what it can search.
            store::penalties::refresh_public_names(conn, &after)?;
        }
        events::record(
            conn,
            &actor.name,
            AuditAction::AuthorityUpdate,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

fn stale(id: i64, current: i32, given: i32) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!("authority {id} is at version {current}, not {given}; reload and retry"),
    )
}

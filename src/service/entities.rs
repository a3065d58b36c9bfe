//! The market-entity directory: create, change, deregister, look up and search.

use super::{now_utc, Actor, ServiceError};
use crate::domain::credit_code::CreditCode;
use crate::domain::entity::{EntityFields, EntityStatus, RawEntity};
use crate::domain::role::Role;
use crate::store::entities::{EntityQuery, EntityRecord};
use crate::store::{self, audit::NewAudit, write_tx, AnyConn};

/// Who may change the directory.
pub const WRITERS: &[Role] = &[Role::Clerk, Role::Admin];

/// The audit snapshot of an entity: every field, as stored.
pub fn snapshot(e: &EntityRecord) -> serde_json::Value {
    let f = &e.fields;
    serde_json::json!({
        "credit_code": f.credit_code.as_str(),
        "name": f.name,
        "kind": f.kind,
        "category": f.category,
        "district": f.district,
        "address": f.address,
        "legal_representative": f.legal_representative,
        "licence_numbers": f.licence_numbers,
        "status": f.status,
        "risk_tags": f.risk_tags,
        "version": e.version,
    })
}

pub fn create(
    conn: &mut AnyConn,
    actor: &Actor,
    raw: &RawEntity,
) -> Result<EntityRecord, ServiceError> {
    actor.require(WRITERS)?;
    let fields = EntityFields::parse(raw).map_err(ServiceError::Validation)?;
    let now = now_utc();
    write_tx(conn, |conn| {
        if store::entities::by_credit_code(conn, fields.credit_code.as_str())?.is_some() {
            return Err(ServiceError::Conflict(format!(
                "an entity with credit code {} is already in the directory",
                fields.credit_code
            )));
        }
        let record = store::entities::insert_many(conn, std::slice::from_ref(&fields), now)?
            .pop()
            .ok_or_else(|| ServiceError::NotFound("the new entity vanished".into()))?;
        store::audit::append(
            conn,
            NewAudit {
                actor: &actor.name,
                action: "entity.create",
                object_type: "entity",
                object_id: record.fields.credit_code.to_string(),
                before: None,
                after: Some(snapshot(&record)),
            },
            now,
        )?;
        Ok(record)
    })
}

/// Changes the fields `patch` names, against the version the caller last saw. The credit code
/// is the entity's identity and cannot change.
pub fn update(
    conn: &mut AnyConn,
    actor: &Actor,
    code: &str,
    version: i32,
    patch: RawEntity,
    action: &str,
) -> Result<EntityRecord, ServiceError> {
    actor.require(WRITERS)?;
    let code = parse_code(code)?;
    let now = now_utc();
    write_tx(conn, |conn| {
        let before = find(conn, &code)?;
        if let Some(given) = patch.credit_code.as_deref() {
            if CreditCode::parse(given).ok().as_ref() != Some(&code) {
                return Err(ServiceError::invalid(
                    "credit_code",
                    "immutable",
                    "the credit code identifies the entity and cannot be changed",
                ));
            }
        }
        let merged = merge(&before.fields, patch);
        let fields = EntityFields::parse(&merged).map_err(ServiceError::Validation)?;
        if !store::entities::update_if_version(conn, &before, version, &fields, now)? {
            return Err(stale(&code, before.version, version));
        }
        let after = find(conn, &code)?;
        store::audit::append(
            conn,
            NewAudit {
                actor: &actor.name,
                action,
                object_type: "entity",
                object_id: code.to_string(),
                before: Some(snapshot(&before)),
                after: Some(snapshot(&after)),
            },
            now,
        )?;
        Ok(after)
    })
}

/// Marks an entity deregistered (注销). Entities are never deleted: penalties and draws refer
/// to them, and their history stays readable.
pub fn deregister(
    conn: &mut AnyConn,
    actor: &Actor,
    code: &str,
    version: i32,
) -> Result<EntityRecord, ServiceError> {
    let patch = RawEntity {
        status: Some(EntityStatus::Deregistered.code().to_string()),
        ..RawEntity::default()
    };
    update(conn, actor, code, version, patch, "entity.deregister")
}

pub fn get(conn: &mut AnyConn, code: &str) -> Result<EntityRecord, ServiceError> {
    let code = parse_code(code)?;
    find(conn, &code)
}

pub fn search(conn: &mut AnyConn, q: &EntityQuery) -> Result<Vec<EntityRecord>, ServiceError> {
    Ok(store::entities::search(conn, q)?)
}

/// Calls `f` with every entity in the order they entered the directory, a page at a time (for
/// exports; any staff member). Returns how many there were.
pub fn for_each<E: From<ServiceError>>(
    conn: &mut AnyConn,
    actor: &Actor,
    mut f: impl FnMut(&EntityRecord) -> Result<(), E>,
) -> Result<usize, E> {
    actor.require(&[Role::Clerk, Role::Reviewer, Role::Admin])?;
    let (mut after, mut n) = (0, 0);
    loop {
        let page = store::entities::page(conn, after, 5_000).map_err(ServiceError::from)?;
        let Some(last) = page.last() else {
            return Ok(n);
        };
        after = last.id;
        n += page.len();
        page.iter().try_for_each(&mut f)?;
    }
}

/// The entity's change history from the audit log, oldest first (any staff member).
pub fn history(
    conn: &mut AnyConn,
    actor: &Actor,
    code: &str,
) -> Result<Vec<crate::store::audit::AuditRecord>, ServiceError> {
    actor.require(&[Role::Clerk, Role::Reviewer, Role::Admin])?;
    let code = parse_code(code)?;
    find(conn, &code)?;
    Ok(store::audit::for_object(conn, "entity", code.as_str())?)
}

/// The raw form of a stored entity with `patch`'s present fields laid over it.
fn merge(f: &EntityFields, patch: RawEntity) -> RawEntity {
    RawEntity {
        credit_code: Some(f.credit_code.to_string()),
        name: patch.name.or_else(|| Some(f.name.clone())),
        kind: patch.kind.or_else(|| Some(f.kind.code().into())),
        category: patch.category.or_else(|| Some(f.category.code().into())),
        district: patch.district.or_else(|| Some(f.district.as_str().into())),
        address: patch.address.or_else(|| f.address.clone()),
        legal_representative: patch
            .legal_representative
            .or_else(|| f.legal_representative.clone()),
        licence_numbers: patch
            .licence_numbers
            .or_else(|| Some(f.licence_numbers.clone())),
        status: patch.status.or_else(|| Some(f.status.code().into())),
        risk_tags: patch.risk_tags.or_else(|| Some(f.risk_tags.clone())),
    }
}

fn parse_code(code: &str) -> Result<CreditCode, ServiceError> {
    CreditCode::parse(code)
        .map_err(|e| ServiceError::invalid("credit_code", e.reason(), e.to_string()))
}

fn find(conn: &mut AnyConn, code: &CreditCode) -> Result<EntityRecord, ServiceError> {
    store::entities::by_credit_code(conn, code.as_str())?
        .ok_or_else(|| ServiceError::NotFound(format!("no entity with credit code {code}")))
}

fn stale(code: &CreditCode, current: i32, given: i32) -> ServiceError {
    ServiceError::Conflict(format!(
        "entity {code} is at version {current}, not {given}: someone changed it first; reload and retry"
    ))
}

//! The inspector roster (admin) and declared conflicts of interest (回避).

use super::{now_utc, Actor, ServiceError};
use crate::domain::credit_code::CreditCode;
use crate::domain::entity::BusinessCategory;
use crate::domain::field::{required_text, Errors};
use crate::domain::inspector::{InspectorFields, InspectorStatus, RawInspector};
use crate::domain::role::Role;
use crate::domain::shanghai;
use crate::store::inspectors::{Conflict, InspectorRecord};
use crate::store::{self, audit::NewAudit, write_tx, AnyConn};

const ADMIN: &[Role] = &[Role::Admin];

/// The audit snapshot: private fields masked, since the audit log can never be erased.
pub fn snapshot(r: &InspectorRecord) -> serde_json::Value {
    let f = &r.fields;
    serde_json::json!({
        "id": r.id,
        "name": f.name,
        "certificate_no": f.certificate_no,
        "certificate_valid_from": f.certificate_valid_from,
        "certificate_valid_to": f.certificate_valid_to,
        "unit": f.unit,
        "fields": f.fields,
        "id_number": f.id_number.as_ref().map(|i| i.masked()),
        "phone": f.phone.as_ref().map(|p| mask_phone(p)),
        "status": f.status,
        "version": r.version,
    })
}

fn mask_phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

fn today() -> chrono::NaiveDate {
    shanghai::date_at(chrono::Utc::now())
}

pub fn create(
    conn: &mut AnyConn,
    actor: &Actor,
    raw: &RawInspector,
) -> Result<InspectorRecord, ServiceError> {
    actor.require(ADMIN)?;
    let fields = InspectorFields::parse(raw, today()).map_err(ServiceError::Validation)?;
    let now = now_utc();
    write_tx(conn, |conn| {
        if store::inspectors::by_certificate_no(conn, fields.certificate_no.as_str())?.is_some() {
            return Err(ServiceError::Conflict(format!(
                "certificate {} is already on the roster",
                fields.certificate_no.as_str()
            )));
        }
        let record = store::inspectors::insert(conn, &fields, now)?;
        audit(
            conn,
            actor,
            "inspector.create",
            record.id,
            None,
            Some(snapshot(&record)),
            now,
        )?;
        Ok(record)
    })
}

/// Changes the fields `patch` names, against the version the caller last saw.
pub fn update(
    conn: &mut AnyConn,
    actor: &Actor,
    id: i64,
    version: i32,
    patch: RawInspector,
) -> Result<InspectorRecord, ServiceError> {
    actor.require(ADMIN)?;
    let now = now_utc();
    write_tx(conn, |conn| {
        let before = find(conn, id)?;
        let f = &before.fields;
        let merged = RawInspector {
            name: patch.name.or_else(|| Some(f.name.clone())),
            certificate_no: patch
                .certificate_no
                .or_else(|| Some(f.certificate_no.as_str().into())),
            certificate_valid_from: patch
                .certificate_valid_from
                .or_else(|| Some(f.certificate_valid_from.to_string())),
            certificate_valid_to: patch
                .certificate_valid_to
                .or_else(|| Some(f.certificate_valid_to.to_string())),
            unit: patch.unit.or_else(|| Some(f.unit.clone())),
            fields: patch
                .fields
                .or_else(|| Some(f.fields.iter().map(|c| c.code().to_string()).collect())),
            id_number: patch
                .id_number
                .or_else(|| f.id_number.as_ref().map(|i| i.as_str().to_string())),
            phone: patch.phone.or_else(|| f.phone.clone()),
            status: patch.status.or_else(|| Some(f.status.code().into())),
        };
        let fields = InspectorFields::parse(&merged, today()).map_err(ServiceError::Validation)?;
        if fields.certificate_no != before.fields.certificate_no
            && store::inspectors::by_certificate_no(conn, fields.certificate_no.as_str())?.is_some()
        {
            return Err(ServiceError::Conflict(format!(
                "certificate {} is already on the roster",
                fields.certificate_no.as_str()
            )));
        }
        let after = store::inspectors::update_if_version(conn, &before, version, &fields, now)?
            .ok_or_else(|| {
                ServiceError::Conflict(format!(
                    "inspector {id} is at version {}, not {version}: someone changed it first; reload and retry",
                    before.version
                ))
            })?;
        audit(
            conn,
            actor,
            "inspector.update",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
            now,
        )?;
        Ok(after)
    })
}

pub fn get(conn: &mut AnyConn, actor: &Actor, id: i64) -> Result<InspectorRecord, ServiceError> {
    actor.require(ADMIN)?;
    find(conn, id)
}

/// Staff listing (admin): every inspector with private fields.
pub fn list(
    conn: &mut AnyConn,
    actor: &Actor,
    after: i64,
    limit: i64,
) -> Result<Vec<InspectorRecord>, ServiceError> {
    actor.require(ADMIN)?;
    Ok(store::inspectors::page(conn, after, limit, None)?)
}

/// The public roster (行政执法公示): everyone who is or was on it; callers strip private fields.
pub fn public_list(
    conn: &mut AnyConn,
    after: i64,
    limit: i64,
    status: Option<InspectorStatus>,
) -> Result<Vec<InspectorRecord>, ServiceError> {
    Ok(store::inspectors::page(conn, after, limit, status)?)
}

/// What a conflict declaration names: one entity or a whole category.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConflict {
    pub credit_code: Option<String>,
    pub category: Option<String>,
    pub reason: Option<String>,
}

pub fn declare_conflict(
    conn: &mut AnyConn,
    actor: &Actor,
    inspector_id: i64,
    raw: &RawConflict,
) -> Result<Conflict, ServiceError> {
    actor.require(ADMIN)?;
    let mut e = Errors::default();
    let reason = required_text(&mut e, "reason", raw.reason.as_deref(), 500);
    let present = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (code, category) = match (present(&raw.credit_code), present(&raw.category)) {
        (Some(c), None) => match CreditCode::parse(&c) {
            Ok(c) => (Some(c.to_string()), None),
            Err(err) => {
                e.push("credit_code", err.reason(), err.to_string());
                (None, None)
            }
        },
        (None, Some(c)) => match BusinessCategory::parse(&c) {
            Some(c) => (None, Some(c.code().to_string())),
            None => {
                e.push(
                    "category",
                    "unknown",
                    format!(
                        "{c:?} is not a known category; expected one of {}",
                        BusinessCategory::expected()
                    ),
                );
                (None, None)
            }
        },
        _ => {
            e.push(
                "credit_code",
                "one_of",
                "name exactly one of credit_code (an entity) or category",
            );
            (None, None)
        }
    };
    if !e.is_empty() {
        return Err(ServiceError::Validation(e.into_vec()));
    }
    let reason = reason.unwrap_or_default();
    let now = now_utc();
    write_tx(conn, |conn| {
        find(conn, inspector_id)?;
        if let Some(c) = &code {
            if store::entities::by_credit_code(conn, c)?.is_none() {
                return Err(ServiceError::invalid(
                    "credit_code",
                    "unknown",
                    format!("no entity with credit code {c} is in the directory"),
                ));
            }
        }
        let existing = store::inspectors::conflicts_of(conn, inspector_id, false)?;
        if existing
            .iter()
            .any(|x| x.credit_code == code && x.category == category)
        {
            return Err(ServiceError::Conflict(
                "this conflict is already declared for the inspector".into(),
            ));
        }
        let conflict = store::inspectors::add_conflict(
            conn,
            inspector_id,
            code.as_deref(),
            category.as_deref(),
            &reason,
            &actor.name,
            now,
        )?;
        audit_conflict(conn, actor, "conflict.declare", &conflict, None, now)?;
        Ok(conflict)
    })
}

pub fn remove_conflict(
    conn: &mut AnyConn,
    actor: &Actor,
    inspector_id: i64,
    conflict_id: i64,
    reason: Option<&str>,
) -> Result<Conflict, ServiceError> {
    actor.require(ADMIN)?;
    let mut e = Errors::default();
    let reason = required_text(&mut e, "reason", reason, 500);
    let Some(reason) = reason else {
        return Err(ServiceError::Validation(e.into_vec()));
    };
    let now = now_utc();
    write_tx(conn, |conn| {
        let before = store::inspectors::conflict(conn, conflict_id)?
            .filter(|c| c.inspector_id == inspector_id)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "inspector {inspector_id} has no conflict {conflict_id}"
                ))
            })?;
        if !store::inspectors::remove_conflict(conn, conflict_id, &reason, &actor.name, now)? {
            return Err(ServiceError::Conflict(format!(
                "conflict {conflict_id} was removed already"
            )));
        }
        let after = store::inspectors::conflict(conn, conflict_id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no conflict {conflict_id}")))?;
        audit_conflict(conn, actor, "conflict.remove", &after, Some(&before), now)?;
        Ok(after)
    })
}

pub fn conflicts(
    conn: &mut AnyConn,
    actor: &Actor,
    inspector_id: i64,
    include_removed: bool,
) -> Result<Vec<Conflict>, ServiceError> {
    actor.require(ADMIN)?;
    find(conn, inspector_id)?;
    Ok(store::inspectors::conflicts_of(
        conn,
        inspector_id,
        include_removed,
    )?)
}

fn find(conn: &mut AnyConn, id: i64) -> Result<InspectorRecord, ServiceError> {
    store::inspectors::by_id(conn, id)?
        .ok_or_else(|| ServiceError::NotFound(format!("no inspector with id {id}")))
}

fn audit(
    conn: &mut AnyConn,
    actor: &Actor,
    action: &str,
    id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    now: chrono::NaiveDateTime,
) -> Result<(), ServiceError> {
    store::audit::append(
        conn,
        NewAudit {
            actor: &actor.name,
            action,
            object_type: "inspector",
            object_id: id.to_string(),
            before,
            after,
        },
        now,
    )?;
    Ok(())
}

fn audit_conflict(
    conn: &mut AnyConn,
    actor: &Actor,
    action: &str,
    after: &Conflict,
    before: Option<&Conflict>,
    now: chrono::NaiveDateTime,
) -> Result<(), ServiceError> {
    let json = |c: &Conflict| serde_json::to_value(c).unwrap_or_default();
    store::audit::append(
        conn,
        NewAudit {
            actor: &actor.name,
            action,
            object_type: "inspector_conflict",
            object_id: after.id.to_string(),
            before: before.map(json),
            after: Some(json(after)),
        },
        now,
    )?;
    Ok(())
}

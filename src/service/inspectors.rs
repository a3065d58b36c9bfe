//! The inspector roster (admin) and declared conflicts of interest (回避).

use super::categories::{labelled, Labelled};
use super::events;
use super::paging::{PageRequest, Slice};
use super::{Actor, App, ConflictKind, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::credit_code::CreditCode;
use crate::domain::field::{required_text, Errors};
use crate::domain::ids::{ConflictId, InspectorId};
use crate::domain::inspector::{
    Conflict, InspectorFields, InspectorRecord, InspectorStatus, RawInspector,
};
use crate::domain::policy::Action;
use crate::store::{self, write_tx, AnyConn};

pub fn create(
    app: &App,
    actor: &Actor,
    raw: &RawInspector,
) -> Result<Labelled<InspectorRecord>, ServiceError> {
    actor.require(Action::ManageRoster)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    // Categories are only ever added: what resolves before the transaction still does in it.
    let categories = super::categories::vocabulary(conn)?;
    let fields =
        InspectorFields::parse(raw, &categories, app.today()).map_err(ServiceError::Validation)?;
    let record = write_tx(conn, |conn| {
        if store::inspectors::by_certificate_no(conn, fields.certificate_no.as_str())?.is_some() {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                format!(
                    "certificate {} is already on the roster",
                    fields.certificate_no.as_str()
                ),
            ));
        }
        let record = store::inspectors::insert(conn, &fields, now)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::InspectorCreate,
            None,
            &record,
            now,
        )?;
        Ok(record)
    })?;
    labelled_one(app, conn, record)
}

/// One inspector with the labels of its fields.
fn labelled_one(
    app: &App,
    conn: &mut AnyConn,
    r: InspectorRecord,
) -> Result<Labelled<InspectorRecord>, ServiceError> {
    labelled(app, conn, r, |r| r.fields.fields.iter().collect())
}

/// A page of inspectors with the labels of their fields.
fn labelled_page(
    app: &App,
    conn: &mut AnyConn,
    s: Slice<InspectorRecord>,
) -> Result<Labelled<Slice<InspectorRecord>>, ServiceError> {
    labelled(app, conn, s, |s| {
        s.items.iter().flat_map(|r| &r.fields.fields).collect()
    })
}

/// Changes the fields `patch` names, against the version the caller last saw.
pub fn update(
    app: &App,
    actor: &Actor,
    id: InspectorId,
    version: i32,
    patch: RawInspector,
) -> Result<Labelled<InspectorRecord>, ServiceError> {
    let id = id.get();
    actor.require(Action::ManageRoster)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    let after = write_tx(conn, |conn| {
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
                .or_else(|| Some(f.fields.iter().map(|c| c.to_string()).collect())),
            id_number: patch
                .id_number
                .or_else(|| f.id_number.as_ref().map(|i| i.as_str().to_string())),
            phone: patch.phone.or_else(|| f.phone.clone()),
            status: patch.status.or_else(|| Some(f.status.code().into())),
        };
        let categories = super::categories::vocabulary(conn)?;
        let fields = InspectorFields::parse(&merged, &categories, app.today())
            .map_err(ServiceError::Validation)?;
        if before.version != version {
            return Err(stale(id, before.version, version));
        }
        if fields == before.fields {
            // Nothing changes: no new version, no audit record.
            return Ok(before);
        }
        if fields.certificate_no != before.fields.certificate_no
            && store::inspectors::by_certificate_no(conn, fields.certificate_no.as_str())?.is_some()
        {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                format!(
                    "certificate {} is already on the roster",
                    fields.certificate_no.as_str()
                ),
            ));
        }
        let after = store::inspectors::update_if_version(conn, &before, version, &fields, now)?
            .ok_or_else(|| stale(id, before.version, version))?;
        events::record(
            conn,
            &actor.name,
            AuditAction::InspectorUpdate,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })?;
    labelled_one(app, conn, after)
}

pub fn get(
    app: &App,
    actor: &Actor,
    id: InspectorId,
) -> Result<Labelled<InspectorRecord>, ServiceError> {
    let id = id.get();
    actor.require(Action::ManageRoster)?;
    let conn = &mut *app.conn()?;
    let r = find(conn, id)?;
    labelled_one(app, conn, r)
}

/// A roster listing's parameters as they arrive (the query string).
#[derive(Debug, Clone, Default)]
pub struct RosterParams {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub status: Option<String>,
}

fn parse_roster(p: &RosterParams) -> Result<(PageRequest, Option<InspectorStatus>), ServiceError> {
    let mut errors = Vec::new();
    let page = PageRequest::parse(p.limit, p.cursor.as_deref(), &mut errors);
    // `status=` empty is refused like any value outside the enum (issue 23).
    let status = match p.status.as_deref() {
        None => None,
        Some(s) => {
            let parsed = InspectorStatus::parse(s);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "status",
                    "unknown",
                    format!("expected one of {}", InspectorStatus::expected()),
                ));
            }
            parsed
        }
    };
    if errors.is_empty() {
        Ok((page, status))
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// Staff listing (admin): every inspector with private fields. `status` is checked but, as
/// before, does not filter the staff list.
pub fn list(
    app: &App,
    actor: &Actor,
    p: &RosterParams,
) -> Result<Labelled<Slice<InspectorRecord>>, ServiceError> {
    actor.require(Action::ManageRoster)?;
    let (page, _) = parse_roster(p)?;
    let conn = &mut *app.conn()?;
    let items = store::inspectors::page(conn, page.after, page.fetch(), None)?;
    labelled_page(app, conn, Slice::of(items, page, |r| r.id))
}

/// The public roster (行政执法公示): everyone who is or was on it; callers show only the
/// public view of each.
pub fn public_list(
    app: &App,
    p: &RosterParams,
) -> Result<Labelled<Slice<InspectorRecord>>, ServiceError> {
    let (page, status) = parse_roster(p)?;
    let conn = &mut *app.conn()?;
    let items = store::inspectors::page(conn, page.after, page.fetch(), status)?;
    labelled_page(app, conn, Slice::of(items, page, |r| r.id))
}

/// What a conflict declaration names: one entity or a whole category.
#[derive(Debug, Clone, Default)]
pub struct RawConflict {
    pub credit_code: Option<String>,
    pub category: Option<String>,
    pub reason: Option<String>,
}

pub fn declare_conflict(
    app: &App,
    actor: &Actor,
    inspector_id: InspectorId,
    raw: &RawConflict,
) -> Result<Conflict, ServiceError> {
    let inspector_id = inspector_id.get();
    actor.require(Action::ManageRoster)?;
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
        // Resolved against the vocabulary inside the transaction below.
        (None, Some(c)) => (None, Some(c)),
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
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        find(conn, inspector_id)?;
        let category = match category {
            None => None,
            Some(c) => Some(
                super::categories::vocabulary(conn)?
                    .resolve(&c)
                    .map_err(|unknown| {
                        ServiceError::invalid("category", "unknown", unknown.to_string())
                    })?
                    .code
                    .to_string(),
            ),
        };
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
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                "this conflict is already declared for the inspector",
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
        events::record(
            conn,
            &actor.name,
            AuditAction::ConflictDeclare,
            None,
            &conflict,
            now,
        )?;
        Ok(conflict)
    })
}

pub fn remove_conflict(
    app: &App,
    actor: &Actor,
    inspector_id: InspectorId,
    conflict_id: ConflictId,
    reason: Option<&str>,
) -> Result<Conflict, ServiceError> {
    let inspector_id = inspector_id.get();
    let conflict_id = conflict_id.get();
    actor.require(Action::ManageRoster)?;
    let mut e = Errors::default();
    let reason = required_text(&mut e, "reason", reason, 500);
    let Some(reason) = reason else {
        return Err(ServiceError::Validation(e.into_vec()));
    };
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let before = store::inspectors::conflict(conn, conflict_id)?
            .filter(|c| c.inspector_id == inspector_id)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "inspector {inspector_id} has no conflict {conflict_id}"
                ))
            })?;
        if !store::inspectors::remove_conflict(conn, conflict_id, &reason, &actor.name, now)? {
            return Err(ServiceError::conflict(
                ConflictKind::InvalidTransition,
                format!("conflict {conflict_id} was removed already"),
            ));
        }
        let after = store::inspectors::conflict(conn, conflict_id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no conflict {conflict_id}")))?;
        events::record(
            conn,
            &actor.name,
            AuditAction::ConflictRemove,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

pub fn conflicts(
    app: &App,
    actor: &Actor,
    inspector_id: InspectorId,
    include_removed: bool,
) -> Result<Vec<Conflict>, ServiceError> {
    let inspector_id = inspector_id.get();
    actor.require(Action::ManageRoster)?;
    let conn = &mut *app.conn()?;
    find(conn, inspector_id)?;
    Ok(store::inspectors::conflicts_of(
        conn,
        inspector_id,
        include_removed,
    )?)
}

/// An inspector's history, oldest first: every audit record about them (admin).
pub fn history(
    app: &App,
    actor: &Actor,
    id: InspectorId,
) -> Result<Vec<crate::domain::audit_chain::AuditRecord>, ServiceError> {
    let id = id.get();
    actor.require(Action::ManageRoster)?;
    let conn = &mut *app.conn()?;
    find(conn, id)?;
    Ok(store::audit::for_object(
        conn,
        "inspector",
        &id.to_string(),
    )?)
}

fn find(conn: &mut AnyConn, id: i64) -> Result<InspectorRecord, ServiceError> {
    store::inspectors::by_id(conn, id)?
        .ok_or_else(|| ServiceError::NotFound(format!("no inspector with id {id}")))
}

fn stale(id: i64, current: i32, given: i32) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!(
            "inspector {id} is at version {current}, not {given}: someone changed it first; reload and retry"
        ),
    )
}

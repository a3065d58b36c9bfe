//! The market-entity directory: create, change, deregister, look up and search.

use super::categories::{labelled, Labelled};
use super::events::{self, Event};
use super::paging::{PageRequest, Slice};
use super::snapshots::{self, EntitySnapshot};
use super::{Actor, App, ConflictKind, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::audit_chain::AuditRecord;
use crate::domain::category::Vocabulary;
use crate::domain::credit_code::CreditCode;
use crate::domain::entity::{DistrictCode, EntityFields, EntityRecord, EntityStatus, RawEntity};
use crate::domain::policy::Action;
use crate::domain::text::search_form;
use crate::store::entities::EntityQuery;
use crate::store::{self, write_tx, AnyConn};

/// Longest name fragment a search may ask for, in letters and digits.
const MAX_QUERY_CHARS: usize = 50;

/// A listing's parameters as they arrive (the query string), before parsing.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pub q: Option<String>,
    pub credit_code: Option<String>,
    pub category: Option<String>,
    pub district: Option<String>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A parsed listing: the query, and the credit code when one was named.
struct Search {
    query: EntityQuery,
    page: PageRequest,
    credit_code: Option<CreditCode>,
}

/// A listing's query, or the problem naming each bad parameter.
fn parse_search(conn: &mut AnyConn, p: &SearchParams) -> Result<Search, ServiceError> {
    let mut errors = Vec::new();
    let page = PageRequest::parse(p.limit, p.cursor.as_deref(), &mut errors);
    let mut q = EntityQuery {
        after: page.after,
        limit: page.fetch(),
        ..EntityQuery::default()
    };
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    if let Some(text) = given(&p.q) {
        q.name = search_form(&text);
        if q.name.is_empty() {
            errors.push(FieldError::new(
                "q",
                "format",
                "q has no letters or digits to search for",
            ));
        } else if q.name.len() > MAX_QUERY_CHARS {
            errors.push(FieldError::new(
                "q",
                "too_long",
                format!("q has at most {MAX_QUERY_CHARS} characters"),
            ));
        }
    }
    let credit_code = given(&p.credit_code).and_then(|c| {
        CreditCode::parse(&c)
            .map_err(|e| errors.push(FieldError::new("credit_code", e.reason(), e.to_string())))
            .ok()
    });
    if let Some(c) = given(&p.category) {
        // A category takes in its sub-kinds: 娱乐场所 finds 歌舞 and 游艺 venues too.
        let categories = super::categories::vocabulary(conn)?;
        match categories.resolve(&c) {
            Ok(c) => q.categories = categories.with_descendants(&c.code),
            Err(unknown) => {
                errors.push(FieldError::new("category", "unknown", unknown.to_string()))
            }
        }
    }
    if let Some(d) = given(&p.district) {
        match DistrictCode::parse(&d) {
            Ok(d) => q.district = Some(d),
            Err(m) => errors.push(FieldError::new("district", "format", m)),
        }
    }
    // An enumerated parameter sent empty (`status=`) is not "any status": refused like any value
    // outside the enum (issue 23).
    if let Some(s) = &p.status {
        q.status = EntityStatus::parse(s);
        if q.status.is_none() {
            errors.push(FieldError::new(
                "status",
                "unknown",
                format!("expected one of {}", EntityStatus::expected()),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Search {
            query: q,
            page,
            credit_code,
        })
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// One page of the directory matching `p`, in the order entities entered it.
fn listing(app: &App, p: &SearchParams) -> Result<Labelled<Slice<EntityRecord>>, ServiceError> {
    let conn = &mut *app.conn()?;
    let s = parse_search(conn, p)?;
    let items = match &s.credit_code {
        // A credit code names at most one entity: no index walk needed. The other filters
        // are not applied to it (as before: the code is the whole question).
        Some(code) => store::entities::by_credit_code(conn, code.as_str())?
            .into_iter()
            .collect(),
        None => store::entities::search(conn, &s.query)?,
    };
    labelled(app, conn, Slice::of(items, s.page, |e| e.id), |s| {
        s.items.iter().map(|e| &e.fields.category).collect()
    })
}

/// One entity with the label of its category.
fn labelled_one(
    app: &App,
    conn: &mut AnyConn,
    e: EntityRecord,
) -> Result<Labelled<EntityRecord>, ServiceError> {
    labelled(app, conn, e, |e| vec![&e.fields.category])
}

/// The public directory (anyone): callers show only the public view of each entity.
pub fn public_search(
    app: &App,
    p: &SearchParams,
) -> Result<Labelled<Slice<EntityRecord>>, ServiceError> {
    listing(app, p)
}

/// The staff listing (any staff role).
pub fn staff_search(
    app: &App,
    actor: &Actor,
    p: &SearchParams,
) -> Result<Labelled<Slice<EntityRecord>>, ServiceError> {
    actor.require(Action::ReadDirectory)?;
    listing(app, p)
}

/// One entity by credit code, for the public (callers show only its public view).
pub fn public_get(app: &App, code: &str) -> Result<Labelled<EntityRecord>, ServiceError> {
    let code = parse_code(code)?;
    let conn = &mut *app.conn()?;
    let e = find(conn, &code)?;
    labelled_one(app, conn, e)
}

/// One entity by credit code (any staff role).
pub fn staff_get(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<Labelled<EntityRecord>, ServiceError> {
    actor.require(Action::ReadDirectory)?;
    public_get(app, code)
}

pub fn create(
    app: &App,
    actor: &Actor,
    raw: &RawEntity,
) -> Result<Labelled<EntityRecord>, ServiceError> {
    actor.require(Action::EditDirectory)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    // Categories are only ever added: what resolves before the transaction still does in it.
    let categories = super::categories::vocabulary(conn)?;
    let fields = EntityFields::parse(raw, &categories).map_err(ServiceError::Validation)?;
    let record = write_tx(conn, |conn| {
        if store::entities::by_credit_code(conn, fields.credit_code.as_str())?.is_some() {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                format!(
                    "an entity with credit code {} is already in the directory",
                    fields.credit_code
                ),
            ));
        }
        let record = store::entities::insert_many(conn, std::slice::from_ref(&fields), now)?
            .pop()
            .ok_or_else(|| ServiceError::NotFound("the new entity vanished".into()))?;
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::EntityCreate,
                object_type: "entity",
                object_id: record.fields.credit_code.to_string(),
                before: None,
                after: Some(snapshots::json(&EntitySnapshot::from(&record))),
            },
            now,
        )?;
        Ok(record)
    })?;
    labelled_one(app, conn, record)
}

/// Changes the fields `patch` names, against the version the caller last saw. The credit code
/// is the entity's identity and cannot change.
pub fn update(
    app: &App,
    actor: &Actor,
    code: &str,
    version: i32,
    patch: RawEntity,
) -> Result<Labelled<EntityRecord>, ServiceError> {
    change(app, actor, code, version, patch, AuditAction::EntityUpdate)
}

/// Marks an entity deregistered (注销). Entities are never deleted: penalties and draws refer
/// to them, and their history stays readable.
pub fn deregister(
    app: &App,
    actor: &Actor,
    code: &str,
    version: i32,
) -> Result<Labelled<EntityRecord>, ServiceError> {
    let patch = RawEntity {
        status: Some(EntityStatus::Deregistered.code().to_string()),
        ..RawEntity::default()
    };
    change(
        app,
        actor,
        code,
        version,
        patch,
        AuditAction::EntityDeregister,
    )
}

fn change(
    app: &App,
    actor: &Actor,
    code: &str,
    version: i32,
    patch: RawEntity,
    action: AuditAction,
) -> Result<Labelled<EntityRecord>, ServiceError> {
    actor.require(Action::EditDirectory)?;
    let code = parse_code(code)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    let after = write_tx(conn, |conn| {
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
        let categories = super::categories::vocabulary(conn)?;
        let fields = EntityFields::parse(&merged, &categories).map_err(ServiceError::Validation)?;
        if before.version != version {
            return Err(stale(&code, before.version, version));
        }
        if fields == before.fields {
            // Nothing changes: no new version, no audit record.
            return Ok(before);
        }
        if !store::entities::update_if_version(conn, &before, version, &fields, now)? {
            return Err(stale(&code, before.version, version));
        }
        let after = find(conn, &code)?;
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action,
                object_type: "entity",
                object_id: code.to_string(),
                before: Some(snapshots::json(&EntitySnapshot::from(&before))),
                after: Some(snapshots::json(&EntitySnapshot::from(&after))),
            },
            now,
        )?;
        Ok(after)
    })?;
    labelled_one(app, conn, after)
}

/// Calls `f` with every entity in the order they entered the directory, a page at a time, and
/// the category vocabulary (for exports; any staff member). Returns how many there were.
pub fn for_each<E: From<ServiceError>>(
    app: &App,
    actor: &Actor,
    mut f: impl FnMut(&EntityRecord, &Vocabulary) -> Result<(), E>,
) -> Result<usize, E> {
    actor.require(Action::ReadDirectory)?;
    let mut conn = app.conn()?;
    let categories = super::categories::vocabulary(&mut conn)?;
    let (mut after, mut n) = (0, 0);
    loop {
        let page = store::entities::page(&mut conn, after, 5_000).map_err(ServiceError::from)?;
        let Some(last) = page.last() else {
            return Ok(n);
        };
        after = last.id;
        n += page.len();
        page.iter().try_for_each(|e| f(e, &categories))?;
    }
}

/// The whole directory as CSV in the import's own layout (any staff member).
pub fn export_csv<W: std::io::Write>(
    app: &App,
    actor: &Actor,
    out: W,
) -> Result<(W, usize), ServiceError> {
    let mut w = crate::io::entities_csv::writer(out).map_err(ServiceError::internal)?;
    let n = for_each(app, actor, |e, categories| {
        crate::io::entities_csv::write(&mut w, &e.fields, categories)
            .map_err(ServiceError::internal)
    })?;
    let out = w
        .into_inner()
        .map_err(|e| ServiceError::internal(e.into_error()))?;
    Ok((out, n))
}

/// The entity's change history from the audit log, oldest first (any staff member).
pub fn history(app: &App, actor: &Actor, code: &str) -> Result<Vec<AuditRecord>, ServiceError> {
    actor.require(Action::ReadDirectory)?;
    let code = parse_code(code)?;
    let conn = &mut *app.conn()?;
    find(conn, &code)?;
    Ok(store::audit::for_object(conn, "entity", code.as_str())?)
}

/// The raw form of a stored entity with `patch`'s present fields laid over it.
fn merge(f: &EntityFields, patch: RawEntity) -> RawEntity {
    RawEntity {
        credit_code: Some(f.credit_code.to_string()),
        name: patch.name.or_else(|| Some(f.name.clone())),
        kind: patch.kind.or_else(|| Some(f.kind.code().into())),
        category: patch.category.or_else(|| Some(f.category.to_string())),
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
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!(
            "entity {code} is at version {current}, not {given}: someone changed it first; reload and retry"
        ),
    )
}

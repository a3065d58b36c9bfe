//! 随机抽查事项清单: public reading, admin changes (each a new version, audited), the shipped list.

use super::categories::Labelled;
use super::events;
use super::{Actor, App, ConflictKind, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::category::CategoryCode;
use crate::domain::field::FieldError;
use crate::domain::ids::ItemId;
use crate::domain::inspection_item::{ItemCode, ItemFields, ItemVersion, RawItem};
use crate::domain::policy::Action;
use crate::store::{self, write_tx, AnyConn};

/// The category codes an item names (for labelling it).
fn codes(items: &[ItemVersion]) -> Vec<&CategoryCode> {
    items.iter().flat_map(|i| &i.fields.categories).collect()
}

/// One item with its categories' labels, read through `conn`.
fn label(
    app: &App,
    conn: &mut AnyConn,
    item: ItemVersion,
) -> Result<Labelled<ItemVersion>, ServiceError> {
    super::categories::labelled(app, conn, item, |i| i.fields.categories.iter().collect())
}

/// Every item at its current version (public), with its categories' labels.
pub fn list(app: &App) -> Result<Labelled<Vec<ItemVersion>>, ServiceError> {
    let conn = &mut *app.conn()?;
    let items = store::inspection_items::current(conn)?;
    super::categories::labelled(app, conn, items, |i| codes(i))
}

/// One item, at its current version or at `version` (public; old versions stay readable).
pub fn get(
    app: &App,
    id: ItemId,
    version: Option<i32>,
) -> Result<Labelled<ItemVersion>, ServiceError> {
    let id = id.get();
    let conn = &mut *app.conn()?;
    let item = store::inspection_items::version(conn, id, version)?.ok_or_else(|| {
        ServiceError::NotFound(match version {
            Some(v) => format!("inspection item {id} has no version {v}"),
            None => format!("no inspection item with id {id}"),
        })
    })?;
    label(app, conn, item)
}

/// Every version of one item, oldest first (public).
pub fn versions(app: &App, id: ItemId) -> Result<Labelled<Vec<ItemVersion>>, ServiceError> {
    let id = id.get();
    let conn = &mut *app.conn()?;
    let all = store::inspection_items::versions(conn, id)?;
    if all.is_empty() {
        return Err(ServiceError::NotFound(format!(
            "no inspection item with id {id}"
        )));
    }
    super::categories::labelled(app, conn, all, |i| codes(i))
}

/// Adds an item (admin): version 1.
pub fn create(
    app: &App,
    actor: &Actor,
    raw: &RawItem,
) -> Result<Labelled<ItemVersion>, ServiceError> {
    actor.require(Action::ManageInspectionItems)?;
    create_as(app, &actor.name, raw)
}

fn create_as(app: &App, by: &str, raw: &RawItem) -> Result<Labelled<ItemVersion>, ServiceError> {
    let now = app.now();
    let conn = &mut *app.conn()?;
    let item = write_tx(conn, |conn| {
        let vocabulary = super::categories::vocabulary(conn)?;
        let mut errors = Vec::new();
        let code = match raw.code.as_deref().map(ItemCode::parse) {
            Some(Ok(c)) => Some(c),
            Some(Err(m)) => {
                errors.push(FieldError::new("code", "format", m));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "code",
                    "required",
                    "code (e.g. internet_venue_daily) is required",
                ));
                None
            }
        };
        let fields = ItemFields::parse(raw, None, &vocabulary)
            .map_err(|e| errors.extend(e))
            .ok();
        let (Some(code), Some(fields)) = (code, fields) else {
            return Err(ServiceError::Validation(errors));
        };
        if store::inspection_items::id_of(conn, &code)?.is_some() {
            return Err(ServiceError::conflict(
                ConflictKind::Duplicate,
                format!("an inspection item with code {} exists", code.as_str()),
            ));
        }
        let id = store::inspection_items::insert(conn, &code, &fields, by, now)?;
        let item = reload(conn, id)?;
        events::record(
            conn,
            by,
            AuditAction::InspectionItemCreate,
            None,
            &item,
            now,
        )?;
        Ok(item)
    })?;
    label(app, conn, item)
}

/// Changes an item (admin): a new version laid over the current one at `version`; the old one
/// stays readable. A change that changes nothing makes no version.
pub fn update(
    app: &App,
    actor: &Actor,
    id: ItemId,
    version: i32,
    raw: &RawItem,
) -> Result<Labelled<ItemVersion>, ServiceError> {
    let id = id.get();
    actor.require(Action::ManageInspectionItems)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    let item = write_tx(conn, |conn| {
        let before = store::inspection_items::version(conn, id, None)?
            .ok_or_else(|| ServiceError::NotFound(format!("no inspection item with id {id}")))?;
        if let Some(code) = raw.code.as_deref() {
            if code.trim() != before.code.as_str() {
                return Err(ServiceError::invalid(
                    "code",
                    "immutable",
                    "an item's code never changes; add a new item instead",
                ));
            }
        }
        let vocabulary = super::categories::vocabulary(conn)?;
        let fields = ItemFields::parse(raw, Some(&before.fields), &vocabulary)
            .map_err(ServiceError::Validation)?;
        if before.version != version {
            return Err(stale(id, before.version, version));
        }
        if fields == before.fields {
            return Ok(before);
        }
        if !store::inspection_items::add_version(conn, id, version, &fields, &actor.name, now)? {
            return Err(stale(id, before.version, version));
        }
        let after = reload(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::InspectionItemUpdate,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })?;
    label(app, conn, item)
}

fn reload(conn: &mut AnyConn, id: i64) -> Result<ItemVersion, ServiceError> {
    store::inspection_items::version(conn, id, None)?
        .ok_or_else(|| ServiceError::internal("an inspection item vanished in its transaction"))
}

fn stale(id: i64, current: i32, given: i32) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!("inspection item {id} is at version {current}, not {given}; reload and retry"),
    )
}

/// What loading the shipped list did.
#[derive(Debug, Default)]
pub struct SeedOutcome {
    pub added: usize,
    pub present: usize,
}

/// Loads the shipped list: adds the items whose code is not stored (audited as `seed`), never
/// changes a stored item (an admin's later versions stay). Running it again changes nothing.
pub fn seed(app: &App, csv: &[u8]) -> Result<SeedOutcome, ServiceError> {
    let rows = crate::io::inspection_items_csv::parse(csv).map_err(|m| {
        ServiceError::Validation(vec![FieldError::new(
            "seeds/inspection_items.csv",
            "format",
            m,
        )])
    })?;
    let mut outcome = SeedOutcome::default();
    for row in rows {
        let code = ItemCode::parse(&row.code).map_err(|m| {
            ServiceError::Validation(vec![FieldError::new(
                &format!("seeds/inspection_items.csv line {}", row.line),
                "format",
                m,
            )])
        })?;
        if store::inspection_items::id_of(&mut *app.conn()?, &code)?.is_some() {
            outcome.present += 1;
            continue;
        }
        match create_as(app, "seed", &row.item) {
            Ok(_) => outcome.added += 1,
            // Another process seeding at the same moment added it first.
            Err(ServiceError::Conflict {
                kind: ConflictKind::Duplicate,
                ..
            }) => outcome.present += 1,
            Err(ServiceError::Validation(errors)) => {
                return Err(ServiceError::Validation(
                    errors
                        .into_iter()
                        .map(|e| {
                            FieldError::new(
                                &format!(
                                    "seeds/inspection_items.csv line {} {}",
                                    row.line, e.field
                                ),
                                &e.code,
                                e.message,
                            )
                        })
                        .collect(),
                ))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}

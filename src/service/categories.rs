//! 行业类别 as reference data: the list, what admins add, and the shipped seed.
//!
//! The vocabulary is read from the database by every use case that needs it, inside its own
//! connection, so a category added by an admin (over HTTP or at the command line, in this
//! instance or another) is accepted by the very next request, with no cache to go stale.

use super::events::{self, Event};
use std::sync::Arc;

use super::snapshots::{self, CategorySnapshot};
use super::{Actor, App, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::category::{Addition, Category, CategoryCode, RawCategory, Vocabulary};
use crate::domain::policy::Action;
use crate::store::{self, write_tx, AnyConn};

/// The whole vocabulary (public).
pub fn list(app: &App) -> Result<Vocabulary, ServiceError> {
    Ok(store::categories::load(&mut *app.conn()?)?)
}

/// The vocabulary as `conn` sees it (for use cases that parse or filter by category).
pub fn vocabulary(conn: &mut AnyConn) -> Result<Vocabulary, ServiceError> {
    Ok(store::categories::load(conn)?)
}

/// Records on their way out, with the vocabulary that labels their categories.
#[derive(Debug, Clone)]
pub struct Labelled<T> {
    pub value: T,
    pub categories: Arc<Vocabulary>,
    /// The day (Asia/Shanghai) the records are read on: what a certificate's validity is
    /// shown against.
    pub today: chrono::NaiveDate,
}

/// A vocabulary that knows every code in `codes`, for labelling records read through `conn`.
/// A label never changes once its category exists, so the cached vocabulary is right for every
/// code it holds; it is read again only when a record names a category added since (by an
/// admin, here or in another instance).
pub fn labels<'a>(
    app: &App,
    conn: &mut AnyConn,
    codes: impl IntoIterator<Item = &'a CategoryCode>,
) -> Result<Arc<Vocabulary>, ServiceError> {
    let cached = app.cached_categories();
    let mut codes = codes.into_iter();
    if codes.all(|c| cached.get(c).is_some()) && !cached.all().is_empty() {
        return Ok(cached);
    }
    let fresh = Arc::new(store::categories::load(conn)?);
    app.cache_categories(fresh.clone());
    Ok(fresh)
}

/// `value` with the labels of the codes `codes_of` names.
pub fn labelled<T>(
    app: &App,
    conn: &mut AnyConn,
    value: T,
    codes_of: impl Fn(&T) -> Vec<&CategoryCode>,
) -> Result<Labelled<T>, ServiceError> {
    let categories = labels(app, conn, codes_of(&value))?;
    Ok(Labelled {
        value,
        categories,
        today: app.today(),
    })
}

/// What [`add`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new category.
    Created(Category),
    /// New aliases of an existing one (the category as it now is).
    Aliased(Category),
    /// Nothing new was asked for (the category as it is).
    Unchanged(Category),
}

/// Adds a category, or aliases of an existing one, audited (admin).
pub fn add(app: &App, actor: &Actor, raw: &RawCategory) -> Result<Added, ServiceError> {
    actor.require(Action::ManageCategories)?;
    add_as(app, &actor.name, raw)
}

fn add_as(app: &App, actor: &str, raw: &RawCategory) -> Result<Added, ServiceError> {
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        store::categories::lock_for_change(conn)?;
        let vocabulary = store::categories::load(conn)?;
        let addition = vocabulary.admit(raw).map_err(ServiceError::Validation)?;
        let (action, before, code) = match &addition {
            Addition::New(c) => {
                store::categories::insert(conn, c, now)?;
                (AuditAction::CategoryCreate, None, c.code.clone())
            }
            Addition::Aliases { code, aliases } => {
                store::categories::insert_aliases(conn, code, aliases, now)?;
                let before = vocabulary
                    .get(code)
                    .map(|c| snapshots::json(&CategorySnapshot::from(c)));
                (AuditAction::CategoryAlias, before, code.clone())
            }
            Addition::Unchanged(code) => {
                let c = vocabulary
                    .get(code)
                    .cloned()
                    .ok_or_else(|| ServiceError::NotFound(format!("category {code} vanished")))?;
                return Ok(Added::Unchanged(c));
            }
        };
        let after = store::categories::load(conn)?
            .get(&code)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("category {code} vanished")))?;
        events::record_event(
            conn,
            Event {
                actor,
                action,
                object_type: "category",
                object_id: code.to_string(),
                before,
                after: Some(snapshots::json(&CategorySnapshot::from(&after))),
            },
            now,
        )?;
        Ok(match addition {
            Addition::New(_) => Added::Created(after),
            _ => Added::Aliased(after),
        })
    })
}

/// What loading the shipped list did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedOutcome {
    pub created: usize,
    pub aliased: usize,
    pub unchanged: usize,
    /// Rows the database contradicts (an admin took the code or a name first): kept as stored,
    /// each with its reason, for the log.
    pub kept: Vec<String>,
}

/// Loads the shipped list: adds the categories and aliases the database lacks (audited as
/// `seed`), never changes what is stored. Running it again changes nothing.
pub fn seed(app: &App, csv: &[u8]) -> Result<SeedOutcome, ServiceError> {
    let rows = crate::io::categories_csv::parse(csv).map_err(|m| {
        ServiceError::Validation(vec![FieldError::new("seeds/categories.csv", "format", m)])
    })?;
    let mut outcome = SeedOutcome::default();
    let stored = store::categories::load(&mut *app.conn()?)?;
    for row in rows {
        // What is already stored needs no write transaction (the usual start-up).
        if let Ok(Addition::Unchanged(_)) = stored.admit(&row.category) {
            outcome.unchanged += 1;
            continue;
        }
        match add_as(app, "seed", &row.category) {
            Ok(Added::Created(_)) => outcome.created += 1,
            Ok(Added::Aliased(_)) => outcome.aliased += 1,
            Ok(Added::Unchanged(_)) => outcome.unchanged += 1,
            Err(ServiceError::Validation(errors)) => outcome.kept.push(format!(
                "seeds/categories.csv line {}: {}",
                row.line,
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}

//! Seeding: loads the reference data embedded from `seeds/` (see `assets.rs`), idempotently, for
//! `gongshi seed` and `gongshi serve`, and with `--demo` the synthetic directory and roster
//! (`seeds/demo/`, written by `seeds/demo/generate.py`) and the demo decisions
//! (`demo_penalties`).

mod demo_penalties;

use crate::assets::{
    CALENDAR_SEEDS, CATEGORY_SEEDS, DEMO_ENTITIES, DEMO_INSPECTORS, INSPECTION_ITEM_SEEDS,
};
use crate::service::imports::{self, ImportFailure, ImportReport, Source};
use crate::service::{Actor, App, FieldError, ServiceError};

/// What one seeding run did, one line per seed set.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub lines: Vec<String>,
}

/// Loads every seed set; running it twice changes nothing the second time.
pub fn load_all(app: &App, demo: bool) -> Result<SeedReport, ServiceError> {
    let cal = crate::service::calendar::seed(app, CALENDAR_SEEDS)?;
    let mut lines = vec![format!(
        "calendar: {} year(s) inserted, {} replaced by a newer seed, {} unchanged, {} operator-loaded kept",
        cal.inserted, cal.replaced, cal.unchanged, cal.kept
    )];
    lines.push(categories(app)?);
    let items = crate::service::inspection_items::seed(app, INSPECTION_ITEM_SEEDS)?;
    lines.push(format!(
        "inspection items: {} added, {} present (kept as stored)",
        items.added, items.present
    ));
    if demo {
        lines.extend(load_demo(app)?);
    }
    Ok(SeedReport { lines })
}

/// The shipped category list (seeds/categories.csv). Every command that opens the database
/// loads it, so a directory import works on a database that was only migrated.
pub fn categories(app: &App) -> Result<String, ServiceError> {
    let c = crate::service::categories::seed(app, CATEGORY_SEEDS)?;
    for kept in &c.kept {
        tracing::warn!("category seed row kept as stored: {kept}");
    }
    Ok(format!(
        "categories: {} added, {} given new aliases, {} unchanged, {} kept as stored",
        c.created,
        c.aliased,
        c.unchanged,
        c.kept.len()
    ))
}

/// The synthetic demo directory and roster (seeds/demo/), imported like any file, so loading
/// them again changes nothing.
fn load_demo(app: &App) -> Result<Vec<String>, ServiceError> {
    let actor = Actor::command_line();
    let none = |_, _| {};
    let line = |what: &str, r: Result<ImportReport, ImportFailure>| match r {
        Ok(r) => Ok(format!(
            "demo {what}: {} inserted, {} updated, {} unchanged",
            r.inserted, r.updated, r.unchanged
        )),
        Err(ImportFailure::Service(e)) => Err(e),
        Err(ImportFailure::Refused(r)) => Err(ServiceError::Validation(
            r.errors
                .into_iter()
                .map(|e| {
                    FieldError::new(&format!("seeds/demo line {}", e.line), &e.code, e.message)
                })
                .collect(),
        )),
    };
    Ok(vec![
        line(
            "entities",
            imports::entities(app, &actor, Source::Bytes(DEMO_ENTITIES), false, &none),
        )?,
        line(
            "inspectors",
            imports::inspectors(app, &actor, Source::Bytes(DEMO_INSPECTORS), false, &none),
        )?,
        demo_penalties::load(app)?,
        demo_accounts(app)?,
    ])
}

/// The demo's password for its accounts (README): a demo is for trying, never for real data.
pub const DEMO_PASSWORD: &str = "gongshi-demo-2026";

/// The demo accounts, one per role, named as the demo decisions' drafter and reviewer, so the
/// console shows each role its own work; created once.
fn demo_accounts(app: &App) -> Result<String, ServiceError> {
    let actor = Actor::command_line();
    let mut created = 0;
    for (name, role) in [
        ("demo-clerk", "clerk"),
        ("demo-reviewer", "reviewer"),
        ("demo-admin", "admin"),
    ] {
        let new = crate::service::users::NewUser::parse(name, role, DEMO_PASSWORD)?;
        match crate::service::users::create(app, &actor, new) {
            Ok(_) => created += 1,
            Err(e) if matches!(e.unsaid(), ServiceError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(format!(
        "demo accounts: {created} created (demo-clerk, demo-reviewer, demo-admin; password {DEMO_PASSWORD})"
    ))
}

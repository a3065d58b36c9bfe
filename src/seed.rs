//! Reference data shipped in `seeds/` and embedded in the binary, loaded idempotently by
//! `gongshi seed` and `gongshi serve`.

use crate::service::calendar::Calendars;
use crate::service::ServiceError;
use crate::store::AnyConn;

include!(concat!(env!("OUT_DIR"), "/calendar_seeds.rs"));

/// The lunar festival dates 2007–2100 (astronomical data, not deployment data), for provisional
/// answers in years whose notice is not loaded.
pub const LUNAR_FESTIVALS: &str = include_str!("../seeds/calendar/lunar_festivals.csv");

/// The shipped national and regional schedules, parsed and validated (for tools, tests and benches
/// that need the calendar without a database).
pub fn shipped_schedules() -> Result<Vec<crate::domain::calendar::YearSchedule>, String> {
    use crate::domain::calendar::{Region, YearSchedule};
    CALENDAR_SEEDS
        .iter()
        .map(|(region, year, text)| {
            let region = Region::parse(region).map_err(|e| e.to_string())?;
            let rows = crate::io::calendar_csv::parse(text.as_bytes())
                .map_err(|e| format!("{region} {year}: {e:?}"))?;
            YearSchedule::parse(region.clone(), *year, None, &rows)
                .map_err(|e| format!("{region} {year}: {e:?}"))
        })
        .collect()
}

/// What one seeding run did, one line per seed set.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub lines: Vec<String>,
}

/// Loads every seed set; running it twice changes nothing the second time.
pub fn load_all(
    conn: &mut AnyConn,
    calendars: &Calendars,
    demo: bool,
) -> Result<SeedReport, ServiceError> {
    let cal = calendars.seed(conn, CALENDAR_SEEDS)?;
    let mut lines = vec![format!(
        "calendar: {} year(s) inserted, {} replaced by a newer seed, {} unchanged, {} operator-loaded kept",
        cal.inserted, cal.replaced, cal.unchanged, cal.kept
    )];
    if demo {
        lines.extend(load_demo(conn)?);
    }
    Ok(SeedReport { lines })
}

/// The synthetic demo directory and roster (seeds/demo/), imported like any file, so loading
/// them again changes nothing.
pub const DEMO_ENTITIES: &[u8] = include_bytes!("../seeds/demo/entities.csv");
pub const DEMO_INSPECTORS: &[u8] = include_bytes!("../seeds/demo/inspectors.csv");

fn load_demo(conn: &mut AnyConn) -> Result<Vec<String>, ServiceError> {
    use crate::service::imports::{self, ImportFailure, ImportReport};
    let actor = crate::service::Actor::command_line();
    let today = crate::domain::shanghai::date_at(chrono::Utc::now());
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
                    crate::service::FieldError::new(
                        &format!("seeds/demo line {}", e.line),
                        &e.code,
                        e.message,
                    )
                })
                .collect(),
        )),
    };
    Ok(vec![
        line(
            "entities",
            imports::entities(conn, &actor, DEMO_ENTITIES, false, &none),
        )?,
        line(
            "inspectors",
            imports::inspectors(conn, &actor, DEMO_INSPECTORS, false, today, &none),
        )?,
    ])
}

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
pub fn load_all(conn: &mut AnyConn, calendars: &Calendars) -> Result<SeedReport, ServiceError> {
    let cal = calendars.seed(conn, CALENDAR_SEEDS)?;
    Ok(SeedReport {
        lines: vec![format!(
            "calendar: {} year(s) inserted, {} replaced by a newer seed, {} unchanged, {} operator-loaded kept",
            cal.inserted, cal.replaced, cal.unchanged, cal.kept
        )],
    })
}

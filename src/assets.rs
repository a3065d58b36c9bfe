//! Reference data shipped in `seeds/` and embedded in the binary, so it goes wherever the binary
//! goes. Loading it into a database is `seed.rs`'s job; this module only holds it.

include!(concat!(env!("OUT_DIR"), "/calendar_seeds.rs"));

/// The lunar festival dates 2007–2100 (astronomical data, not deployment data), for provisional
/// answers in years whose notice is not loaded.
pub const LUNAR_FESTIVALS: &str = include_str!("../seeds/calendar/lunar_festivals.csv");

/// The shipped category list (行业类别), loaded like the calendar.
pub const CATEGORY_SEEDS: &[u8] = include_bytes!("../seeds/categories.csv");

/// The shipped 随机抽查事项清单 of a culture-and-tourism bureau, loaded by `gongshi seed`.
pub const INSPECTION_ITEM_SEEDS: &[u8] = include_bytes!("../seeds/inspection_items.csv");

/// The synthetic demo directory and roster (seeds/demo/).
pub const DEMO_ENTITIES: &[u8] = include_bytes!("../seeds/demo/entities.csv");
pub const DEMO_INSPECTORS: &[u8] = include_bytes!("../seeds/demo/inspectors.csv");

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

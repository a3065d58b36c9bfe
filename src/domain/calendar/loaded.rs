//! What the database holds of a loaded (region, year): its notice, origin and revision.

use chrono::NaiveDateTime;

/// Where a loaded year came from: the shipped seeds (which a newer release may correct) or an
/// operator's upload (which seeding never overwrites).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Seed,
    Operator,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Seed => "seed",
            Origin::Operator => "operator",
        }
    }
}

/// One loaded (region, year) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedYear {
    pub region: String,
    pub year: i32,
    pub source: String,
    pub origin: Origin,
    pub revision: i32,
    pub loaded_at: NaiveDateTime,
    pub loaded_by: String,
}

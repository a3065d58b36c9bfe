//! A plan as stored: its fields, its status, and the facts of each step taken.

use chrono::{NaiveDate, NaiveDateTime};

use super::fields::PlanFields;
use super::lifecycle::PlanStatus;
use super::outcome::ResultFields;

#[derive(Debug, Clone, PartialEq)]
pub struct PlanRecord {
    pub id: i64,
    pub fields: PlanFields,
    pub status: PlanStatus,
    /// Moves with every step (for caches).
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub announcement: Option<Announcement>,
    pub draw: Option<DrawFacts>,
    pub completion: Option<Completion>,
    pub results_publication: Option<ResultsPublication>,
    pub void: Option<Void>,
}

/// What announcing fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub at: NaiveDateTime,
    pub by: String,
    /// The day in Asia/Shanghai.
    pub on: NaiveDate,
    pub snapshot_sha256: String,
    pub snapshot_size: i32,
    /// Entities the draw picks.
    pub sample: i32,
    /// The yearly cap applied (`None`: no cap).
    pub frequency_cap: Option<i32>,
    /// The stage-2 commitment (`domain::draw::commitment`); `None` for a plan announced before
    /// commitments were published.
    pub stage2_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawFacts {
    pub at: NaiveDateTime,
    pub by: String,
    pub on: NaiveDate,
    pub source_values: Vec<Vec<u64>>,
    pub key: String,
    /// Why the draw was refused (its teams could not be staffed): the plan is `draw_failed`, the
    /// values above were the first attempt's and bind (issue 26).
    pub refusal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub at: NaiveDateTime,
    pub by: String,
    pub on: NaiveDate,
    /// The last day to publish the results (`inspection_result_publication`).
    pub deadline: NaiveDate,
    /// Computed past the loaded calendar: may move when the year is loaded.
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsPublication {
    pub at: NaiveDateTime,
    pub by: String,
    pub on: NaiveDate,
    /// Working days past the deadline (0: on time).
    pub days_late: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Void {
    pub at: NaiveDateTime,
    pub by: String,
    pub from: PlanStatus,
    /// Public.
    pub reason: String,
}

/// One pick of a draw: the entity and its team (certificate numbers, in pick order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// From 1.
    pub pick: i32,
    pub credit_code: String,
    pub inspectors: Vec<String>,
}

/// A recorded result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResult {
    pub pick: i32,
    pub fields: ResultFields,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: String,
}

/// An entity left out of a snapshot for reaching the yearly cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub credit_code: String,
    /// Random inspections it already had that year.
    pub inspections: i32,
}

//! 抽查计划: a random-inspection plan (DESIGN §6): what it covers, how many it draws, which
//! public randomness it will use; its lifecycle; and the results recorded against it.

pub mod fields;
pub mod lifecycle;
pub mod outcome;
pub mod record;
pub mod sample;

pub use fields::{PlanFields, PlannedMonth, RawPlan, SourceSpec};
pub use lifecycle::{PlanStatus, Step};
pub use outcome::{Outcome, RawResult};
pub use sample::Sample;

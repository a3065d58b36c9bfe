//! 行政处罚决定 (DESIGN §7): the record's vocabularies, its fields and their rules, the
//! workflow, the publicity rules and the redaction of natural persons. Pure: no HTTP, no
//! database, no clock.

pub mod cautions;
pub mod feed;
pub mod fields;
pub mod kinds;
pub mod money;
pub mod number;
pub mod public;
pub mod publicity;
pub mod record;
pub mod redact;
pub mod state;
pub mod stated_amounts;
pub mod workflow;

//! Files in and out: CSV parsing and encodings, and each file kind's layout with its reader and
//! writer together (`entities_csv`, `inspectors_csv`, `penalties_csv`, `calendar_csv`,
//! `categories_csv`, `inspection_items_csv`). No database, no HTTP.

pub mod calendar_csv;
pub mod categories_csv;
pub mod cells;
pub mod entities_csv;
pub mod export;
pub mod inspection_items_csv;
pub mod inspectors_csv;
pub mod penalties_csv;
pub mod table;

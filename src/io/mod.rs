//! Files in and out: CSV parsing and encodings. No database, no HTTP.

pub mod calendar_csv;
pub mod categories_csv;
pub mod cells;
pub mod export;
pub mod inspection_items_csv;
pub mod table;

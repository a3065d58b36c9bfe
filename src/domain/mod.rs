//! The pure core: no HTTP, no database, no clock or randomness of its own.
//! "Now", the time zone and random sources come in as parameters.

pub mod audit_chain;
pub mod calendar;
pub mod deadline;
pub mod role;
pub mod shanghai;

//! The pure core: no HTTP, no database, no clock or randomness of its own.
//! "Now", the time zone and random sources come in as parameters.

pub mod audit_action;
pub mod audit_chain;
pub mod calendar;
pub mod category;
pub mod client;
pub mod credit_code;
pub mod deadline;
pub mod draw;
pub mod entity;
pub mod field;
pub mod i18n;
pub mod id_number;
pub mod ids;
pub mod inspection_item;
pub mod inspector;
pub mod penalty;
pub mod plan;
pub mod policy;
pub mod private_data;
pub mod rate;
pub mod role;
pub mod shanghai;
pub mod text;
pub mod throttle;
pub mod user;

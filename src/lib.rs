//! gongshi (公示): law-enforcement publicity for a culture-and-tourism enforcement bureau.
//!
//! Layers, each using only those below it (DESIGN §2): `cli` → `http` → `service` → `store`
//! → `domain`.

pub mod assets;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error_chain;
pub mod http;
pub mod io;
pub mod seeding;
pub mod service;
pub mod store;

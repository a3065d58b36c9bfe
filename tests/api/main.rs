//! The integration suite: one binary, the real server, a fresh database per test.
//! Runs on SQLite by default and on PostgreSQL when GONGSHI_TEST_POSTGRES_URL is set.

mod answers;
mod audit;
mod auth;
mod authorise_first;
mod busy;
mod calendar;
mod categories;
mod cli;
mod connections;
mod console;
mod cors;
mod directory;
mod draws;
mod errors;
mod health;
mod helpers;
mod imports;
mod inspection_items;
mod language;
mod login;
mod open_data;
mod openapi;
mod penalties;
mod plans;
mod private_text;
mod public_views;
mod rate_limit;
mod reconnect;
mod roster;
mod schema;
mod spec_served;
mod staff_mistakes;
mod text_rule;
mod tokens;
mod users;

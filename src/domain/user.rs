//! A staff account as the rest of the program sees it (never its password hash).

use chrono::NaiveDateTime;

use super::role::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

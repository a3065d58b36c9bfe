//! A staff account as the rest of the program sees it (never its password hash).

use chrono::NaiveDateTime;

use super::role::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// The one 处罚机关 whose decisions the account sees and writes; `None`: every authority.
    pub authority_id: Option<i64>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

//! Use cases: authorise, validate, write in one transaction with its audit record.
//!
//! Every use case takes the [`App`] and decides its own unit of work: it takes a pooled
//! connection and opens the transaction itself. Use cases are blocking (diesel is); the HTTP
//! layer runs them through [`App::blocking`], the command line calls them directly.

mod app;
pub mod audit;
pub mod auth;
pub mod authorities;
pub mod calendar;
pub mod categories;
pub mod deadlines;
pub mod draws;
pub mod entities;
mod error;
pub mod events;
pub mod imports;
pub mod inspection_items;
pub mod inspectors;
pub mod login_guard;
pub mod open_data;
pub mod paging;
pub mod penalties;
pub mod penalty_imports;
pub mod plan_deadlines;
pub mod plan_results;
pub mod plans;
pub mod privacy;
pub mod sessions;
pub mod snapshots;
pub mod system;
pub mod today;
pub mod users;

pub use app::App;
pub use error::{Cause, ConflictKind, FieldError, ServiceError};

use crate::domain::policy::{self, Action};
use crate::domain::role::Role;

/// Who is acting: an authenticated staff member, or the operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Option<Role>,
    /// The one 处罚机关 the account is bound to (it sees and writes only that authority's
    /// decisions); `None`: every authority.
    pub authority_id: Option<i64>,
}

impl Actor {
    /// The operator running `gongshi` on the server itself (no token needed there).
    pub fn command_line() -> Self {
        Actor {
            name: "cli".to_string(),
            role: None,
            authority_id: None,
        }
    }

    pub fn staff(name: &str, role: Role) -> Self {
        Actor {
            name: name.to_string(),
            role: Some(role),
            authority_id: None,
        }
    }

    /// A staff member bound to one authority.
    pub fn bound(mut self, authority_id: Option<i64>) -> Self {
        self.authority_id = authority_id;
        self
    }

    /// Whether the actor may see and write `authority`'s decisions.
    pub fn covers(&self, authority: i64) -> bool {
        self.authority_id.is_none_or(|a| a == authority)
    }

    /// The operator at the console may do anything; staff need a role the policy allows.
    pub fn require(&self, action: Action) -> Result<(), ServiceError> {
        match self.role {
            None => Ok(()),
            Some(r) if policy::permits(r, action) => Ok(()),
            Some(r) => Err(forbidden(r, action)),
        }
    }
}

/// 403: `role` may not do `action`, naming the roles that may.
pub fn forbidden(role: Role, action: Action) -> ServiceError {
    let roles = policy::roles_for(action);
    ServiceError::Forbidden(format!(
        "role '{role}' may not do this; it needs one of: {}",
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .zh(format!(
        "“{}”角色不能执行此操作；需要{}角色",
        role.label(),
        roles
            .iter()
            .map(|r| format!("“{}”", r.label()))
            .collect::<Vec<_>>()
            .join("或")
    ))
}

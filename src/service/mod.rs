//! Use cases: authorise, validate, write in one transaction with its audit record.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod entities;
mod error;
pub mod imports;
pub mod inspectors;
pub mod users;

pub use error::{FieldError, ServiceError};

use crate::domain::role::Role;

/// Who is acting: an authenticated staff member, or the operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Option<Role>,
}

impl Actor {
    /// The operator running `gongshi` on the server itself (no token needed there).
    pub fn command_line() -> Self {
        Actor {
            name: "cli".to_string(),
            role: None,
        }
    }

    pub fn staff(name: &str, role: Role) -> Self {
        Actor {
            name: name.to_string(),
            role: Some(role),
        }
    }

    /// The operator at the console may do anything; staff need one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ServiceError> {
        match self.role {
            None => Ok(()),
            Some(r) if roles.contains(&r) => Ok(()),
            Some(r) => Err(ServiceError::Forbidden(format!(
                "role '{r}' may not do this; it needs one of: {}",
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

pub(crate) fn now_utc() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

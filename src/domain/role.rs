//! Staff roles (DESIGN §8). Separation of duties: no role includes another.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 经办: drafts penalties, imports, plans inspections.
    Clerk,
    /// 审核: approves, publishes and withdraws (先审后发).
    Reviewer,
    /// 管理员: users, roster, calendar, rules.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Clerk, Role::Reviewer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// The role as staff name it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "经办人",
            Role::Reviewer => "审核人",
            Role::Admin => "管理员",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role '{0}' (expected clerk, reviewer or admin)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn unknown_roles_are_refused() {
        for bad in ["", "Admin", "root", "reviewers"] {
            assert!(bad.parse::<Role>().is_err(), "{bad}");
        }
    }
}

//! Typed ids (issue 24): a decision's id is not a plan's, an authority's or an account's, and the
//! compiler says so where a use case is called. Each wraps the database's `i64`; the store reads
//! and writes the number (`get`), and paths parse into them (`FromStr`, the number as written).

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident;)*) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> $name {
                $name(id)
            }

            /// The number the database keeps.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> $name {
                $name(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<$name, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

ids! {
    /// A penalty decision (行政处罚决定).
    PenaltyId;
    /// An enforcement authority (处罚机关).
    AuthorityId;
    /// A random-inspection plan.
    PlanId;
    /// An inspector of the roster.
    InspectorId;
    /// A 回避 declaration of an inspector.
    ConflictId;
    /// An item of the 随机抽查事项清单.
    ItemId;
    /// A staff account.
    UserId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_shows_as_its_number() {
        let id: PenaltyId = "42".parse().unwrap();
        assert_eq!(id.get(), 42);
        assert_eq!(id.to_string(), "42");
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert!("4x".parse::<PlanId>().is_err());
        assert!("".parse::<UserId>().is_err());
    }
}

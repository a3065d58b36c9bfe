//! Deadline rules as data with effective dates (DESIGN §3). A rule in force on the trigger date
//! decides the number of working days.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeadlineRule {
    pub name: &'static str,
    pub working_days: u32,
    pub effective_from: NaiveDate,
    /// Inclusive; `None` while in force.
    pub effective_to: Option<NaiveDate>,
    pub description: &'static str,
    pub basis: &'static str,
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid rule date"),
    }
}

/// Every version of every rule. A new version closes the old one with `effective_to` and adds a
/// row; old rows stay so that past deadlines can be recomputed.
pub const RULES: &[DeadlineRule] = &[
    DeadlineRule {
        name: "penalty_publication",
        working_days: 7,
        effective_from: date(2015, 9, 15),
        effective_to: None,
        description:
            "publish an administrative penalty decision within 7 working days of the decision",
        basis: "发改电〔2015〕557号; 国办发〔2018〕118号",
    },
    DeadlineRule {
        name: "penalty_withdrawal",
        working_days: 3,
        effective_from: date(2021, 7, 15),
        effective_to: None,
        description:
            "withdraw a published decision within 3 working days of its revocation or change",
        basis: "行政处罚法 (2021) Art. 48, Art. 85",
    },
    DeadlineRule {
        name: "inspection_result_publication",
        working_days: 20,
        effective_from: date(2019, 2, 15),
        effective_to: None,
        description: "publish random-inspection results within 20 working days of completion",
        basis: "国发〔2019〕5号 (as implemented locally; see reference §3)",
    },
    DeadlineRule {
        name: "enforcement_decision_publication",
        working_days: 20,
        effective_from: date(2019, 1, 3),
        effective_to: None,
        description: "publish other enforcement decisions within 20 working days",
        basis: "国办发〔2018〕118号",
    },
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("unknown rule '{0}'")]
    Unknown(String),
    #[error("rule '{name}' was not in force on {on}")]
    NotInForce { name: String, on: NaiveDate },
}

/// The version of rule `name` in force on `on`.
pub fn rule_on(name: &str, on: NaiveDate) -> Result<&'static DeadlineRule, RuleError> {
    let mut versions = RULES.iter().filter(|r| r.name == name).peekable();
    if versions.peek().is_none() {
        return Err(RuleError::Unknown(name.to_string()));
    }
    versions
        .find(|r| r.effective_from <= on && r.effective_to.is_none_or(|to| on <= to))
        .ok_or_else(|| RuleError::NotInForce {
            name: name.to_string(),
            on,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_in_force_today_have_the_statutory_day_counts() {
        let on = date(2026, 11, 24);
        let got: Vec<_> = [
            "penalty_publication",
            "penalty_withdrawal",
            "inspection_result_publication",
            "enforcement_decision_publication",
        ]
        .iter()
        .map(|n| rule_on(n, on).unwrap().working_days)
        .collect();
        assert_eq!(got, [7, 3, 20, 20]);
    }

    #[test]
    fn unknown_rules_and_dates_before_a_rule_are_refused() {
        assert_eq!(
            rule_on("penalty", date(2026, 1, 1)),
            Err(RuleError::Unknown("penalty".into()))
        );
        assert!(matches!(
            rule_on("penalty_publication", date(2015, 9, 14)),
            Err(RuleError::NotInForce { .. })
        ));
        assert!(rule_on("penalty_publication", date(2015, 9, 15)).is_ok());
    }

    #[test]
    fn versions_of_one_rule_never_overlap() {
        for a in RULES {
            for b in RULES
                .iter()
                .filter(|b| b.name == a.name && !std::ptr::eq(*b, a))
            {
                let a_end = a.effective_to.unwrap_or(NaiveDate::MAX);
                let b_end = b.effective_to.unwrap_or(NaiveDate::MAX);
                assert!(
                    a_end < b.effective_from || b_end < a.effective_from,
                    "{} overlaps",
                    a.name
                );
            }
        }
    }
}

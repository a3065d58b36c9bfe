//! Deadline rules as data with effective dates (DESIGN §3). A rule in force on the trigger date
//! decides the number of working days.

use chrono::NaiveDate;

crate::domain::entity::labelled_enum! {
    /// Which deadline: each has versions with effective dates in [`RULES`].
    DeadlineRule {
        PenaltyPublication = "penalty_publication", "行政处罚决定公示";
        PenaltyWithdrawal = "penalty_withdrawal", "撤销或变更后撤下公示";
        InspectionResultPublication = "inspection_result_publication", "抽查结果公示";
        EnforcementDecisionPublication = "enforcement_decision_publication", "其他执法决定公示";
    }
}

/// One version of a rule: its day count between its effective dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersion {
    pub rule: DeadlineRule,
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
pub const RULES: &[RuleVersion] = &[
    RuleVersion {
        rule: DeadlineRule::PenaltyPublication,
        working_days: 7,
        effective_from: date(2015, 9, 15),
        effective_to: None,
        description:
            "publish an administrative penalty decision within 7 working days of the decision",
        basis: "发改电〔2015〕557号; 国办发〔2018〕118号",
    },
    RuleVersion {
        rule: DeadlineRule::PenaltyWithdrawal,
        working_days: 3,
        effective_from: date(2021, 7, 15),
        effective_to: None,
        description:
            "withdraw a published decision within 3 working days of its revocation or change",
        basis: "行政处罚法 (2021) Art. 48, Art. 85",
    },
    RuleVersion {
        rule: DeadlineRule::InspectionResultPublication,
        working_days: 20,
        effective_from: date(2019, 2, 15),
        effective_to: None,
        description: "publish random-inspection results within 20 working days of completion",
        basis: "国发〔2019〕5号 (as implemented locally; see reference §3)",
    },
    RuleVersion {
        rule: DeadlineRule::EnforcementDecisionPublication,
        working_days: 20,
        effective_from: date(2019, 1, 3),
        effective_to: None,
        description: "publish other enforcement decisions within 20 working days",
        basis: "国办发〔2018〕118号",
    },
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule '{}' was not in force on {on}", .rule.code())]
pub struct NotInForce {
    pub rule: DeadlineRule,
    pub on: NaiveDate,
}

/// The version of `rule` in force on `on`.
pub fn rule_on(rule: DeadlineRule, on: NaiveDate) -> Result<&'static RuleVersion, NotInForce> {
    RULES
        .iter()
        .filter(|r| r.rule == rule)
        .find(|r| r.effective_from <= on && r.effective_to.is_none_or(|to| on <= to))
        .ok_or(NotInForce { rule, on })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_in_force_today_have_the_statutory_day_counts() {
        let on = date(2026, 11, 24);
        let got: Vec<_> = DeadlineRule::ALL
            .iter()
            .map(|r| rule_on(*r, on).unwrap().working_days)
            .collect();
        assert_eq!(got, [7, 3, 20, 20]);
        // Every rule has a version, and its code reads back.
        for &r in DeadlineRule::ALL {
            assert!(RULES.iter().any(|v| v.rule == r));
            assert_eq!(DeadlineRule::parse(r.code()), Some(r));
        }
    }

    #[test]
    fn unknown_rules_and_dates_before_a_rule_are_refused() {
        assert_eq!(DeadlineRule::parse("penalty"), None);
        assert!(rule_on(DeadlineRule::PenaltyPublication, date(2015, 9, 14)).is_err());
        assert!(rule_on(DeadlineRule::PenaltyPublication, date(2015, 9, 15)).is_ok());
    }

    #[test]
    fn versions_of_one_rule_never_overlap() {
        for a in RULES {
            for b in RULES
                .iter()
                .filter(|b| b.rule == a.rule && !std::ptr::eq(*b, a))
            {
                let a_end = a.effective_to.unwrap_or(NaiveDate::MAX);
                let b_end = b.effective_to.unwrap_or(NaiveDate::MAX);
                assert!(
                    a_end < b.effective_from || b_end < a.effective_from,
                    "{} overlaps",
                    a.rule.code()
                );
            }
        }
    }
}

//! Whether a decision is published, and for how long (《信用修复管理办法》 and its predecessors):
//! the severity class a decision defaults to, the authority's publication settings, and the
//! publicity periods as rule data with effective dates. Pure: today comes in as a parameter.

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};

use super::kinds::{PenaltyType, Procedure, Severity};

/// Minimum and maximum publicity, in months from the decision date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    pub min_months: u32,
    pub max_months: u32,
}

/// One version of the publicity rules.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicityRule {
    pub name: &'static str,
    pub effective_from: NaiveDate,
    /// Inclusive; `None` while in force.
    pub effective_to: Option<NaiveDate>,
    pub minor: Period,
    pub general: Period,
    pub serious: Period,
    pub basis: &'static str,
}

impl PublicityRule {
    pub fn period(&self, severity: Severity) -> Period {
        match severity {
            Severity::Minor => self.minor,
            Severity::General => self.general,
            Severity::Serious => self.serious,
        }
    }
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid rule date"),
    }
}

const fn months(min_months: u32, max_months: u32) -> Period {
    Period {
        min_months,
        max_months,
    }
}

/// Every version, oldest first; the one in force on the decision date applies (the period is
/// counted from the decision date, so the rule of that date is the one the party was told).
pub const RULES: &[PublicityRule] = &[
    PublicityRule {
        name: "ndrc_2019_527",
        // The notice's own effective date is not confirmed (reference §5.1); it covers every
        // decision older than 58号令, so legacy imports have a rule.
        effective_from: date(2000, 1, 1),
        effective_to: Some(date(2023, 4, 30)),
        minor: months(3, 12),
        general: months(3, 12),
        serious: months(6, 36),
        basis: "发改办财金〔2019〕527号 (一般 3 个月至 1 年, 严重 6 个月至 3 年)",
    },
    PublicityRule {
        name: "ndrc_order_2023_58",
        effective_from: date(2023, 5, 1),
        effective_to: Some(date(2026, 3, 31)),
        minor: months(3, 36),
        general: months(3, 36),
        serious: months(3, 36),
        basis: "国家发展改革委令2023年第58号 (最短 3 个月, 最长 3 年)",
    },
    PublicityRule {
        name: "ndrc_order_36",
        effective_from: date(2026, 4, 1),
        effective_to: None,
        minor: months(0, 3),
        general: months(3, 12),
        serious: months(12, 36),
        basis: "《信用修复管理办法》国家发展改革委令第36号 (轻微 ≤ 3 个月, 一般 3 个月至 1 年, 严重 1 年至 3 年)",
    },
];

/// The rule version in force on `on`.
pub fn rule_on(on: NaiveDate) -> Option<&'static PublicityRule> {
    RULES
        .iter()
        .find(|r| r.effective_from <= on && r.effective_to.is_none_or(|to| on <= to))
}

/// Types that make a decision 严重 (the press summaries of 36号令 and SAMR 令第45号 Art. 14's list of
/// penalties whose publicity cannot end early).
const SERIOUS: &[PenaltyType] = &[
    PenaltyType::RevocationOfLicence,
    PenaltyType::DemotionOfQualification,
    PenaltyType::RestrictionOfBusiness,
    PenaltyType::SuspensionOfBusiness,
    PenaltyType::OrderToClose,
    PenaltyType::RestrictionOfPractice,
    PenaltyType::AdministrativeDetention,
];

/// Types that alone make a decision 轻微.
const MINOR: &[PenaltyType] = &[PenaltyType::Warning, PenaltyType::PublicCriticism];

/// The class a decision gets unless staff override it with a reason: 简易程序 and 警告/通报批评
/// alone are 轻微; any type in [`SERIOUS`] is 严重 (several types: the longest period wins);
/// everything else is 一般.
pub fn default_severity(types: &BTreeSet<PenaltyType>, procedure: Procedure) -> Severity {
    if types.iter().any(|t| SERIOUS.contains(t)) {
        Severity::Serious
    } else if procedure == Procedure::Simple || types.iter().all(|t| MINOR.contains(t)) {
        Severity::Minor
    } else {
        Severity::General
    }
}

/// An authority's publication choices (defaults are the safe ones: not published).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublicationSettings {
    pub publish_simple_procedure: bool,
    pub publish_warning_only: bool,
    pub publish_minor: bool,
}

/// Why a decision is not to be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotPublishable {
    #[error(
        "decisions made under the simple procedure (简易程序) are not published by this authority"
    )]
    SimpleProcedure,
    #[error("warning-only decisions (仅警告) are not published by this authority")]
    WarningOnly,
    #[error("minor (轻微) decisions are not published by this authority")]
    Minor,
}

impl NotPublishable {
    /// The reason in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            NotPublishable::SimpleProcedure => "本处罚机关不公示简易程序作出的处罚决定",
            NotPublishable::WarningOnly => "本处罚机关不公示仅予警告的处罚决定",
            NotPublishable::Minor => "本处罚机关不公示轻微失信的处罚决定",
        }
    }
}

/// Whether a decision is to be published under `settings` (reference §1.4).
pub fn publishable(
    settings: PublicationSettings,
    procedure: Procedure,
    types: &BTreeSet<PenaltyType>,
    severity: Severity,
) -> Result<(), NotPublishable> {
    if procedure == Procedure::Simple && !settings.publish_simple_procedure {
        return Err(NotPublishable::SimpleProcedure);
    }
    if types.iter().all(|t| *t == PenaltyType::Warning) && !settings.publish_warning_only {
        return Err(NotPublishable::WarningOnly);
    }
    // A kind the authority chose to publish is published even though it is 轻微 by default.
    let chosen = (procedure == Procedure::Simple && settings.publish_simple_procedure)
        || (types.iter().all(|t| *t == PenaltyType::Warning) && settings.publish_warning_only);
    if severity == Severity::Minor && !settings.publish_minor && !chosen {
        return Err(NotPublishable::Minor);
    }
    Ok(())
}

/// A decision's publicity: shown from the decision date through `max_end` (inclusive, Asia/Shanghai
/// days); 信用修复 may end it early from `min_end` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publicity {
    pub min_end: NaiveDate,
    pub max_end: NaiveDate,
    pub rule: &'static PublicityRule,
}

/// The periods of a decision of `severity` made on `decided`. Months are counted as 民法典
/// Arts. 201–202 count them: the decision day does not count and the period ends on the
/// corresponding day of the last month (its last day when it has none, e.g. 11-30 + 3 months =
/// 02-28). `None` when no rule covers the date.
pub fn publicity(decided: NaiveDate, severity: Severity) -> Option<Publicity> {
    let rule = rule_on(decided)?;
    let p = rule.period(severity);
    Some(Publicity {
        min_end: decided.checked_add_months(Months::new(p.min_months))?,
        max_end: decided.checked_add_months(Months::new(p.max_months))?,
        rule,
    })
}

impl Publicity {
    /// Whether the decision is within its publicity period on `today`.
    pub fn shows_on(&self, decided: NaiveDate, today: NaiveDate) -> bool {
        decided <= today && today <= self.max_end
    }

    /// Whether 信用修复 may be applied for on `today`: only after the minimum period, whose
    /// last day is `min_end`.
    pub fn repairable_on(&self, today: NaiveDate) -> bool {
        today > self.min_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn types(t: &[PenaltyType]) -> BTreeSet<PenaltyType> {
        t.iter().copied().collect()
    }

    #[test]
    fn every_day_has_exactly_one_rule_from_2000_on() {
        let mut day = d(2000, 1, 1);
        while day <= d(2030, 12, 31) {
            let n = RULES
                .iter()
                .filter(|r| r.effective_from <= day && r.effective_to.is_none_or(|to| day <= to))
                .count();
            assert_eq!(n, 1, "{day}");
            day = day.succ_opt().unwrap();
        }
        assert!(rule_on(d(1999, 12, 31)).is_none());
        assert_eq!(rule_on(d(2026, 3, 31)).unwrap().name, "ndrc_order_2023_58");
        assert_eq!(rule_on(d(2026, 4, 1)).unwrap().name, "ndrc_order_36");
    }

    #[test]
    fn severity_defaults_follow_types_and_procedure() {
        use PenaltyType::*;
        let ordinary = Procedure::Ordinary;
        assert_eq!(
            default_severity(&types(&[Warning]), ordinary),
            Severity::Minor
        );
        assert_eq!(
            default_severity(&types(&[Warning, PublicCriticism]), ordinary),
            Severity::Minor
        );
        assert_eq!(
            default_severity(&types(&[Fine]), Procedure::Simple),
            Severity::Minor
        );
        assert_eq!(
            default_severity(&types(&[Warning, Fine]), ordinary),
            Severity::General
        );
        assert_eq!(
            default_severity(&types(&[Fine, ConfiscationOfIllegalGains]), ordinary),
            Severity::General
        );
        assert_eq!(
            default_severity(&types(&[Fine, RevocationOfLicence]), ordinary),
            Severity::Serious,
            "several types: the longest"
        );
        assert_eq!(
            default_severity(&types(&[SuspensionOfBusiness]), Procedure::Simple),
            Severity::Serious
        );
    }

    #[test]
    fn periods_count_whole_months_from_the_decision_date() {
        let p = publicity(d(2026, 5, 20), Severity::General).unwrap();
        assert_eq!((p.min_end, p.max_end), (d(2026, 8, 20), d(2027, 5, 20)));
        let p = publicity(d(2026, 5, 20), Severity::Serious).unwrap();
        assert_eq!((p.min_end, p.max_end), (d(2027, 5, 20), d(2029, 5, 20)));
        let p = publicity(d(2026, 11, 30), Severity::General).unwrap();
        assert_eq!(
            p.min_end,
            d(2027, 2, 28),
            "no 30 February: the month's last day"
        );
        let p = publicity(d(2027, 2, 28), Severity::Minor).unwrap();
        assert_eq!((p.min_end, p.max_end), (d(2027, 2, 28), d(2027, 5, 28)));
        // The rule of the decision date, not of today.
        let p = publicity(d(2026, 3, 31), Severity::General).unwrap();
        assert_eq!(p.max_end, d(2029, 3, 31));
        assert_eq!(p.rule.name, "ndrc_order_2023_58");
        assert!(publicity(d(1999, 1, 1), Severity::General).is_none());
    }

    #[test]
    fn a_decision_shows_through_its_last_day_and_not_the_day_after() {
        let decided = d(2026, 5, 20);
        let p = publicity(decided, Severity::General).unwrap();
        assert!(!p.shows_on(decided, d(2026, 5, 19)));
        assert!(p.shows_on(decided, decided));
        assert!(p.shows_on(decided, d(2027, 5, 20)));
        assert!(!p.shows_on(decided, d(2027, 5, 21)));
        assert!(
            !p.repairable_on(d(2026, 8, 20)),
            "the minimum period's last day"
        );
        assert!(p.repairable_on(d(2026, 8, 21)));
    }

    #[test]
    fn what_is_published_follows_the_authoritys_settings() {
        use PenaltyType::*;
        let none = PublicationSettings::default();
        let ordinary = Procedure::Ordinary;
        assert_eq!(
            publishable(none, Procedure::Simple, &types(&[Fine]), Severity::General),
            Err(NotPublishable::SimpleProcedure)
        );
        assert_eq!(
            publishable(none, ordinary, &types(&[Warning]), Severity::General),
            Err(NotPublishable::WarningOnly)
        );
        assert_eq!(
            publishable(none, ordinary, &types(&[PublicCriticism]), Severity::Minor),
            Err(NotPublishable::Minor)
        );
        assert_eq!(
            publishable(none, ordinary, &types(&[Fine]), Severity::General),
            Ok(())
        );
        let all = PublicationSettings {
            publish_simple_procedure: true,
            publish_warning_only: true,
            publish_minor: true,
        };
        assert_eq!(
            publishable(all, Procedure::Simple, &types(&[Warning]), Severity::Minor),
            Ok(())
        );
        let warnings = PublicationSettings {
            publish_warning_only: true,
            ..PublicationSettings::default()
        };
        assert_eq!(
            publishable(warnings, ordinary, &types(&[Warning]), Severity::Minor),
            Ok(()),
            "publishing warnings means publishing these 轻微 ones"
        );
        assert_eq!(
            publishable(
                warnings,
                ordinary,
                &types(&[PublicCriticism]),
                Severity::Minor
            ),
            Err(NotPublishable::Minor)
        );
    }
}

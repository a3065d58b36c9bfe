//! The result of inspecting one selected entity (检查结果), as staff record it.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::domain::entity::labelled_enum;
use crate::domain::field::{optional_text, parse_date, Errors};

labelled_enum! {
    /// 检查结果.
    Outcome {
        NoProblem = "no_problem", "未发现问题" | "未发现问题的";
        Rectified = "rectified", "发现问题已责令整改" | "发现问题已整改" | "责令整改";
        CaseOpened = "case_opened", "立案查处" | "发现问题已立案查处";
        NotFound = "not_found", "未找到检查对象" | "通过登记的住所（经营场所）无法联系";
        Closed = "closed", "已停业或注销" | "停业" | "已注销";
        Refused = "refused", "拒绝检查" | "不配合检查";
    }
}

/// The longest private note.
pub const NOTES_MAX: usize = 500;

/// One result as it arrives.
#[derive(Debug, Clone, Default)]
pub struct RawResult {
    pub credit_code: Option<String>,
    pub outcome: Option<String>,
    pub inspected_on: Option<String>,
    /// Certificate numbers of the inspectors who went.
    pub inspectors: Option<Vec<String>>,
    /// Staff-only.
    pub notes: Option<String>,
}

/// A valid result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultFields {
    pub credit_code: String,
    pub outcome: Outcome,
    pub inspected_on: NaiveDate,
    pub inspectors: Vec<String>,
    pub notes: Option<String>,
}

/// What a result is checked against.
pub struct ResultContext<'a> {
    pub draw_date: NaiveDate,
    pub today: NaiveDate,
    /// The credit codes the draw selected.
    pub selected: &'a HashSet<&'a str>,
    /// Certificate numbers of the plan's frozen roster.
    pub roster: &'a HashSet<&'a str>,
}

impl ResultFields {
    /// Parses one result; field names carry `prefix` (e.g. `results[2]`).
    pub fn parse(
        e: &mut Errors,
        prefix: &str,
        raw: &RawResult,
        cx: &ResultContext,
    ) -> Option<ResultFields> {
        let f = |name: &str| format!("{prefix}.{name}");
        let credit_code = match raw.credit_code.as_deref().map(str::trim) {
            None | Some("") => {
                e.push(&f("credit_code"), "required", "credit_code is required");
                None
            }
            Some(c) if !cx.selected.contains(c) => {
                e.push(
                    &f("credit_code"),
                    "not_selected",
                    format!("{c} was not selected by this plan's draw"),
                );
                None
            }
            Some(c) => Some(c.to_string()),
        };
        let outcome = match raw.outcome.as_deref() {
            None => {
                e.push(&f("outcome"), "required", "outcome is required");
                None
            }
            Some(o) => {
                let parsed = Outcome::parse(o);
                if parsed.is_none() {
                    e.push(
                        &f("outcome"),
                        "unknown",
                        format!("{o:?}: expected one of {}", Outcome::expected()),
                    );
                }
                parsed
            }
        };
        let inspected_on = match raw.inspected_on.as_deref().map(parse_date) {
            None => {
                e.push(&f("inspected_on"), "required", "inspected_on is required");
                None
            }
            Some(None) => {
                e.push(
                    &f("inspected_on"),
                    "format",
                    "inspected_on must be a date such as 2026-12-08",
                );
                None
            }
            Some(Some(d)) if d < cx.draw_date => {
                e.push(
                    &f("inspected_on"),
                    "before_draw",
                    format!("inspected_on {d} is before the draw ({})", cx.draw_date),
                );
                None
            }
            Some(Some(d)) if d > cx.today => {
                e.push(
                    &f("inspected_on"),
                    "future",
                    format!("inspected_on {d} is after today ({})", cx.today),
                );
                None
            }
            Some(Some(d)) => Some(d),
        };
        let mut inspectors: Vec<String> = Vec::new();
        let mut ok = true;
        for (i, no) in raw.inspectors.iter().flatten().enumerate() {
            let no = no.trim();
            if !cx.roster.contains(no) {
                e.push(
                    &format!("{prefix}.inspectors[{i}]"),
                    "unknown",
                    format!("{no:?} is not a certificate number on the plan's roster"),
                );
                ok = false;
            } else if !inspectors.iter().any(|x| x == no) {
                inspectors.push(no.to_string());
            }
        }
        if ok && inspectors.len() < 2 {
            e.push(
                &f("inspectors"),
                "too_few",
                "at least two inspectors carry out an inspection (行政处罚法 Art. 42)",
            );
            ok = false;
        }
        let notes = optional_text(e, &f("notes"), raw.notes.as_deref(), NOTES_MAX);
        Some(ResultFields {
            credit_code: credit_code?,
            outcome: outcome?,
            inspected_on: inspected_on?,
            inspectors: ok.then_some(inspectors)?,
            notes: notes?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn parse(raw: &RawResult) -> Result<ResultFields, Vec<(String, String)>> {
        let selected: HashSet<&str> = ["91640100MA76A1B2C3"].into();
        let roster: HashSet<&str> = ["64010001", "64010002", "64010003"].into();
        let cx = ResultContext {
            draw_date: day("2026-12-04"),
            today: day("2026-12-10"),
            selected: &selected,
            roster: &roster,
        };
        let mut e = Errors::default();
        let r = ResultFields::parse(&mut e, "results[0]", raw, &cx);
        match r {
            Some(r) if e.is_empty() => Ok(r),
            _ => Err(e
                .into_vec()
                .into_iter()
                .map(|x| (x.field, x.code))
                .collect()),
        }
    }

    fn raw() -> RawResult {
        RawResult {
            credit_code: Some("91640100MA76A1B2C3".into()),
            outcome: Some("发现问题已责令整改".into()),
            inspected_on: Some("2026-12-10".into()),
            inspectors: Some(vec!["64010002".into(), "64010001".into()]),
            notes: Some("消防通道堆放杂物，已当场整改".into()),
        }
    }

    #[test]
    fn a_result_parses_from_labels_and_keeps_the_inspectors_order() {
        let r = parse(&raw()).unwrap();
        assert_eq!(r.outcome, Outcome::Rectified);
        assert_eq!(r.inspectors, ["64010002", "64010001"]);
        assert_eq!(r.inspected_on, day("2026-12-10"));
        let mut first_day = raw();
        first_day.inspected_on = Some("2026-12-04".into());
        assert!(parse(&first_day).is_ok(), "the draw day itself");
    }

    #[test]
    fn every_bad_field_is_named_with_its_index() {
        let bad = RawResult {
            credit_code: Some("92640104MA0000001X".into()),
            outcome: Some("还行".into()),
            inspected_on: Some("2026-12-03".into()),
            inspectors: Some(vec!["64010001".into(), "99999999".into()]),
            notes: Some("\u{202E}".into()),
        };
        let errs = parse(&bad).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "results[0].credit_code",
                "results[0].outcome",
                "results[0].inspected_on",
                "results[0].inspectors[1]",
                "results[0].notes"
            ]
        );
        let mut future = raw();
        future.inspected_on = Some("2026-12-11".into());
        assert_eq!(
            parse(&future).unwrap_err(),
            [("results[0].inspected_on".into(), "future".into())]
        );
        let mut alone = raw();
        alone.inspectors = Some(vec!["64010001".into(), " 64010001".into()]);
        assert_eq!(
            parse(&alone).unwrap_err(),
            [("results[0].inspectors".into(), "too_few".into())]
        );
    }
}

//! Soft rules (issue 25): what a clerk may knowingly override. A write that trips one is refused
//! with the rule's code and `confirmable: true`; the same request with the code in `confirm`
//! succeeds, and the audit record says what was confirmed. And the directory's help: a company's
//! name and legal representative are taken from its directory entry when the clerk leaves them
//! out.
//!
//! - `party_name_differs`: the party's name is not the name its credit code has in the directory
//!   (compared with width, spaces and bracket forms folded: 银川星光网吧（有限公司） and
//!   银川星光网吧(有限公司) are one name). A renamed company can carry its old name on a decision
//!   made before the rename, so this is the clerk's call.
//! - `large_amount`: a fine or a confiscation above [`LARGE_AMOUNT_FEN`] (1,000,000 元), far
//!   beyond what a culture-and-tourism bureau's decisions carry (the largest fines in its
//!   regulations are 5 to 10 times illegal income or a few hundred thousand 元): most likely a 万元
//!   / 元 or 分 / 元 slip.
//!
//! An edit is checked only for what it changes: a difference confirmed when the draft was
//! logged is not asked again when its facts are corrected.

use super::fields::{PenaltyFields, RawPenalty};
use super::kinds::PartyKind;
use super::money::yuan;
use crate::domain::field::FieldError;

pub const PARTY_NAME_DIFFERS: &str = "party_name_differs";
pub const LARGE_AMOUNT: &str = "large_amount";

/// Every code `confirm` may name.
pub const CONFIRMABLE: &[&str] = &[PARTY_NAME_DIFFERS, LARGE_AMOUNT];

/// Above this (1,000,000 元, in 分) an amount needs confirmation.
pub const LARGE_AMOUNT_FEN: i64 = 100_000_000;

/// What the directory holds about a party's credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryParty {
    pub name: String,
    pub legal_representative: Option<String>,
}

/// Fills the party's name, and an organisation's legal representative, from its directory entry
/// where the input leaves them out (absent or blank). Returns the fields filled.
pub fn fill_from_directory(raw: &mut RawPenalty, d: &DirectoryParty) -> Vec<&'static str> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut filled = Vec::new();
    if blank(&raw.party_name) {
        raw.party_name = Some(d.name.clone());
        filled.push("party_name");
    }
    let organisation = raw
        .party_kind
        .as_deref()
        .and_then(PartyKind::parse)
        .is_some_and(|k| k != PartyKind::NaturalPerson);
    if organisation && blank(&raw.legal_representative) {
        if let Some(rep) = &d.legal_representative {
            raw.legal_representative = Some(rep.clone());
            filled.push("legal_representative");
        }
    }
    filled
}

/// A name as compared: full-width folded, spaces dropped, brackets of every form written ().
fn name_key(name: &str) -> String {
    crate::domain::text::fold_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' | '【' | '[' | '〔' => '(',
            '）' | '】' | ']' | '〕' => ')',
            c => c,
        })
        .collect()
}

/// The soft rules `fields` trip, as confirmable field errors. `before`: the fields as they
/// were (an edit), whose unchanged parts are not asked again.
pub fn cautions(
    fields: &PenaltyFields,
    directory: Option<&DirectoryParty>,
    before: Option<&PenaltyFields>,
) -> Vec<FieldError> {
    let mut out = Vec::new();
    if let Some(d) = directory {
        let unchanged = before.is_some_and(|b| {
            b.party_name == fields.party_name && b.party_credit_code == fields.party_credit_code
        });
        if !unchanged && name_key(&fields.party_name) != name_key(&d.name) {
            let code = fields.party_credit_code.as_ref().map_or("", |c| c.as_str());
            let (listed, given) = (&d.name, &fields.party_name);
            out.push(FieldError::confirmable(
                "party_name",
                PARTY_NAME_DIFFERS,
                format!(
                    "the directory names credit code {code} {listed:?}, not {given:?}; correct the name, or confirm {PARTY_NAME_DIFFERS} if the decision rightly names it so (a name before a rename, say)"
                ),
            )
            .zh(format!(
                "市场主体名录库中统一社会信用代码 {code} 登记的名称是“{listed}”，不是“{given}”；请更正名称，若决定书确实如此记载（例如更名前的名称），请确认后提交（{PARTY_NAME_DIFFERS}）"
            )));
        }
    }
    for (field, amount, was) in [
        ("fine_fen", fields.fine_fen, before.and_then(|b| b.fine_fen)),
        (
            "confiscation_fen",
            fields.confiscation_fen,
            before.and_then(|b| b.confiscation_fen),
        ),
    ] {
        if let Some(fen) = amount.filter(|f| *f > LARGE_AMOUNT_FEN) {
            if before.is_some() && was == Some(fen) {
                continue;
            }
            out.push(FieldError::confirmable(
                field,
                LARGE_AMOUNT,
                format!(
                    "{field} is {} 元, above {} 元: check 分 (1 元 = 100 分) and 万元; confirm {LARGE_AMOUNT} if it is right",
                    yuan(fen),
                    yuan(LARGE_AMOUNT_FEN)
                ),
            )
            .zh(format!(
                "{}为 {} 元，超过 {} 元：请核对是否把“元”填成了“分”（1 元 = 100 分）或把“元”当成了“万元”；金额无误请确认后提交（{LARGE_AMOUNT}）",
                crate::domain::i18n::field_label(field),
                yuan(fen),
                yuan(LARGE_AMOUNT_FEN)
            )));
        }
    }
    out
}

/// The codes a request confirms, checked: each must be a confirmable code.
pub fn parse_confirm(given: Option<&[String]>) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for code in given.unwrap_or_default() {
        let code = code.trim();
        if !CONFIRMABLE.contains(&code) {
            return Err(FieldError::new(
                "confirm",
                "unknown",
                format!(
                    "{code:?} is no rule that can be confirmed; expected {}",
                    CONFIRMABLE.join(", ")
                ),
            )
            .zh(format!(
                "“{code}”不是可以确认的提示；可确认的有 {}",
                CONFIRMABLE.join("、")
            )));
        }
        if !out.iter().any(|c| c == code) {
            out.push(code.to_string());
        }
    }
    Ok(out)
}

/// The cautions `confirmed` does not cover (the request is refused with them), or the codes that
/// were confirmed and needed (for the audit record).
pub fn unconfirmed(
    cautions: Vec<FieldError>,
    confirmed: &[String],
) -> Result<Vec<String>, Vec<FieldError>> {
    let (covered, open): (Vec<FieldError>, Vec<FieldError>) = cautions
        .into_iter()
        .partition(|c| confirmed.contains(&c.code));
    if !open.is_empty() {
        return Err(open);
    }
    let mut codes: Vec<String> = covered.into_iter().map(|c| c.code).collect();
    codes.dedup();
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::credit_code::CreditCode;
    use crate::domain::penalty::fields::OtherCodes;
    use crate::domain::penalty::kinds::{PenaltyType, Procedure, Severity};

    fn fields(name: &str, fine: Option<i64>) -> PenaltyFields {
        PenaltyFields {
            decision_number: None,
            party_kind: PartyKind::LegalPerson,
            party_name: name.into(),
            party_credit_code: Some(CreditCode::parse("91640104MA1B3N1N2R").unwrap()),
            party_other_codes: OtherCodes::default(),
            legal_representative: Some("李四".into()),
            party_id_type: None,
            party_id_number: None,
            party_address: None,
            violation_type: "违规".into(),
            facts: "经查".into(),
            legal_basis: "依据".into(),
            penalty_types: [PenaltyType::Fine].into(),
            content: "罚款".into(),
            fine_fen: fine,
            confiscation_fen: None,
            licence_affected: None,
            decision_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            procedure: Procedure::Ordinary,
            severity: Severity::General,
            severity_reason: None,
            case_officers: vec![],
            entity_credit_code: None,
            internal_notes: None,
        }
    }

    fn directory() -> DirectoryParty {
        DirectoryParty {
            name: "银川星光网吧（有限公司）".into(),
            legal_representative: Some("王五".into()),
        }
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &str, bool)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str(), e.confirmable))
            .collect()
    }

    #[test]
    fn a_name_the_directory_does_not_hold_is_a_caution_and_bracket_forms_are_one_name() {
        let d = directory();
        for same in [
            "银川星光网吧（有限公司）",
            "银川星光网吧(有限公司)",
            " 银川星光网吧 (有限公司) ",
        ] {
            assert!(
                cautions(&fields(same, None), Some(&d), None).is_empty(),
                "{same}"
            );
        }
        let c = cautions(&fields("银川星光网咖有限公司", None), Some(&d), None);
        assert_eq!(codes(&c), [("party_name", PARTY_NAME_DIFFERS, true)]);
        assert!(c[0].message.contains("银川星光网吧（有限公司）"));
        assert!(
            cautions(&fields("银川星光网咖有限公司", None), None, None).is_empty(),
            "not in the directory: nothing to compare"
        );
        // An edit that keeps the name and code is not asked again.
        let before = fields("银川星光网咖有限公司", None);
        let mut after = before.clone();
        after.facts = "经复核".into();
        assert!(cautions(&after, Some(&d), Some(&before)).is_empty());
        after.party_name = "星光".into();
        assert_eq!(cautions(&after, Some(&d), Some(&before)).len(), 1);
    }

    #[test]
    fn an_amount_above_a_million_yuan_is_a_caution_at_its_edge() {
        assert!(cautions(&fields("x", Some(LARGE_AMOUNT_FEN)), None, None).is_empty());
        let c = cautions(&fields("x", Some(LARGE_AMOUNT_FEN + 1)), None, None);
        assert_eq!(codes(&c), [("fine_fen", LARGE_AMOUNT, true)]);
        assert!(c[0].message.contains("1,000,000 元"), "{}", c[0].message);
        // The import: 3000 万元 for a 3,000 元 fine.
        let c = cautions(&fields("x", Some(3_000_000_000)), None, None);
        assert!(c[0].message.contains("30,000,000 元"));
        // Unchanged by an edit: not asked again; changed: asked.
        let before = fields("x", Some(200_000_000));
        assert!(cautions(&before.clone(), None, Some(&before)).is_empty());
        assert_eq!(
            cautions(&fields("x", Some(300_000_000)), None, Some(&before)).len(),
            1
        );
    }

    #[test]
    fn confirming_covers_only_the_named_rules_and_unknown_codes_are_refused() {
        let c = cautions(
            &fields("别的名字", Some(LARGE_AMOUNT_FEN + 1)),
            Some(&directory()),
            None,
        );
        assert_eq!(c.len(), 2);
        let one = parse_confirm(Some(&["large_amount".to_string()])).unwrap();
        assert_eq!(
            codes(&unconfirmed(c.clone(), &one).unwrap_err()),
            [("party_name", PARTY_NAME_DIFFERS, true)]
        );
        let both =
            parse_confirm(Some(&[" party_name_differs".into(), "large_amount".into()])).unwrap();
        assert_eq!(
            unconfirmed(c, &both).unwrap(),
            ["party_name_differs", "large_amount"]
        );
        assert_eq!(unconfirmed(vec![], &both).unwrap(), Vec::<String>::new());
        let bad = parse_confirm(Some(&["amount_mismatch".into()])).unwrap_err();
        assert_eq!(
            (bad.field.as_str(), bad.code.as_str()),
            ("confirm", "unknown")
        );
        assert_eq!(parse_confirm(None).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn the_directory_fills_what_the_clerk_left_out_and_nothing_else() {
        let d = directory();
        let mut raw = RawPenalty {
            party_kind: Some("legal_person".into()),
            party_name: Some(" ".into()),
            ..RawPenalty::default()
        };
        assert_eq!(
            fill_from_directory(&mut raw, &d),
            ["party_name", "legal_representative"]
        );
        assert_eq!(raw.party_name.as_deref(), Some("银川星光网吧（有限公司）"));
        assert_eq!(raw.legal_representative.as_deref(), Some("王五"));
        let mut given = RawPenalty {
            party_kind: Some("个体工商户".into()),
            party_name: Some("星光网吧".into()),
            legal_representative: Some("赵六".into()),
            ..RawPenalty::default()
        };
        assert!(fill_from_directory(&mut given, &d).is_empty());
        assert_eq!(given.legal_representative.as_deref(), Some("赵六"));
        let mut person = RawPenalty {
            party_kind: Some("natural_person".into()),
            ..RawPenalty::default()
        };
        assert_eq!(fill_from_directory(&mut person, &d), ["party_name"]);
        assert_eq!(person.legal_representative, None);
    }
}

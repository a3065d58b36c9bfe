//! A penalty decision's fields (the 双公示 layout, reference §1.3), parsed whole: every bad field
//! is reported at once, with a code of its own for each rule a reviewer would cite.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::kinds::{IdType, PartyKind, PenaltyType, Procedure, Severity};
use super::money::yuan;
use super::number::DecisionNumber;
use super::publicity::default_severity;
use super::redact::surname_len;
use super::stated_amounts::{stated_amounts, Purpose};
use crate::domain::category::CategoryCode;
use crate::domain::credit_code::CreditCode;
use crate::domain::field::{optional_text, required_text, Errors, FieldError};
use crate::domain::id_number::IdNumber;
use crate::domain::inspector::{CertificateNo, InspectorStatus};
use crate::domain::private_data::{self, PartySecrets};

/// The party's other registration codes (行政相对人代码_2…_6), all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherCodes {
    /// 工商注册号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_number: Option<String>,
    /// 组织机构代码
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_code: Option<String>,
    /// 税务登记号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_number: Option<String>,
    /// 事业单位证书号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_number: Option<String>,
    /// 社会组织登记证号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_organisation_number: Option<String>,
}

/// An amount as it arrives, before parsing (`http::requests` and the CSV import make it): a whole
/// number, text to read as one, or something that is no amount (a fraction, a boolean, a list),
/// reported as a field error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenAmount {
    Absent,
    Whole(i64),
    Text(String),
    NotWhole,
}

impl From<i64> for GivenAmount {
    fn from(n: i64) -> GivenAmount {
        GivenAmount::Whole(n)
    }
}

/// Every field as it arrives (a JSON body, `http::requests::PenaltyBody`, or a CSV row), before
/// parsing.
#[derive(Debug, Clone, Default)]
pub struct RawPenalty {
    pub authority_id: Option<i64>,
    pub decision_number: Option<String>,
    pub allocate_decision_number: Option<bool>,
    pub party_kind: Option<String>,
    pub party_name: Option<String>,
    pub party_credit_code: Option<String>,
    pub party_other_codes: Option<OtherCodes>,
    pub legal_representative: Option<String>,
    pub party_id_type: Option<String>,
    pub party_id_number: Option<String>,
    pub party_address: Option<String>,
    pub violation_type: Option<String>,
    pub facts: Option<String>,
    pub legal_basis: Option<String>,
    pub penalty_types: Option<Vec<String>>,
    pub content: Option<String>,
    pub fine_fen: Option<GivenAmount>,
    pub confiscation_fen: Option<GivenAmount>,
    pub licence_affected: Option<String>,
    pub decision_date: Option<String>,
    pub procedure: Option<String>,
    pub severity: Option<String>,
    pub severity_reason: Option<String>,
    pub case_officers: Option<Vec<String>>,
    pub entity_credit_code: Option<String>,
    pub internal_notes: Option<String>,
    /// The soft rules (`cautions`) this request knowingly overrides; not stored.
    pub confirm: Option<Vec<String>>,
}

impl RawPenalty {
    /// Valid fields as input again: what `PenaltyFields::parse` turns back into the same fields
    /// (a draft's edit starts from it). Every field is named, so a field added to the decision
    /// and not here does not compile.
    pub fn of_fields(f: &PenaltyFields) -> RawPenalty {
        let PenaltyFields {
            decision_number,
            party_kind,
            party_name,
            party_credit_code,
            party_other_codes,
            legal_representative,
            party_id_type,
            party_id_number,
            party_address,
            violation_type,
            facts,
            legal_basis,
            penalty_types,
            content,
            fine_fen,
            confiscation_fen,
            licence_affected,
            decision_date,
            procedure,
            severity,
            severity_reason,
            case_officers,
            entity_credit_code,
            internal_notes,
        } = f;
        RawPenalty {
            authority_id: None,
            decision_number: decision_number.as_ref().map(ToString::to_string),
            allocate_decision_number: None,
            party_kind: Some(party_kind.code().into()),
            party_name: Some(party_name.clone()),
            party_credit_code: party_credit_code.as_ref().map(ToString::to_string),
            party_other_codes: Some(party_other_codes.clone()),
            legal_representative: legal_representative.clone(),
            party_id_type: party_id_type.map(|t| t.code().to_string()),
            party_id_number: party_id_number.clone(),
            party_address: party_address.clone(),
            violation_type: Some(violation_type.clone()),
            facts: Some(facts.clone()),
            legal_basis: Some(legal_basis.clone()),
            penalty_types: Some(penalty_types.iter().map(|t| t.code().to_string()).collect()),
            content: Some(content.clone()),
            fine_fen: fine_fen.map(GivenAmount::Whole),
            confiscation_fen: confiscation_fen.map(GivenAmount::Whole),
            licence_affected: licence_affected.clone(),
            decision_date: Some(decision_date.to_string()),
            procedure: Some(procedure.code().into()),
            severity: Some(severity.code().into()),
            severity_reason: severity_reason.clone(),
            case_officers: Some(
                case_officers
                    .iter()
                    .map(|c| c.as_str().to_string())
                    .collect(),
            ),
            entity_credit_code: entity_credit_code.as_ref().map(ToString::to_string),
            internal_notes: internal_notes.clone(),
            confirm: None,
        }
    }

    /// This input with every field `patch` gives laid over it (a field the patch leaves out keeps
    /// its value here). `allocate_decision_number: true` drops the number, for a fresh one. Every
    /// field is named, so a field added to the input and not here does not compile.
    pub fn overlay(self, patch: RawPenalty) -> RawPenalty {
        let RawPenalty {
            authority_id,
            decision_number,
            allocate_decision_number,
            party_kind,
            party_name,
            party_credit_code,
            party_other_codes,
            legal_representative,
            party_id_type,
            party_id_number,
            party_address,
            violation_type,
            facts,
            legal_basis,
            penalty_types,
            content,
            fine_fen,
            confiscation_fen,
            licence_affected,
            decision_date,
            procedure,
            severity,
            severity_reason,
            case_officers,
            entity_credit_code,
            internal_notes,
            confirm,
        } = patch;
        let allocate = allocate_decision_number == Some(true);
        RawPenalty {
            authority_id: authority_id.or(self.authority_id),
            decision_number: if allocate {
                None
            } else {
                decision_number.or(self.decision_number)
            },
            allocate_decision_number: allocate.then_some(true),
            party_kind: party_kind.or(self.party_kind),
            party_name: party_name.or(self.party_name),
            party_credit_code: party_credit_code.or(self.party_credit_code),
            party_other_codes: party_other_codes.or(self.party_other_codes),
            legal_representative: legal_representative.or(self.legal_representative),
            party_id_type: party_id_type.or(self.party_id_type),
            party_id_number: party_id_number.or(self.party_id_number),
            party_address: party_address.or(self.party_address),
            violation_type: violation_type.or(self.violation_type),
            facts: facts.or(self.facts),
            legal_basis: legal_basis.or(self.legal_basis),
            penalty_types: penalty_types.or(self.penalty_types),
            content: content.or(self.content),
            fine_fen: fine_fen.or(self.fine_fen),
            confiscation_fen: confiscation_fen.or(self.confiscation_fen),
            licence_affected: licence_affected.or(self.licence_affected),
            decision_date: decision_date.or(self.decision_date),
            procedure: procedure.or(self.procedure),
            severity: severity.or(self.severity),
            severity_reason: severity_reason.or(self.severity_reason),
            case_officers: case_officers.or(self.case_officers),
            entity_credit_code: entity_credit_code.or(self.entity_credit_code),
            internal_notes: internal_notes.or(self.internal_notes),
            // Confirmations belong to one request: the patch's alone.
            confirm,
        }
    }
}

/// What the roster says about a named case officer, fetched by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerFacts {
    pub certificate_no: CertificateNo,
    pub status: InspectorStatus,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Credit codes of the entities the officer declared a conflict with (回避), in force.
    pub conflict_entities: Vec<String>,
    /// Categories the officer declared a conflict with, in force.
    pub conflict_categories: Vec<CategoryCode>,
}

/// What parsing needs from outside: today (Asia/Shanghai), the roster facts of the officers the
/// raw record names, and the directory category of the party when it is in the directory.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub officers: &'a [OfficerFacts],
    pub party_category: Option<CategoryCode>,
    /// A legacy decision imported from the 双公示 layout, which carries neither the case
    /// officers nor the procedure: the officer rules (Art. 42, 43) are not checked.
    pub legacy: bool,
}

/// A valid decision's fields. `decision_number` is `None` when the caller asked for one to be
/// allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyFields {
    pub decision_number: Option<DecisionNumber>,
    pub party_kind: PartyKind,
    pub party_name: String,
    pub party_credit_code: Option<CreditCode>,
    pub party_other_codes: OtherCodes,
    pub legal_representative: Option<String>,
    pub party_id_type: Option<IdType>,
    /// Private. A 身份证 number in its normalised 18-character form.
    pub party_id_number: Option<String>,
    /// Private.
    pub party_address: Option<String>,
    pub violation_type: String,
    pub facts: String,
    pub legal_basis: String,
    pub penalty_types: BTreeSet<PenaltyType>,
    pub content: String,
    pub fine_fen: Option<i64>,
    pub confiscation_fen: Option<i64>,
    pub licence_affected: Option<String>,
    pub decision_date: NaiveDate,
    pub procedure: Procedure,
    pub severity: Severity,
    pub severity_reason: Option<String>,
    pub case_officers: Vec<CertificateNo>,
    pub entity_credit_code: Option<CreditCode>,
    /// Private.
    pub internal_notes: Option<String>,
}

/// The largest amount accepted, in 分 (10^13 元: beyond any fine, far inside i64).
pub const MAX_FEN: i64 = 1_000_000_000_000_000;

/// 简易程序 (行政处罚法 Art. 51): a warning, or a fine up to 200 元 for a citizen or 3,000 元 for an
/// organisation.
const SIMPLE_FINE_MAX_PERSON_FEN: i64 = 20_000;
const SIMPLE_FINE_MAX_ORGANISATION_FEN: i64 = 300_000;

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn amount(e: &mut Errors, field: &str, v: &Option<GivenAmount>) -> Option<i64> {
    let n = match v {
        None | Some(GivenAmount::Absent) => return None,
        Some(GivenAmount::Text(s)) if s.trim().is_empty() => return None,
        Some(GivenAmount::Whole(n)) => Some(*n),
        Some(GivenAmount::Text(s)) => s.trim().parse::<i64>().ok(),
        Some(GivenAmount::NotWhole) => None,
    };
    match n {
        Some(n) if (1..=MAX_FEN).contains(&n) => Some(n),
        Some(_) => {
            e.say(
                field,
                "range",
                format!("{field} must be a whole number of 分 from 1 to {MAX_FEN}"),
                format!(
                    "{}应为 1 至 {MAX_FEN} 之间的整数（单位：分）",
                    crate::domain::i18n::field_label(field)
                ),
            );
            None
        }
        None => {
            e.say(
                field,
                "format",
                format!(
                    "{field} must be a whole number of 分 (1 元 = 100), e.g. 500000 for 5,000 元"
                ),
                format!(
                    "{}应为以分为单位的整数（1 元 = 100 分），例如 5,000 元填 500000",
                    crate::domain::i18n::field_label(field)
                ),
            );
            None
        }
    }
}

fn enum_value<T>(
    e: &mut Errors,
    field: &str,
    v: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
) -> Option<T> {
    let v = v?;
    let parsed = parse(v);
    if parsed.is_none() {
        e.say(
            field,
            "unknown",
            format!(
                "{v:?} is not a known {field}; expected one of {}",
                expected()
            ),
            format!(
                "“{v}”不是可识别的{}；可选：{}",
                crate::domain::i18n::field_label(field),
                expected()
            ),
        );
    }
    parsed
}

pub use crate::domain::field::parse_date;

/// The code of a 处罚内容 that states an amount other than the structured one.
pub const AMOUNT_MISMATCH: &str = "amount_mismatch";

/// Every amount the 处罚内容 states for a fine or a confiscation (`stated_amounts`) must equal
/// the structured amount. `given` is (field, parsed amount, whether the field was given at all):
/// a field given but unreadable already has its own error and is not compared.
fn check_stated_amounts(e: &mut Errors, content: &str, given: [(&str, Option<i64>, bool); 2]) {
    for stated in stated_amounts(content) {
        let (field, amount, was_given) = match stated.purpose {
            Purpose::Fine => given[0],
            Purpose::Confiscation => given[1],
        };
        let (what, what_zh) = match stated.purpose {
            Purpose::Fine => ("fine", "罚款"),
            Purpose::Confiscation => ("confiscation", "没收金额"),
        };
        match amount {
            Some(fen) if fen == stated.fen => {}
            Some(fen) => e.say(
                field,
                AMOUNT_MISMATCH,
                format!(
                    "content states a {what} of {} 元 ({}), but {field} is {fen} 分 = {} 元",
                    yuan(stated.fen),
                    stated.words,
                    yuan(fen)
                ), format!("处罚内容写明{}为 {} 元（“{}”），但{}填写的是 {fen} 分，即 {} 元；请核对金额单位（1 元 = 100 分）", what_zh, yuan(stated.fen), stated.words, crate::domain::i18n::field_label(field), yuan(fen))),
            None if !was_given && !e.has_field(field) => e.say(
                field,
                AMOUNT_MISMATCH,
                format!(
                    "content states a {what} of {} 元 ({}), but {field} is not given",
                    yuan(stated.fen),
                    stated.words
                ), format!("处罚内容写明{}为 {} 元（“{}”），但未填写{}；请补填金额或核对处罚类别", what_zh, yuan(stated.fen), stated.words, crate::domain::i18n::field_label(field))),
            None => {}
        }
    }
}

impl PenaltyFields {
    pub fn parse(raw: &RawPenalty, ctx: &Context<'_>) -> Result<PenaltyFields, Vec<FieldError>> {
        let mut e = Errors::default();
        let allocate = raw.allocate_decision_number == Some(true);
        let decision_number = match (present(&raw.decision_number), allocate) {
            (Some(_), true) => {
                e.say(
                    "decision_number",
                    "one_of",
                    "give a decision_number or ask for allocate_decision_number, not both",
                    "文号请填写或选择自动分配，二者只能选一",
                );
                None
            }
            (None, true) => Some(None),
            (None, false) => {
                e.say(
                    "decision_number",
                    "required",
                    "decision_number is required (or set allocate_decision_number: true)",
                    "请填写行政处罚决定书文号，或选择自动分配文号",
                );
                None
            }
            (Some(n), false) => match DecisionNumber::parse(n) {
                Ok(n) => Some(Some(n)),
                Err((code, message)) => {
                    e.push("decision_number", code, message);
                    None
                }
            },
        };
        let party_kind = match present(&raw.party_kind) {
            None => {
                e.say(
                    "party_kind",
                    "required",
                    "party_kind is required",
                    "请选择行政相对人类别",
                );
                None
            }
            v => enum_value(
                &mut e,
                "party_kind",
                v,
                PartyKind::parse,
                PartyKind::expected,
            ),
        };
        let party_name = required_text(&mut e, "party_name", raw.party_name.as_deref(), 200);
        let natural = party_kind == Some(PartyKind::NaturalPerson);
        let organisation = matches!(
            party_kind,
            Some(PartyKind::LegalPerson | PartyKind::IndividualBusiness)
        );
        let party_credit_code = match present(&raw.party_credit_code) {
            None if organisation => {
                e.say(
                    "party_credit_code",
                    "required",
                    "party_credit_code (统一社会信用代码) is required for an organisation or an individual business", "法人及非法人组织、个体工商户须填写统一社会信用代码");
                None
            }
            None => None,
            Some(_) if natural => {
                e.say(
                    "party_credit_code",
                    "not_applicable",
                    "a natural person has no 统一社会信用代码",
                    "自然人没有统一社会信用代码，请删去",
                );
                None
            }
            Some(v) => e.take_said(
                "party_credit_code",
                CreditCode::parse(v),
                |err| err.reason(),
                |err| err.zh(),
            ),
        };
        let other_codes = raw.party_other_codes.clone().unwrap_or_default();
        for (field, v) in [
            (
                "party_other_codes.registration_number",
                &other_codes.registration_number,
            ),
            (
                "party_other_codes.organisation_code",
                &other_codes.organisation_code,
            ),
            ("party_other_codes.tax_number", &other_codes.tax_number),
            (
                "party_other_codes.institution_number",
                &other_codes.institution_number,
            ),
            (
                "party_other_codes.social_organisation_number",
                &other_codes.social_organisation_number,
            ),
        ] {
            optional_text(&mut e, field, v.as_deref(), 50);
        }
        let legal_representative = match optional_text(
            &mut e,
            "legal_representative",
            raw.legal_representative.as_deref(),
            50,
        ) {
            Some(None) if party_kind == Some(PartyKind::LegalPerson) => {
                e.say(
                    "legal_representative",
                    "required",
                    "legal_representative (法定代表人) is required for an organisation",
                    "法人及非法人组织须填写法定代表人",
                );
                None
            }
            Some(Some(_)) if natural => {
                e.say(
                    "legal_representative",
                    "not_applicable",
                    "a natural person has no legal representative",
                    "自然人没有法定代表人，请删去",
                );
                None
            }
            other => other.flatten(),
        };
        let party_id_type = match present(&raw.party_id_type) {
            None if natural => {
                e.say(
                    "party_id_type",
                    "required",
                    "party_id_type (证件类型) is required for a natural person",
                    "自然人须填写证件类型",
                );
                None
            }
            None => None,
            Some(_) if !natural => {
                e.say(
                    "party_id_type",
                    "not_applicable",
                    "party_id_type is for natural persons",
                    "证件类型只适用于自然人，请删去",
                );
                None
            }
            v => enum_value(&mut e, "party_id_type", v, IdType::parse, IdType::expected),
        };
        let party_id_number = match present(&raw.party_id_number) {
            None if natural => {
                e.say(
                    "party_id_number",
                    "required",
                    "party_id_number (证件号码) is required for a natural person",
                    "自然人须填写证件号码",
                );
                None
            }
            None => None,
            Some(_) if !natural => {
                e.say(
                    "party_id_number",
                    "not_applicable",
                    "party_id_number is for natural persons",
                    "证件号码只适用于自然人，请删去",
                );
                None
            }
            Some(v) => match party_id_type {
                Some(IdType::ResidentIdCard) => e
                    .take_said(
                        "party_id_number",
                        IdNumber::parse(v, ctx.today),
                        |err| err.reason(),
                        |err| err.zh(),
                    )
                    .map(|id| id.as_str().to_string()),
                _ => optional_text(&mut e, "party_id_number", Some(v), 50).flatten(),
            },
        };
        let party_address =
            optional_text(&mut e, "party_address", raw.party_address.as_deref(), 300).flatten();
        let violation_type =
            required_text(&mut e, "violation_type", raw.violation_type.as_deref(), 200);
        let facts = required_text(&mut e, "facts", raw.facts.as_deref(), 4000);
        let legal_basis = required_text(&mut e, "legal_basis", raw.legal_basis.as_deref(), 2000);
        let content = required_text(&mut e, "content", raw.content.as_deref(), 4000);
        let mut penalty_types = BTreeSet::new();
        for t in raw.penalty_types.iter().flatten() {
            if let Some(t) = enum_value(
                &mut e,
                "penalty_types",
                Some(t.trim()),
                PenaltyType::parse,
                PenaltyType::expected,
            ) {
                penalty_types.insert(t);
            }
        }
        if raw
            .penalty_types
            .iter()
            .flatten()
            .all(|t| t.trim().is_empty())
        {
            e.say(
                "penalty_types",
                "required",
                "penalty_types needs at least one type (行政处罚法 Art. 9)",
                "请至少选择一种处罚类别（《行政处罚法》第九条）",
            );
        }
        let fine_fen = amount(&mut e, "fine_fen", &raw.fine_fen);
        let fined = penalty_types.contains(&PenaltyType::Fine);
        if fined && fine_fen.is_none() && !has(&raw.fine_fen) {
            e.say(
                "fine_fen",
                "required",
                "fine_fen is required for 罚款",
                "处罚类别含罚款，须填写罚款金额",
            );
        } else if !fined && has(&raw.fine_fen) {
            e.say(
                "fine_fen",
                "not_applicable",
                "fine_fen is only for 罚款",
                "处罚类别不含罚款，请删去罚款金额",
            );
        }
        let confiscation_fen = amount(&mut e, "confiscation_fen", &raw.confiscation_fen);
        let confiscated = penalty_types.iter().any(|t| t.is_confiscation());
        if confiscated && confiscation_fen.is_none() && !has(&raw.confiscation_fen) {
            e.say(
                "confiscation_fen",
                "required",
                "confiscation_fen is required for 没收违法所得 / 没收非法财物",
                "处罚类别含没收违法所得或没收非法财物，须填写没收金额",
            );
        } else if !confiscated && has(&raw.confiscation_fen) {
            e.say(
                "confiscation_fen",
                "not_applicable",
                "confiscation_fen is only for 没收违法所得 / 没收非法财物",
                "处罚类别不含没收，请删去没收金额",
            );
        }
        if let Some(content) = &content {
            check_stated_amounts(
                &mut e,
                content,
                [
                    ("fine_fen", fine_fen, has(&raw.fine_fen)),
                    (
                        "confiscation_fen",
                        confiscation_fen,
                        has(&raw.confiscation_fen),
                    ),
                ],
            );
        }
        let licence_affected = match optional_text(
            &mut e,
            "licence_affected",
            raw.licence_affected.as_deref(),
            200,
        ) {
            Some(None) if penalty_types.iter().any(|t| t.affects_licence()) => {
                e.say(
                    "licence_affected",
                    "required",
                    "licence_affected (证照名称及编号) is required for 暂扣 / 吊销",
                    "暂扣或吊销许可证件的，须填写证照名称及编号",
                );
                None
            }
            other => other.flatten(),
        };
        let decision_date = match present(&raw.decision_date) {
            None => {
                e.say(
                    "decision_date",
                    "required",
                    "decision_date is required",
                    "请填写处罚决定日期",
                );
                None
            }
            Some(v) => match parse_date(v) {
                None => {
                    e.say(
                        "decision_date",
                        "format",
                        format!("{v:?} is not a date such as 2026-03-01"),
                        format!("“{v}”不是有效日期，请按 2026-03-01 的格式填写"),
                    );
                    None
                }
                Some(d) if d > ctx.today => {
                    e.say(
                        "decision_date",
                        "future",
                        format!("the decision date {d} is after today ({})", ctx.today),
                        format!("处罚决定日期 {d} 晚于今天（{}）", ctx.today),
                    );
                    None
                }
                Some(d) if d < NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date") => {
                    e.say(
                        "decision_date",
                        "range",
                        "decision dates before 2000-01-01 are not accepted",
                        "不接受 2000-01-01 之前的处罚决定日期",
                    );
                    None
                }
                Some(d) => Some(d),
            },
        };
        let procedure = match present(&raw.procedure) {
            None => {
                e.say(
                    "procedure",
                    "required",
                    "procedure (simple or ordinary) is required",
                    "请选择程序类型（简易程序或普通程序）",
                );
                None
            }
            v => enum_value(
                &mut e,
                "procedure",
                v,
                Procedure::parse,
                Procedure::expected,
            ),
        };
        if procedure == Some(Procedure::Simple) {
            let limit = if natural {
                SIMPLE_FINE_MAX_PERSON_FEN
            } else {
                SIMPLE_FINE_MAX_ORGANISATION_FEN
            };
            let types_ok = penalty_types
                .iter()
                .all(|t| matches!(t, PenaltyType::Warning | PenaltyType::Fine));
            if !types_ok || fine_fen.is_some_and(|f| f > limit) {
                e.say(
                    "procedure",
                    "simple_procedure",
                    format!(
                        "the simple procedure (行政处罚法 Art. 51) allows only a warning or a fine of at most {} 元 for this party",
                        limit / 100
                    ), format!("简易程序只适用于警告或对该当事人 {} 元以下的罚款（《行政处罚法》第五十一条）", limit / 100));
            }
        }
        let severity_reason = optional_text(
            &mut e,
            "severity_reason",
            raw.severity_reason.as_deref(),
            500,
        )
        .flatten();
        let default = procedure.map(|p| default_severity(&penalty_types, p));
        let severity = match present(&raw.severity) {
            None => default,
            v => {
                let given = enum_value(&mut e, "severity", v, Severity::parse, Severity::expected);
                if given.is_some() && given != default && severity_reason.is_none() {
                    e.say(
                        "severity_reason",
                        "required",
                        format!(
                            "severity {} differs from the default {} for these types: give severity_reason",
                            given.map_or("", |s| s.code()),
                            default.map_or("", |s| s.code())
                        ), format!("失信程度“{}”与这些处罚类别的默认程度“{}”不同，请填写失信程度说明", given.map_or("", |s| s.label()), default.map_or("", |s| s.label())));
                }
                given
            }
        };
        let case_officers = if ctx.legacy {
            Vec::new()
        } else {
            officers(&mut e, raw, ctx, decision_date, party_credit_code.as_ref())
        };
        let entity_credit_code = match present(&raw.entity_credit_code) {
            None => None,
            Some(v) => e.take_said(
                "entity_credit_code",
                CreditCode::parse(v),
                |err| err.reason(),
                |err| err.zh(),
            ),
        };
        let internal_notes = optional_text(
            &mut e,
            "internal_notes",
            raw.internal_notes.as_deref(),
            4000,
        )
        .flatten();
        match (
            decision_number,
            party_kind,
            party_name,
            violation_type,
            facts,
            legal_basis,
            content,
            decision_date,
            procedure,
            severity,
        ) {
            (
                Some(decision_number),
                Some(party_kind),
                Some(party_name),
                Some(violation_type),
                Some(facts),
                Some(legal_basis),
                Some(content),
                Some(decision_date),
                Some(procedure),
                Some(severity),
            ) if e.is_empty() => Ok(PenaltyFields {
                decision_number,
                party_kind,
                party_name,
                party_credit_code,
                party_other_codes: other_codes,
                legal_representative,
                party_id_type,
                party_id_number,
                party_address,
                violation_type,
                facts,
                legal_basis,
                penalty_types,
                content,
                fine_fen,
                confiscation_fen,
                licence_affected,
                decision_date,
                procedure,
                severity,
                severity_reason,
                case_officers,
                entity_credit_code,
                internal_notes,
            }),
            _ => Err(e.into_vec()),
        }
    }
}

impl PenaltyFields {
    /// What the public must not read about this party (`domain::private_data`): for a natural
    /// person their ID number and address, and when the authority masks names (`mask_names`) their
    /// full and given name.
    pub fn party_secrets(&self, mask_names: bool) -> PartySecrets {
        let mut secrets = PartySecrets::default();
        if self.party_kind != PartyKind::NaturalPerson {
            return secrets;
        }
        if let Some(id) = &self.party_id_number {
            secrets = secrets.id_number(id);
        }
        if let Some(a) = &self.party_address {
            secrets = secrets.address(a);
        }
        if mask_names {
            secrets = secrets.masked_name(&self.party_name, surname_len(&self.party_name));
        }
        secrets
    }

    /// Every field of this decision the public reads as written (违法行为类型, 违法事实, 处罚依据,
    /// 处罚内容, 证照, and an organisation's or individual business's name and legal
    /// representative) that holds private data: any ID, phone or bank card number, and this
    /// party's secrets ([`PenaltyFields::party_secrets`]). Such text is refused rather than
    /// published (422, one error per field, code `private_in_public_text`).
    pub fn private_in_public_text(&self, mask_names: bool) -> Vec<FieldError> {
        let secrets = self.party_secrets(mask_names);
        let organisation = self.party_kind != PartyKind::NaturalPerson;
        // A natural person's name is published as written unless the authority masks it.
        let name_shown = organisation || !mask_names;
        let mut out: Vec<FieldError> = [
            (
                "decision_number",
                self.decision_number.as_ref().map(|d| d.as_str()),
            ),
            (
                "party_name",
                Some(self.party_name.as_str()).filter(|_| name_shown),
            ),
            (
                "legal_representative",
                self.legal_representative
                    .as_deref()
                    .filter(|_| organisation),
            ),
            ("violation_type", Some(self.violation_type.as_str())),
            ("facts", Some(self.facts.as_str())),
            ("legal_basis", Some(self.legal_basis.as_str())),
            ("content", Some(self.content.as_str())),
        ]
        .into_iter()
        .filter_map(|(field, text)| private_data::refusal(field, text?, &secrets))
        .collect();
        out.extend(
            self.licence_affected
                .as_deref()
                .and_then(|t| private_data::refusal_in_licence("licence_affected", t, &secrets)),
        );
        out
    }
}

fn has(v: &Option<GivenAmount>) -> bool {
    match v {
        None | Some(GivenAmount::Absent) => false,
        Some(GivenAmount::Text(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

impl OfficerFacts {
    /// Why this officer may not act on a decision of `decided` about `party` (of
    /// `party_category`): not 在岗, a certificate not valid that day, a declared conflict of
    /// interest (回避, 行政处罚法 Art. 43) with the party or its category. Each as (code, English,
    /// Chinese); none when the officer is eligible. The console's officer picker offers exactly
    /// the officers with none.
    pub fn refusals(
        &self,
        decided: Option<NaiveDate>,
        party: Option<&CreditCode>,
        party_category: Option<&CategoryCode>,
    ) -> Vec<(&'static str, String, String)> {
        let facts = self;
        let no = &self.certificate_no;
        let mut out = Vec::new();
        if facts.status != InspectorStatus::Active {
            out.push((
                "inactive",
                format!(
                    "inspector {} is {} (在岗 required)",
                    no.as_str(),
                    facts.status.label()
                ),
                format!(
                    "执法证号 {} 的人员状态为“{}”，须为在岗",
                    no.as_str(),
                    facts.status.label()
                ),
            ));
        }
        if let Some(d) = decided {
            if d > facts.valid_to {
                out.push((
                    "certificate_expired",
                    format!(
                        "the certificate of inspector {} expired on {}, before the decision date {d}",
                        no.as_str(),
                        facts.valid_to
                    ), format!("执法证号 {} 已于 {} 过期，早于处罚决定日期 {d}", no.as_str(), facts.valid_to)));
            } else if d < facts.valid_from {
                out.push((
                    "certificate_not_yet_valid",
                    format!(
                        "the certificate of inspector {} is valid only from {}, after the decision date {d}",
                        no.as_str(),
                        facts.valid_from
                    ), format!("执法证号 {} 自 {} 起才有效，晚于处罚决定日期 {d}", no.as_str(), facts.valid_from)));
            }
        }
        let with_party =
            party.is_some_and(|p| facts.conflict_entities.iter().any(|c| c == p.as_str()));
        let with_category = party_category.is_some_and(|c| facts.conflict_categories.contains(c));
        if with_party || with_category {
            out.push((
                "conflict_of_interest",
                format!(
                    "inspector {} has declared a conflict of interest (回避) with {} (行政处罚法 Art. 43)",
                    no.as_str(),
                    if with_party { "this party" } else { "this party's category" }
                ), format!("执法证号 {} 的人员已申报与{}回避（《行政处罚法》第四十三条）", no.as_str(), if with_party { "该当事人" } else { "该当事人所属行业" })));
        }
        out
    }
}

/// At least two distinct officers (行政处罚法 Art. 42), each on the roster, active, with a
/// certificate valid on the decision date, and without a declared conflict (Art. 43) with the
/// party or the party's category.
fn officers(
    e: &mut Errors,
    raw: &RawPenalty,
    ctx: &Context<'_>,
    decided: Option<NaiveDate>,
    party: Option<&CreditCode>,
) -> Vec<CertificateNo> {
    let mut out: Vec<CertificateNo> = Vec::new();
    for given in raw.case_officers.iter().flatten() {
        if given.trim().is_empty() {
            continue;
        }
        let no = match CertificateNo::parse(given) {
            Ok(no) => no,
            Err(m) => {
                e.push("case_officers", "format", m);
                continue;
            }
        };
        if out.contains(&no) {
            continue;
        }
        let Some(facts) = ctx.officers.iter().find(|f| f.certificate_no == no) else {
            e.say(
                "case_officers",
                "unknown",
                format!(
                    "no inspector with certificate {} is on the roster",
                    no.as_str()
                ),
                format!("执法人员名录库中没有执法证号为 {} 的人员", no.as_str()),
            );
            continue;
        };
        for (code, en, zh) in facts.refusals(decided, party, ctx.party_category.as_ref()) {
            e.say("case_officers", code, en, zh);
        }
        out.push(no);
    }
    if out.len() < 2 {
        e.say(
            "case_officers",
            "too_few",
            "at least two case officers are required (行政处罚法 Art. 42)",
            "执法人员不得少于两人（《行政处罚法》第四十二条）",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn officer(no: &str) -> OfficerFacts {
        OfficerFacts {
            certificate_no: CertificateNo::parse(no).unwrap(),
            status: InspectorStatus::Active,
            valid_from: d(2024, 1, 1),
            valid_to: d(2028, 12, 31),
            conflict_entities: vec![],
            conflict_categories: vec![],
        }
    }

    fn roster() -> Vec<OfficerFacts> {
        vec![officer("64010020260001"), officer("64010020260002")]
    }

    /// The input a JSON body with these fields gives (as `http::requests::PenaltyBody` converts it).
    fn raw(v: serde_json::Value) -> RawPenalty {
        use serde_json::Value;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let list = |k: &str| {
            v.get(k).and_then(Value::as_array).map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
        };
        let amount = |k: &str| {
            v.get(k).map(|x| match x {
                Value::Null => GivenAmount::Absent,
                Value::Number(n) => n.as_i64().map_or(GivenAmount::NotWhole, GivenAmount::Whole),
                Value::String(t) => GivenAmount::Text(t.clone()),
                _ => GivenAmount::NotWhole,
            })
        };
        RawPenalty {
            authority_id: v.get("authority_id").and_then(Value::as_i64),
            decision_number: s("decision_number"),
            allocate_decision_number: v.get("allocate_decision_number").and_then(Value::as_bool),
            party_kind: s("party_kind"),
            party_name: s("party_name"),
            party_credit_code: s("party_credit_code"),
            party_other_codes: v
                .get("party_other_codes")
                .map(|x| serde_json::from_value(x.clone()).unwrap()),
            legal_representative: s("legal_representative"),
            party_id_type: s("party_id_type"),
            party_id_number: s("party_id_number"),
            party_address: s("party_address"),
            violation_type: s("violation_type"),
            facts: s("facts"),
            legal_basis: s("legal_basis"),
            penalty_types: list("penalty_types"),
            content: s("content"),
            fine_fen: amount("fine_fen"),
            confiscation_fen: amount("confiscation_fen"),
            licence_affected: s("licence_affected"),
            decision_date: s("decision_date"),
            procedure: s("procedure"),
            severity: s("severity"),
            severity_reason: s("severity_reason"),
            case_officers: list("case_officers"),
            entity_credit_code: s("entity_credit_code"),
            internal_notes: s("internal_notes"),
            confirm: list("confirm"),
        }
    }

    fn organisation() -> serde_json::Value {
        json!({
            "decision_number": "银文旅罚〔2026〕12号",
            "party_kind": "legal_person",
            "party_name": "银川星光网吧有限公司",
            "party_credit_code": "91640104MA1B3N1N2R",
            "legal_representative": "李四",
            "violation_type": "擅自变更名称",
            "facts": "经查…",
            "legal_basis": "《互联网上网服务营业场所管理条例》第二十七条",
            "penalty_types": ["警告", "fine"],
            "content": "警告，罚款人民币五千元",
            "fine_fen": 500000,
            "decision_date": "2026-11-20",
            "procedure": "ordinary",
            "case_officers": ["64010020260001", "64010020260002"]
        })
    }

    fn person() -> serde_json::Value {
        json!({
            "decision_number": "银文旅罚〔2026〕13号",
            "party_kind": "自然人",
            "party_name": "欧阳明华",
            "party_id_type": "身份证",
            "party_id_number": "11010519491231002x",
            "party_address": "兴庆区示例路1号",
            "violation_type": "无证经营",
            "facts": "经查…",
            "legal_basis": "《营业性演出管理条例》第四十三条",
            "penalty_types": ["没收违法所得", "罚款"],
            "content": "没收违法所得并处罚款",
            "fine_fen": "1000000",
            "confiscation_fen": 12345,
            "decision_date": "2026/11/20",
            "procedure": "普通",
            "case_officers": ["64010020260001", "64010020260002"]
        })
    }

    fn parse(v: serde_json::Value) -> Result<PenaltyFields, Vec<FieldError>> {
        parse_with(v, &roster(), None)
    }

    /// A draft's edit starts from its stored fields as input: that input parses back into the
    /// same fields, and a patch changes only what it gives.
    #[test]
    fn stored_fields_as_input_parse_back_to_themselves_and_a_patch_changes_only_its_fields() {
        let ctx = |officers| Context {
            today: d(2026, 12, 1),
            officers,
            party_category: None,
            legacy: false,
        };
        let officers = roster();
        for v in [organisation(), person()] {
            let fields = parse(v).unwrap();
            let again = PenaltyFields::parse(&RawPenalty::of_fields(&fields), &ctx(&officers));
            assert_eq!(again.as_ref(), Ok(&fields));
            let patch = RawPenalty {
                facts: Some("经复核，事实如下。".into()),
                fine_fen: Some(GivenAmount::Whole(300_000)),
                content: Some("罚款叁仟元".into()),
                ..RawPenalty::default()
            };
            let patched = PenaltyFields::parse(
                &RawPenalty::of_fields(&fields).overlay(patch),
                &ctx(&officers),
            );
            let expected = PenaltyFields {
                facts: "经复核，事实如下。".into(),
                fine_fen: Some(300_000),
                content: "罚款叁仟元".into(),
                ..fields.clone()
            };
            assert_eq!(patched, Ok(expected));
            let renumbered = RawPenalty::of_fields(&fields).overlay(RawPenalty {
                allocate_decision_number: Some(true),
                ..RawPenalty::default()
            });
            assert_eq!(renumbered.decision_number, None);
            assert_eq!(renumbered.allocate_decision_number, Some(true));
        }
    }

    fn parse_with(
        v: serde_json::Value,
        officers: &[OfficerFacts],
        party_category: Option<CategoryCode>,
    ) -> Result<PenaltyFields, Vec<FieldError>> {
        PenaltyFields::parse(
            &raw(v),
            &Context {
                today: d(2026, 12, 1),
                officers,
                party_category,
                legacy: false,
            },
        )
    }

    fn codes(v: serde_json::Value) -> Vec<(String, String)> {
        parse(v)
            .unwrap_err()
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect()
    }

    fn with(mut v: serde_json::Value, patch: serde_json::Value) -> serde_json::Value {
        for (k, x) in patch.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    }

    fn pair(field: &str, code: &str) -> (String, String) {
        (field.to_string(), code.to_string())
    }

    #[test]
    fn private_data_in_public_text_is_found() {
        let f = parse(person()).unwrap();
        assert!(f.private_in_public_text(true).is_empty());
        let mut g = f.clone();
        g.facts = "当事人欧阳明华于2026年…".into();
        g.content = "身份证号11010519491231002x".into();
        g.legal_basis = "住兴庆区示例路1号".into();
        let fields: Vec<String> = g
            .private_in_public_text(true)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["facts", "legal_basis", "content"]);
        assert_eq!(
            g.private_in_public_text(false).len(),
            2,
            "the name may show unmasked"
        );
        // Any valid ID number, whoever's; a number with a bad check digit is not one.
        let mut o = parse(organisation()).unwrap();
        o.facts = "法定代表人身份证号 11010519491231002X".into();
        assert_eq!(o.private_in_public_text(true).len(), 1);
        o.facts = "编号110105194912310021".into();
        assert!(o.private_in_public_text(true).is_empty());
    }

    #[test]
    fn an_organisations_decision_parses_with_its_defaults() {
        let f = parse(organisation()).unwrap();
        assert_eq!(f.party_kind, PartyKind::LegalPerson);
        assert_eq!(
            f.penalty_types,
            BTreeSet::from([PenaltyType::Warning, PenaltyType::Fine])
        );
        assert_eq!(f.fine_fen, Some(500_000));
        assert_eq!(f.severity, Severity::General);
        assert_eq!(f.case_officers.len(), 2);
    }

    #[test]
    fn a_natural_persons_id_number_is_checked_and_normalised() {
        let f = parse(person()).unwrap();
        assert_eq!(f.party_id_number.as_deref(), Some("11010519491231002X"));
        assert_eq!(f.fine_fen, Some(1_000_000), "a digit string is accepted");
        assert_eq!(f.decision_date, d(2026, 11, 20));
        assert_eq!(
            codes(with(
                person(),
                json!({"party_id_number": "110105194912310021"})
            )),
            [pair("party_id_number", "checksum")]
        );
        // Another document type is kept as text.
        let f = parse(with(
            person(),
            json!({"party_id_type": "passport", "party_id_number": "E12345678"}),
        ))
        .unwrap();
        assert_eq!(f.party_id_type, Some(IdType::Passport));
    }

    #[test]
    fn each_rule_has_its_own_code_and_every_bad_field_is_reported_at_once() {
        let bad = with(
            organisation(),
            json!({
                "decision_date": "2026-12-02",
                "fine_fen": null,
                "case_officers": ["64010020260001"],
                "party_credit_code": "91640104MA1B3N1N2Q",
                "legal_representative": " ",
            }),
        );
        assert_eq!(
            codes(bad),
            [
                pair("party_credit_code", "checksum"),
                pair("legal_representative", "required"),
                pair("fine_fen", "required"),
                pair("decision_date", "future"),
                pair("case_officers", "too_few"),
            ]
        );
    }

    #[test]
    fn what_a_kind_of_party_needs_and_must_not_have() {
        assert_eq!(
            codes(with(
                person(),
                json!({"party_id_type": null, "party_id_number": null})
            )),
            [
                pair("party_id_type", "required"),
                pair("party_id_number", "required")
            ]
        );
        assert_eq!(
            codes(with(
                person(),
                json!({"party_credit_code": "91640104MA1B3N1N2R", "legal_representative": "李四"})
            )),
            [
                pair("party_credit_code", "not_applicable"),
                pair("legal_representative", "not_applicable")
            ]
        );
        assert_eq!(
            codes(with(organisation(), json!({"party_credit_code": null}))),
            [pair("party_credit_code", "required")]
        );
        assert_eq!(
            codes(with(
                organisation(),
                json!({"party_id_number": "11010519491231002X"})
            )),
            [pair("party_id_number", "not_applicable")]
        );
        // An individual business needs its code; its 经营者 is optional.
        let f = parse(with(
            organisation(),
            json!({"party_kind": "个体工商户", "legal_representative": null}),
        ))
        .unwrap();
        assert_eq!(f.party_kind, PartyKind::IndividualBusiness);
    }

    #[test]
    fn money_and_licences_follow_the_types() {
        assert_eq!(
            codes(with(organisation(), json!({"confiscation_fen": 100}))),
            [pair("confiscation_fen", "not_applicable")]
        );
        assert_eq!(
            codes(with(organisation(), json!({"penalty_types": ["警告"]}))),
            [pair("fine_fen", "not_applicable")]
        );
        for bad in [json!(0), json!(-5), json!(12.5), json!("5千"), json!(true)] {
            let got = codes(with(organisation(), json!({ "fine_fen": bad })));
            assert_eq!(got.len(), 1, "{bad}");
            assert_eq!(got[0].0, "fine_fen");
        }
        assert_eq!(
            codes(with(
                organisation(),
                json!({"penalty_types": ["吊销许可证件"], "fine_fen": null,
                       "content": "吊销网络文化经营许可证"})
            )),
            [pair("licence_affected", "required")]
        );
        assert_eq!(
            codes(with(organisation(), json!({"penalty_types": []}))),
            [
                pair("penalty_types", "required"),
                pair("fine_fen", "not_applicable")
            ]
        );
        assert_eq!(
            codes(with(
                organisation(),
                json!({"penalty_types": ["罚金", "fine"]})
            )),
            [pair("penalty_types", "unknown")]
        );
    }

    #[test]
    fn the_simple_procedure_has_its_limits() {
        let simple = |fine: i64, kind: &str| {
            with(
                organisation(),
                json!({"procedure": "simple", "penalty_types": ["罚款"], "fine_fen": fine,
                       "party_kind": kind, "content": "当场罚款"}),
            )
        };
        assert!(
            parse(simple(300_000, "legal_person")).is_ok(),
            "3,000 元 for an organisation"
        );
        assert_eq!(
            codes(simple(300_001, "legal_person")),
            [pair("procedure", "simple_procedure")]
        );
        let f = parse(simple(300_000, "legal_person")).unwrap();
        assert_eq!(
            f.severity,
            Severity::Minor,
            "simple procedure defaults to 轻微"
        );
        let mut p = with(
            person(),
            json!({"procedure": "simple", "penalty_types": ["罚款"], "confiscation_fen": null}),
        );
        p["fine_fen"] = json!(20_001);
        assert_eq!(codes(p.clone()), [pair("procedure", "simple_procedure")]);
        p["fine_fen"] = json!(20_000);
        assert!(parse(p).is_ok(), "200 元 for a citizen");
    }

    #[test]
    fn a_severity_other_than_the_default_needs_a_reason() {
        let serious = with(organisation(), json!({"severity": "严重"}));
        assert_eq!(
            codes(serious.clone()),
            [pair("severity_reason", "required")]
        );
        let f = parse(with(
            serious,
            json!({"severity_reason": "情节恶劣，社会影响大"}),
        ))
        .unwrap();
        assert_eq!(f.severity, Severity::Serious);
        assert!(parse(with(organisation(), json!({"severity": "general"}))).is_ok());
    }

    #[test]
    fn case_officers_must_be_certified_active_and_free_of_conflicts() {
        let mut officers = roster();
        officers[0].valid_to = d(2026, 11, 19);
        officers[1].conflict_entities = vec!["91640104MA1B3N1N2R".into()];
        let got: Vec<(String, String)> = parse_with(organisation(), &officers, None)
            .unwrap_err()
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect();
        assert_eq!(
            got,
            [
                pair("case_officers", "certificate_expired"),
                pair("case_officers", "conflict_of_interest")
            ]
        );
        // The expiry day itself is still valid.
        let mut officers = roster();
        officers[0].valid_to = d(2026, 11, 20);
        assert!(parse_with(organisation(), &officers, None).is_ok());

        let mut officers = roster();
        officers[1].conflict_categories =
            vec![CategoryCode::parse("internet_service_venue").unwrap()];
        let category = Some(CategoryCode::parse("internet_service_venue").unwrap());
        assert_eq!(
            parse_with(organisation(), &officers, category).unwrap_err()[0].code,
            "conflict_of_interest"
        );
        let mut officers = roster();
        officers[1].status = InspectorStatus::Suspended;
        assert_eq!(
            parse_with(organisation(), &officers, None).unwrap_err()[0].code,
            "inactive"
        );
        assert_eq!(
            codes(with(
                organisation(),
                json!({"case_officers": ["64010020260001", "64010020260001", "64010020269999"]})
            )),
            [
                pair("case_officers", "unknown"),
                pair("case_officers", "too_few")
            ],
            "a repeat counts once"
        );
    }

    #[test]
    fn a_number_or_an_allocation_but_not_both() {
        let f = parse(with(
            organisation(),
            json!({"decision_number": null, "allocate_decision_number": true}),
        ))
        .unwrap();
        assert_eq!(f.decision_number, None);
        assert_eq!(
            codes(with(
                organisation(),
                json!({"allocate_decision_number": true})
            )),
            [pair("decision_number", "one_of")]
        );
        assert_eq!(
            codes(with(organisation(), json!({"decision_number": " "}))),
            [pair("decision_number", "required")]
        );
    }

    #[test]
    fn the_amount_the_content_states_must_be_the_amount_given() {
        let fine = |content: &str, fen: serde_json::Value| {
            parse(with(
                organisation(),
                json!({"content": content, "fine_fen": fen}),
            ))
        };
        for content in ["警告，并处罚款人民币2000元", "罚款贰仟元", "罚款0.2万元"]
        {
            assert!(fine(content, json!(200_000)).is_ok(), "{content}");
            let refused = fine(content, json!(2000)).unwrap_err();
            assert_eq!(
                refused
                    .iter()
                    .map(|f| (f.field.as_str(), f.code.as_str()))
                    .collect::<Vec<_>>(),
                [("fine_fen", AMOUNT_MISMATCH)],
                "{content}"
            );
            assert!(
                refused[0].message.contains("2,000 元") && refused[0].message.contains("20 元"),
                "both values in 元: {}",
                refused[0].message
            );
        }
        // The import: 3000 万元 for a 3,000 元 fine.
        assert_eq!(
            codes(with(
                organisation(),
                json!({"content": "罚款人民币3000元", "fine_fen": 3_000_000_000i64})
            )),
            [pair("fine_fen", AMOUNT_MISMATCH)]
        );
        // A text without an amount, or with only facts, is not compared.
        assert!(fine("警告，并处罚款", json!(123)).is_ok());
        assert!(fine("违法所得3000元，警告并罚款", json!(123)).is_ok());
        // A fine stated although no fine is given; a confiscation stated differently.
        assert_eq!(
            codes(with(
                organisation(),
                json!({"penalty_types": ["警告"], "content": "警告，罚款2000元", "fine_fen": null})
            )),
            [pair("fine_fen", AMOUNT_MISMATCH)]
        );
        assert_eq!(
            codes(with(
                person(),
                json!({"content": "没收违法所得123元，并处罚款1万元"})
            )),
            [pair("confiscation_fen", AMOUNT_MISMATCH)],
            "the fine (1万元 = 1,000,000 分) agrees; the confiscation (12345 分) does not"
        );
        // A required amount that is missing is reported once, as missing.
        assert_eq!(
            codes(with(
                organisation(),
                json!({"content": "罚款2000元", "fine_fen": null})
            )),
            [pair("fine_fen", "required")]
        );
        // An unreadable amount keeps its own error.
        assert_eq!(
            codes(with(
                organisation(),
                json!({"content": "罚款2000元", "fine_fen": "2000元"})
            )),
            [pair("fine_fen", "format")]
        );
    }
}

//! The 双公示 penalty CSV (行政处罚信息): the national layout's columns (Chinese headers and the
//! CF_* names), the columns the import reads, a row as the domain's unparsed input (amounts in
//! 万元 turned into 分), and the export in layout order.

use std::io::Write;

use super::table::{col, Column, Row};
use crate::domain::field::{split_list, FieldError};
use crate::domain::penalty::fields::{GivenAmount, OtherCodes, RawPenalty};
use crate::domain::penalty::money::{fen_to_wan, wan_to_fen};
use crate::domain::penalty::record::{Authority, PenaltyRecord};

/// The columns, in export order: (field, Chinese header, CF_* name).
pub const LAYOUT: &[(&str, &str, &str)] = &[
    ("party_name", "行政相对人名称", "CF_XDR_MC"),
    ("party_kind", "行政相对人类别", "CF_XDR_LB"),
    (
        "party_credit_code",
        "行政相对人代码_1（统一社会信用代码）",
        "CF_XDR_SHXYM",
    ),
    (
        "registration_number",
        "行政相对人代码_2（工商注册号）",
        "CF_XDR_GSZC",
    ),
    (
        "organisation_code",
        "行政相对人代码_3（组织机构代码）",
        "CF_XDR_ZZJG",
    ),
    (
        "tax_number",
        "行政相对人代码_4（税务登记号）",
        "CF_XDR_SWDJ",
    ),
    (
        "institution_number",
        "行政相对人代码_5（事业单位证书号）",
        "CF_XDR_SYDW",
    ),
    (
        "social_organisation_number",
        "行政相对人代码_6（社会组织登记证号）",
        "CF_XDR_SHZZ",
    ),
    ("legal_representative", "法定代表人", "CF_FRDB"),
    ("party_id_type", "证件类型", "CF_XDR_ZJLX"),
    ("party_id_number", "证件号码", "CF_XDR_ZJHM"),
    ("decision_number", "行政处罚决定书文号", "CF_WSH"),
    ("violation_type", "违法行为类型", "CF_WFXW"),
    ("facts", "违法事实", "CF_SY"),
    ("legal_basis", "处罚依据", "CF_YJ"),
    ("penalty_types", "处罚类别", "CF_CFLB"),
    ("content", "处罚内容", "CF_NR"),
    ("fine_wan", "罚款金额（万元）", "CF_NR_FK"),
    (
        "confiscation_wan",
        "没收违法所得、没收非法财物的金额（万元）",
        "CF_NR_WFFF",
    ),
    ("licence_affected", "暂扣或吊销证照名称及编号", "CF_NR_ZKDX"),
    ("decision_date", "处罚决定日期", "CF_JDRQ"),
    ("valid_until", "处罚有效期", "CF_YXQ"),
    ("publicity_end", "公示截止期", "CF_GSJZQ"),
    ("authority", "处罚机关", "CF_CFJG"),
    (
        "authority_credit_code",
        "处罚机关统一社会信用代码",
        "CF_CFJGDM",
    ),
    ("source", "数据来源单位", "CF_SJLY"),
    (
        "source_credit_code",
        "数据来源单位统一社会信用代码",
        "CF_SJLYDM",
    ),
    ("note", "备注", "BZ"),
];

/// The columns the import reads (a few more spellings than the export writes).
pub const COLUMNS: &[Column] = &[
    col("party_name", &["行政相对人名称", "CF_XDR_MC"], true),
    col("party_kind", &["行政相对人类别", "CF_XDR_LB"], true),
    col(
        "party_credit_code",
        &[
            "行政相对人代码_1（统一社会信用代码）",
            "行政相对人代码_1(统一社会信用代码)",
            "统一社会信用代码",
            "CF_XDR_SHXYM",
        ],
        false,
    ),
    col(
        "registration_number",
        &[
            "行政相对人代码_2（工商注册号）",
            "行政相对人代码_2(工商注册号)",
            "CF_XDR_GSZC",
        ],
        false,
    ),
    col(
        "organisation_code",
        &[
            "行政相对人代码_3（组织机构代码）",
            "行政相对人代码_3(组织机构代码)",
            "CF_XDR_ZZJG",
        ],
        false,
    ),
    col(
        "tax_number",
        &[
            "行政相对人代码_4（税务登记号）",
            "行政相对人代码_4(税务登记号)",
            "CF_XDR_SWDJ",
        ],
        false,
    ),
    col(
        "institution_number",
        &[
            "行政相对人代码_5（事业单位证书号）",
            "行政相对人代码_5(事业单位证书号)",
            "CF_XDR_SYDW",
        ],
        false,
    ),
    col(
        "social_organisation_number",
        &[
            "行政相对人代码_6（社会组织登记证号）",
            "行政相对人代码_6(社会组织登记证号)",
            "CF_XDR_SHZZ",
        ],
        false,
    ),
    col("legal_representative", &["法定代表人", "CF_FRDB"], false),
    col("party_id_type", &["证件类型", "CF_XDR_ZJLX"], false),
    col("party_id_number", &["证件号码", "CF_XDR_ZJHM"], false),
    col("decision_number", &["行政处罚决定书文号", "CF_WSH"], true),
    col("violation_type", &["违法行为类型", "CF_WFXW"], true),
    col("facts", &["违法事实", "CF_SY"], true),
    col("legal_basis", &["处罚依据", "CF_YJ"], true),
    col("penalty_types", &["处罚类别", "CF_CFLB"], true),
    col("content", &["处罚内容", "CF_NR"], true),
    col(
        "fine_wan",
        &["罚款金额（万元）", "罚款金额(万元)", "CF_NR_FK"],
        false,
    ),
    col(
        "confiscation_wan",
        &[
            "没收违法所得、没收非法财物的金额（万元）",
            "没收违法所得、没收非法财物的金额(万元)",
            "CF_NR_WFFF",
        ],
        false,
    ),
    col(
        "licence_affected",
        &["暂扣或吊销证照名称及编号", "CF_NR_ZKDX"],
        false,
    ),
    col("decision_date", &["处罚决定日期", "CF_JDRQ"], true),
    col("valid_until", &["处罚有效期", "CF_YXQ"], false),
    col("publicity_end", &["公示截止期", "CF_GSJZQ"], false),
    col("authority", &["处罚机关", "CF_CFJG"], false),
    col(
        "authority_credit_code",
        &["处罚机关统一社会信用代码", "CF_CFJGDM"],
        false,
    ),
    col("source", &["数据来源单位", "CF_SJLY"], false),
    col(
        "source_credit_code",
        &["数据来源单位统一社会信用代码", "CF_SJLYDM"],
        false,
    ),
    col("note", &["备注", "BZ"], false),
];

/// A row as the domain's unparsed input; an amount that is no 万元 figure is added to `errors`.
/// The authority columns are the caller's to resolve.
pub fn raw(row: &Row, errors: &mut Vec<FieldError>) -> RawPenalty {
    let fine = wan(row, "fine_wan", errors);
    let confiscation = wan(row, "confiscation_wan", errors);
    let other = OtherCodes {
        registration_number: row.get("registration_number"),
        organisation_code: row.get("organisation_code"),
        tax_number: row.get("tax_number"),
        institution_number: row.get("institution_number"),
        social_organisation_number: row.get("social_organisation_number"),
    };
    RawPenalty {
        decision_number: row.get("decision_number"),
        party_kind: row.get("party_kind"),
        party_name: row.get("party_name"),
        party_credit_code: row.get("party_credit_code"),
        party_other_codes: Some(other),
        legal_representative: row.get("legal_representative"),
        party_id_type: row.get("party_id_type"),
        party_id_number: row.get("party_id_number"),
        violation_type: row.get("violation_type"),
        facts: row.get("facts"),
        legal_basis: row.get("legal_basis"),
        penalty_types: row.get("penalty_types").map(|v| split_list(&v)),
        content: row.get("content"),
        fine_fen: fine,
        confiscation_fen: confiscation,
        licence_affected: row.get("licence_affected"),
        decision_date: row.get("decision_date"),
        // The layout has no procedure: a published legacy decision was an ordinary one.
        procedure: Some("ordinary".into()),
        ..RawPenalty::default()
    }
}

/// A 万元 column as 分.
fn wan(row: &Row, field: &str, errors: &mut Vec<FieldError>) -> Option<GivenAmount> {
    let v = row.get(field).filter(|v| !v.trim().is_empty())?;
    match wan_to_fen(&v) {
        Some(0) => None,
        Some(fen) => Some(GivenAmount::Whole(fen)),
        None => {
            errors.push(
                FieldError::new(
                    field,
                    "format",
                    format!("{v:?} is not an amount in 万元 with at most six decimals"),
                )
                .zh(format!(
                    "“{v}”不是以万元为单位的金额：请只填数字，最多六位小数，例如 0.3（即 3000 元）"
                )),
            );
            None
        }
    }
}

/// A CSV writer for the penalty layout, BOM and header written.
pub fn writer<'a, W: Write>(
    mut out: W,
    header: impl Iterator<Item = &'a str>,
) -> csv::Result<csv::Writer<W>> {
    out.write_all(super::export::BOM)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let header: Vec<&str> = header.collect();
    super::cells::write_record(&mut w, header)?;
    Ok(w)
}

/// One published decision in the 双公示 layout ([`LAYOUT`] order):
/// 万元 with six decimals, dates `YYYY-MM-DD`, 处罚有效期 2099-12-31 (长期: gongshi does not track
/// the penalty's own term).
pub fn write<W: Write>(
    w: &mut csv::Writer<W>,
    r: &PenaltyRecord,
    a: &Authority,
) -> csv::Result<()> {
    let f = &r.fields;
    let o = &f.party_other_codes;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let types: Vec<&str> = f.penalty_types.iter().map(|t| t.label()).collect();
    let cells: Vec<String> = vec![
        f.party_name.clone(),
        f.party_kind.label().to_string(),
        f.party_credit_code
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        opt(&o.registration_number),
        opt(&o.organisation_code),
        opt(&o.tax_number),
        opt(&o.institution_number),
        opt(&o.social_organisation_number),
        opt(&f.legal_representative),
        f.party_id_type
            .map(|t| t.label().to_string())
            .unwrap_or_default(),
        opt(&f.party_id_number),
        r.decision_number.to_string(),
        f.violation_type.clone(),
        f.facts.clone(),
        f.legal_basis.clone(),
        types.join(";"),
        f.content.clone(),
        f.fine_fen.map(fen_to_wan).unwrap_or_default(),
        f.confiscation_fen.map(fen_to_wan).unwrap_or_default(),
        opt(&f.licence_affected),
        f.decision_date.to_string(),
        "2099-12-31".into(),
        r.progress.publicity_max_end.to_string(),
        a.fields.name.clone(),
        a.fields.credit_code.to_string(),
        a.fields.name.clone(),
        a.fields.credit_code.to_string(),
        String::new(),
    ];
    super::cells::write_record(w, cells.iter().map(String::as_str))
}

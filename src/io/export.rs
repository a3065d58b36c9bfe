//! CSV exports that Excel on a Chinese Windows machine opens correctly (UTF-8 with BOM, CRLF)
//! and that `gongshi import` reads back unchanged. Every cell goes through `cells::neutralise`.

use std::io::Write;

use crate::domain::category::Vocabulary;
use crate::domain::entity::EntityFields;
use crate::domain::penalty::money::fen_to_wan;
use crate::domain::penalty::record::{Authority, PenaltyRecord};

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The directory's export header: the first Chinese spelling of each import column.
pub const ENTITY_HEADER: [&str; 10] = [
    "统一社会信用代码",
    "名称",
    "主体类型",
    "类别",
    "所在地区",
    "地址",
    "法定代表人",
    "许可证号",
    "状态",
    "风险标签",
];

/// A CSV writer over `out` that has already written the BOM and the header.
pub fn entity_writer<W: Write>(mut out: W) -> csv::Result<csv::Writer<W>> {
    out.write_all(BOM)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    super::cells::write_record(&mut w, ENTITY_HEADER)?;
    Ok(w)
}

/// One entity as a row; the category is written as its label in `categories`.
pub fn write_entity<W: Write>(
    w: &mut csv::Writer<W>,
    f: &EntityFields,
    categories: &Vocabulary,
) -> csv::Result<()> {
    super::cells::write_record(
        w,
        [
            f.credit_code.as_str(),
            &f.name,
            f.kind.label(),
            categories.label(&f.category),
            f.district.as_str(),
            f.address.as_deref().unwrap_or(""),
            f.legal_representative.as_deref().unwrap_or(""),
            &f.licence_numbers.join(";"),
            f.status.label(),
            &f.risk_tags.join(";"),
        ],
    )
}

/// A CSV writer for the penalty layout, BOM and header written.
pub fn penalty_writer<'a, W: Write>(
    mut out: W,
    header: impl Iterator<Item = &'a str>,
) -> csv::Result<csv::Writer<W>> {
    out.write_all(BOM)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let header: Vec<&str> = header.collect();
    super::cells::write_record(&mut w, header)?;
    Ok(w)
}

/// One published decision in the 双公示 layout (`service::penalty_imports::LAYOUT` order):
/// 万元 with six decimals, dates `YYYY-MM-DD`, 处罚有效期 2099-12-31 (长期: gongshi does not track
/// the penalty's own term).
pub fn write_penalty<W: Write>(
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

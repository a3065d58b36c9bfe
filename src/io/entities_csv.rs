//! The directory's CSV (市场主体名录): the columns the import reads (Chinese and English
//! headers, several spellings each), a row as the domain's unparsed input, and the export, which
//! writes the first Chinese spelling of each column so that an export imports back unchanged.

use std::io::Write;

use super::table::{col, Column, Row};
use crate::domain::category::Vocabulary;
use crate::domain::entity::{EntityFields, RawEntity};

pub const COLUMNS: &[Column] = &[
    col(
        "credit_code",
        &["统一社会信用代码", "社会信用代码", "信用代码"],
        true,
    ),
    col(
        "name",
        &["名称", "主体名称", "单位名称", "企业名称", "经营者名称"],
        true,
    ),
    col("kind", &["主体类型", "主体类别"], false),
    col("category", &["类别", "行业类别", "经营类别", "业态"], true),
    col(
        "district",
        &["所在地区", "行政区划代码", "行政区划", "地区代码"],
        true,
    ),
    col("address", &["地址", "经营地址", "经营场所", "住所"], false),
    col(
        "legal_representative",
        &["法定代表人", "负责人", "经营者", "法定代表人(负责人)"],
        false,
    ),
    col(
        "licence_numbers",
        &["许可证号", "许可证编号", "许可证", "license_numbers"],
        false,
    ),
    col("status", &["状态", "登记状态", "经营状态"], false),
    col("risk_tags", &["风险标签"], false),
];

/// A row as the domain's unparsed input; a list column holds one value (split by the parser).
pub fn raw(row: &Row) -> RawEntity {
    let list = |f: &str| row.get(f).map(|v| vec![v]);
    RawEntity {
        credit_code: row.get("credit_code"),
        name: row.get("name"),
        kind: row.get("kind"),
        category: row.get("category"),
        district: row.get("district"),
        address: row.get("address"),
        legal_representative: row.get("legal_representative"),
        licence_numbers: list("licence_numbers"),
        status: row.get("status"),
        risk_tags: list("risk_tags"),
    }
}

/// The directory's export header: the first Chinese spelling of each import column.
pub const HEADER: [&str; 10] = [
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
pub fn writer<W: Write>(mut out: W) -> csv::Result<csv::Writer<W>> {
    out.write_all(super::export::BOM)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    super::cells::write_record(&mut w, HEADER)?;
    Ok(w)
}

/// One entity as a row; the category is written as its label in `categories`.
pub fn write<W: Write>(
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

//! CSV exports that Excel on a Chinese Windows machine opens correctly (UTF-8 with BOM, CRLF)
//! and that `gongshi import` reads back unchanged. Every cell goes through `cells::neutralise`.

use std::io::Write;

use crate::domain::category::Vocabulary;
use crate::domain::entity::EntityFields;

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

//! Reads the shipped 随机抽查事项清单 `seeds/inspection_items.csv`: `code, field, name, content,
//! kind, basis, subject, categories, method, ratio, frequency, effective_from[, effective_to]`,
//! UTF-8 (with or without BOM); categories and methods separated by `;`.

use crate::domain::field::split_list;
use crate::domain::inspection_item::RawItem;

/// One row of the file, with its line (header = line 1) and its code.
pub struct ItemRow {
    pub line: usize,
    pub code: String,
    pub item: RawItem,
}

#[derive(serde::Deserialize)]
struct Record {
    code: String,
    field: String,
    name: String,
    content: String,
    kind: String,
    basis: String,
    subject: String,
    categories: String,
    method: String,
    ratio: Option<String>,
    frequency: Option<String>,
    effective_from: String,
    #[serde(default)]
    effective_to: Option<String>,
}

/// The rows, or the first problem with the file (`line N: message`).
pub fn parse(bytes: &[u8]) -> Result<Vec<ItemRow>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<Record>().enumerate() {
        // One record per line in the shipped file (no cell holds a line break).
        let line = i + 2;
        let r = record.map_err(|e| format!("line {line}: {e}"))?;
        rows.push(ItemRow {
            line,
            code: r.code.clone(),
            item: RawItem {
                code: Some(r.code.clone()),
                field: Some(r.field),
                name: Some(r.name),
                content: Some(r.content),
                kind: Some(r.kind),
                basis: Some(r.basis),
                subject: Some(r.subject),
                categories: Some(split_list(&r.categories)),
                methods: Some(split_list(&r.method)),
                ratio: r.ratio,
                frequency: r.frequency,
                effective_from: Some(r.effective_from),
                effective_to: r.effective_to,
            },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_reads_with_lines_and_split_lists() {
        let rows = parse(crate::assets::INSPECTION_ITEM_SEEDS).unwrap();
        assert!(rows.len() >= 15, "a realistic list");
        assert_eq!(rows[0].line, 2);
        let internet = rows
            .iter()
            .find(|r| r.code == "internet_venue_daily")
            .expect("互联网上网服务营业场所日常经营活动检查");
        assert_eq!(
            internet.item.categories.as_deref(),
            Some(&["internet_service_venue".to_string()][..])
        );
        assert_eq!(internet.item.kind.as_deref(), Some("重点"));
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let csv = "code,field,name,content,kind,basis,subject,categories,method,ratio,frequency,effective_from\n\
                   a_b,f,n,c,一般,b,s,cinema,实地检查,,,2024-01-01\n\
                   c_d,f,n\n";
        let e = parse(csv.as_bytes()).err().unwrap();
        assert!(e.starts_with("line 3:"), "{e}");
    }
}

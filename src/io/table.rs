//! Spreadsheet-exported CSV as bureau staff have it: UTF-8 (with or without a BOM) or
//! GB18030/GBK as Excel writes it on a Chinese Windows machine, Chinese or English headers,
//! CRLF, quoted fields with commas and line breaks, trailing empty columns.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::domain::text::fold_width;

/// The encoding a file turned out to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "UTF-8 with BOM")]
    Utf8Bom,
    #[serde(rename = "GB18030")]
    Gb18030,
}

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error(
        "the file is neither UTF-8 nor GB18030/GBK text (first undecodable byte at offset {0})"
    )]
    Encoding(usize),
    #[error("the file is empty: a header line is needed")]
    Empty,
    #[error("the header has no column for {0}")]
    MissingColumn(String),
    #[error("column {0:?} appears twice in the header")]
    DuplicateColumn(String),
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
}

/// Decodes without being told the encoding: a UTF-8 BOM wins; text that is valid UTF-8 is
/// UTF-8; anything else must decode as GB18030 (a superset of GBK and GB2312) without errors.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), FileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (Cow::Borrowed(s), Encoding::Utf8Bom))
            .map_err(|e| FileError::Encoding(3 + e.valid_up_to()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(s), Encoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let offset = text.find('\u{FFFD}').map_or(0, |i| text[..i].len());
        return Err(FileError::Encoding(offset));
    }
    Ok((text, Encoding::Gb18030))
}

/// One column a file may carry: the field name and the header spellings that mean it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

/// A data row: its first line in the file (the header is line 1) and its values by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    /// (field, trimmed cell) for each column the file has; a handful, so a Vec beats a map.
    pub values: Vec<(&'static str, String)>,
}

impl Row {
    pub fn get(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
    }
}

/// A problem confined to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub code: &'static str,
    pub message: String,
}

/// What a file holds.
#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<Row>,
    pub errors: Vec<RowError>,
    /// Header texts that name no known column (kept out of the import, listed in the report).
    pub ignored_columns: Vec<String>,
    /// The header text the file uses for each field, for error reports.
    pub header_of: HashMap<&'static str, String>,
}

fn header_key(h: &str) -> String {
    fold_width(h.trim_start_matches('\u{FEFF}'))
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reads the header and every row. Rows whose cells are all empty are skipped (spreadsheets
/// leave them at the end). A non-empty cell under no header is a row error.
pub fn read(text: &str, columns: &[Column]) -> Result<Table, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Err(FileError::Empty),
        Some(r) => r.map_err(|e| csv_error(text, &e))?,
    };
    let mut table = Table::default();
    let mut by_index: Vec<Option<&'static str>> = Vec::new();
    for raw in header.iter() {
        let h = String::from_utf8_lossy(raw)
            .trim()
            .trim_start_matches('\u{FEFF}')
            .to_string();
        let key = header_key(&h);
        let col = columns
            .iter()
            .find(|c| c.field == key || c.headers.iter().any(|a| header_key(a) == key));
        match col {
            Some(c) if table.header_of.contains_key(c.field) => {
                return Err(FileError::DuplicateColumn(h));
            }
            Some(c) => {
                table.header_of.insert(c.field, h);
                by_index.push(Some(c.field));
            }
            None => {
                if !h.is_empty() {
                    table.ignored_columns.push(h);
                }
                by_index.push(None);
            }
        }
    }
    if let Some(c) = columns
        .iter()
        .find(|c| c.required && !table.header_of.contains_key(c.field))
    {
        return Err(FileError::MissingColumn(format!(
            "{} ({})",
            c.headers.first().unwrap_or(&c.field),
            c.field
        )));
    }
    let mut lines = LineCounter::new(text);
    for record in records {
        let record = record.map_err(|e| csv_error(text, &e))?;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte() as usize));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let mut values = Vec::with_capacity(table.header_of.len());
        for (i, raw) in record.iter().enumerate() {
            // The text was decoded to UTF-8 already and csv splits only at ASCII bytes.
            // The quote an export puts before a formula-like cell comes off (see `cells`).
            let value = super::cells::restore(String::from_utf8_lossy(raw).trim()).to_string();
            match by_index.get(i).copied().flatten() {
                Some(field) => values.push((field, value)),
                None if value.is_empty() || by_index.get(i).is_some() => {}
                None => table.errors.push(RowError {
                    line,
                    column: format!("#{}", i + 1),
                    code: "unexpected_column",
                    message: format!(
                        "column {} has a value but no header; the header has {} columns",
                        i + 1,
                        by_index.len()
                    ),
                }),
            }
        }
        table.rows.push(Row { line, values });
    }
    Ok(table)
}

fn csv_error(text: &str, e: &csv::Error) -> FileError {
    let line = e
        .position()
        .map_or(0, |p| LineCounter::new(text).line_at(p.byte() as usize));
    FileError::Csv {
        line,
        message: e.to_string(),
    }
}

/// Line numbers from byte offsets, for offsets that only grow (the csv crate's own line
/// numbers count records, not the lines that quoted line breaks add).
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line on which the record starting at byte `start` begins.
    fn line_at(&mut self, start: usize) -> usize {
        let start = start.min(self.text.len());
        if start >= self.offset {
            self.line += self.text[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = start;
        }
        // A record's position can point at the line break that ended the previous one.
        let blank = self.text[start..]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .filter(|&&b| b == b'\n')
            .count();
        self.line + blank
    }
}

/// A column the reader takes: its field, the header spellings it answers to, whether the file
/// must have it.
pub const fn col(field: &'static str, headers: &'static [&'static str], required: bool) -> Column {
    Column {
        field,
        headers,
        required,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column {
            field: "code",
            headers: &["代码", "统一社会信用代码"],
            required: true,
        },
        Column {
            field: "name",
            headers: &["名称"],
            required: true,
        },
        Column {
            field: "note",
            headers: &["备注"],
            required: false,
        },
    ];

    #[test]
    fn encodings_are_detected() {
        assert_eq!(decode("名称".as_bytes()).unwrap().1, Encoding::Utf8);
        let bom = [b"\xEF\xBB\xBF".as_slice(), "名称".as_bytes()].concat();
        let (text, enc) = decode(&bom).unwrap();
        assert_eq!((text.as_ref(), enc), ("名称", Encoding::Utf8Bom));
        let (gbk, _, _) = encoding_rs::GBK.encode("银川星光网吧,统一社会信用代码");
        let (text, enc) = decode(&gbk).unwrap();
        assert_eq!(
            (text.as_ref(), enc),
            ("银川星光网吧,统一社会信用代码", Encoding::Gb18030)
        );
        assert!(matches!(
            decode(b"\xFF\xFF\xFF"),
            Err(FileError::Encoding(_))
        ));
    }

    #[test]
    fn headers_in_either_language_and_width_map_to_fields() {
        let t = read("ｃｏｄｅ , 名称 ,序号,\r\nA,B,1,\r\n", COLUMNS).unwrap();
        assert_eq!(t.rows[0].get("code").as_deref(), Some("A"));
        assert_eq!(t.rows[0].get("name").as_deref(), Some("B"));
        assert_eq!(t.ignored_columns, ["序号"]);
        assert!(t.errors.is_empty());
    }

    #[test]
    fn line_numbers_count_quoted_line_breaks() {
        let text = "代码,名称\r\nA,\"x\r\ny\"\r\nB,\"p,q\"\r\n\r\nC,z\r\n,\r\n";
        let t = read(text, COLUMNS).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(t.rows[0].get("name").as_deref(), Some("x\r\ny"));
        assert_eq!(t.rows[1].get("name").as_deref(), Some("p,q"));
    }

    #[test]
    fn file_level_problems_refuse_the_file() {
        assert_eq!(read("", COLUMNS).unwrap_err(), FileError::Empty);
        assert!(matches!(
            read("代码\nA\n", COLUMNS),
            Err(FileError::MissingColumn(_))
        ));
        assert!(matches!(
            read("代码,名称,统一社会信用代码\n", COLUMNS),
            Err(FileError::DuplicateColumn(_))
        ));
    }

    #[test]
    fn a_value_under_no_header_is_a_row_error() {
        let t = read("代码,名称\nA,B,,surprise\n", COLUMNS).unwrap();
        assert_eq!(t.errors.len(), 1);
        assert_eq!(
            (t.errors[0].line, t.errors[0].code),
            (2, "unexpected_column")
        );
    }
}

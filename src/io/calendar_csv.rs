//! Reads a year's calendar CSV: `date,kind,name[,source]` (or 日期,类型,名称,来源), UTF-8 with or
//! without BOM, CRLF or LF. Rows keep their file line for error messages (header = line 1).

use crate::domain::calendar::{RawDay, ScheduleError};

const COLUMNS: [(&str, &str); 4] = [
    ("date", "日期"),
    ("kind", "类型"),
    ("name", "名称"),
    ("source", "来源"),
];

pub fn parse(bytes: &[u8]) -> Result<Vec<RawDay>, Vec<ScheduleError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        vec![ScheduleError {
            line: 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count(),
            field: "file",
            code: "encoding",
            message: "the file is not UTF-8; save it as UTF-8 (Excel: CSV UTF-8)".into(),
        }]
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| vec![csv_error(1, e)])?.clone();
    let position = |(en, zh): (&str, &str)| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(en) || h == zh)
    };
    let [date, kind, name, source] = COLUMNS.map(position);
    let (Some(date), Some(kind)) = (date, kind) else {
        return Err(vec![ScheduleError {
            line: 1,
            field: "header",
            code: "columns",
            message: "the header must name the columns date,kind,name[,source]".into(),
        }]);
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_at(text, p.byte() as usize));
                let get = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").to_string();
                if r.iter().all(str::is_empty) {
                    continue;
                }
                rows.push(RawDay {
                    line,
                    date: get(Some(date)),
                    kind: get(Some(kind)),
                    name: get(name),
                    source: Some(get(source)).filter(|s| !s.is_empty()),
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte() as usize));
                errors.push(csv_error(line, e));
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The 1-based line of the record starting at byte `start`. The csv crate's own line count is
/// off after CRLF and blank lines, so count from the byte offset, skipping the blank lines the
/// reader passed over.
pub fn line_at(text: &str, start: usize) -> usize {
    let start = start.min(text.len());
    let rest = &text[start..];
    let blank = rest.len() - rest.trim_start_matches(['\r', '\n']).len();
    1 + text[..start + blank].matches('\n').count()
}

fn csv_error(line: usize, e: csv::Error) -> ScheduleError {
    ScheduleError {
        line,
        field: "file",
        code: "csv",
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_and_chinese_headers_are_read_with_file_lines() {
        let text = "\u{feff}日期,类型,名称,来源\r\n2027-01-01,holiday,元旦,通知\r\n\r\n2027-02-06,holiday,春节,\r\n";
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[0].line,
                rows[0].date.as_str(),
                rows[0].source.as_deref()
            ),
            (2, "2027-01-01", Some("通知"))
        );
        assert_eq!((rows[1].line, rows[1].source.as_deref()), (4, None));
    }

    #[test]
    fn lines_count_through_quoted_newlines_and_blank_lines() {
        let text = "date,kind,name,source\n2027-01-01,holiday,\"元\n旦\",s\n\n\n2027-02-06,holiday,春节,s\n";
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 6]);
    }

    #[test]
    fn a_file_without_the_columns_or_not_in_utf8_is_refused() {
        assert_eq!(
            parse(b"day,type\n2027-01-01,holiday\n").unwrap_err()[0].code,
            "columns"
        );
        // 元旦 in GBK
        assert_eq!(
            parse(b"date,kind,name\n2027-01-01,holiday,\xd4\xaa\xb5\xa9\n").unwrap_err()[0].code,
            "encoding"
        );
    }
}

//! Spreadsheet formula injection (OWASP "CSV Injection"): a cell that begins with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is evaluated by Excel as a formula. Every CSV gongshi
//! writes passes its cells through [`neutralise`], which puts a `'` in front of such a cell (Excel
//! shows the text and hides the quote); imports pass each cell through [`restore`], which takes
//! exactly that quote off again, so an export re-imports unchanged.
//!
//! Cells that already begin with quotes before a trigger get one more, so the rule round-trips
//! every value: `'=x` is written `''=x` and read back as `'=x`.

use std::borrow::Cow;

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether the cell, after any leading quotes, begins with a formula trigger.
fn triggers(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(|c: char| TRIGGERS.contains(&c))
}

/// The cell as written to a CSV file.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if triggers(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as read from a CSV file: the quote [`neutralise`] added, taken off.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if triggers(rest) => rest,
        _ => cell,
    }
}

/// Writes one record with every cell neutralised.
pub fn write_record<W: std::io::Write, I, S>(w: &mut csv::Writer<W>, cells: I) -> csv::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    w.write_record(
        cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_evaluate_get_a_quote() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("=1+1", "'=1+1"),
            ("+86 951", "'+86 951"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("银川星光网吧", "银川星光网吧"),
            ("a=b", "a=b"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn every_value_round_trips() {
        for cell in [
            "=1+1",
            "'=1+1",
            "''=1+1",
            "-",
            "'",
            "''",
            "'abc",
            "abc",
            "@",
            "+",
            "兴庆区",
            "",
        ] {
            assert_eq!(restore(&neutralise(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn a_quote_before_ordinary_text_is_kept_on_import() {
        assert_eq!(restore("'quoted"), "'quoted");
        assert_eq!(restore("'=x"), "=x");
    }
}

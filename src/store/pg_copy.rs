//! PostgreSQL's bulk path: rows sent with `COPY … FROM STDIN` in COPY's text format, inside the
//! caller's transaction (an import's entities, their name-index postings and their audit
//! records). One encoder for every table, so escaping is written once.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};

/// One COPY payload in text format: tab-separated columns, `\N` for NULL, one row per line.
pub struct Rows {
    buf: Vec<u8>,
    /// No column written yet on the current row.
    fresh: bool,
}

impl Default for Rows {
    fn default() -> Rows {
        Rows::with_capacity(0)
    }
}

impl Rows {
    pub fn with_capacity(bytes: usize) -> Rows {
        Rows {
            buf: Vec::with_capacity(bytes),
            fresh: true,
        }
    }

    fn separate(&mut self) {
        if !std::mem::replace(&mut self.fresh, false) {
            self.buf.push(b'\t');
        }
    }

    /// A text column; `None` is SQL NULL.
    pub fn text(&mut self, value: Option<&str>) -> &mut Rows {
        self.separate();
        match value {
            None => self.buf.extend_from_slice(b"\\N"),
            Some(s) => {
                for &b in s.as_bytes() {
                    match b {
                        b'\\' => self.buf.extend_from_slice(b"\\\\"),
                        b'\t' => self.buf.extend_from_slice(b"\\t"),
                        b'\n' => self.buf.extend_from_slice(b"\\n"),
                        b'\r' => self.buf.extend_from_slice(b"\\r"),
                        _ => self.buf.push(b),
                    }
                }
            }
        }
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Rows {
        self.separate();
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "{value}");
        self
    }

    /// An integer column that may be NULL.
    pub fn int_or_null(&mut self, value: Option<i64>) -> &mut Rows {
        match value {
            Some(v) => self.int(v),
            None => self.text(None),
        }
    }

    /// A `boolean` column that may be NULL.
    pub fn bool(&mut self, value: Option<bool>) -> &mut Rows {
        self.text(value.map(|b| if b { "t" } else { "f" }))
    }

    /// A `date` column that may be NULL.
    pub fn date(&mut self, value: Option<NaiveDate>) -> &mut Rows {
        match value {
            None => self.text(None),
            Some(d) => {
                self.separate();
                let _ = write!(self.buf, "{}", d.format("%Y-%m-%d"));
                self
            }
        }
    }

    /// A `timestamp` column, to the microsecond (what PostgreSQL keeps).
    pub fn timestamp(&mut self, value: NaiveDateTime) -> &mut Rows {
        self.separate();
        let _ = write!(self.buf, "{}", value.format("%Y-%m-%d %H:%M:%S%.6f"));
        self
    }

    /// A `timestamp` column that may be NULL.
    pub fn timestamp_or_null(&mut self, value: Option<NaiveDateTime>) -> &mut Rows {
        match value {
            Some(v) => self.timestamp(v),
            None => self.text(None),
        }
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.fresh = true;
    }

    /// The payload, for `CopyFromQuery::from_raw_data`.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// Takes `n` ids from the serial sequence of `table`'s `id`, in increasing order (COPY cannot
/// return the ids it assigns, so they are drawn first and written explicitly).
pub fn reserve_ids(
    c: &mut diesel::PgConnection,
    table: &str,
    n: usize,
) -> diesel::QueryResult<Vec<i64>> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let mut ids: Vec<i64> = diesel::sql_query(
        "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)",
    )
    .bind::<diesel::sql_types::Text, _>(table)
    .bind::<diesel::sql_types::BigInt, _>(n as i64)
    .load::<Id>(c)?
    .into_iter()
    .map(|r| r.id)
    .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// A failed write of a COPY payload, as diesel's error.
pub fn write_error(e: std::io::Error) -> diesel::result::Error {
    diesel::result::Error::SerializationError(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_escapes_what_copy_would_misread_and_writes_null_as_backslash_n() {
        let mut r = Rows::default();
        r.int(7)
            .text(Some("a\tb\\c\nd\re"))
            .text(None)
            .text(Some(""))
            .timestamp(
                chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                    .unwrap()
                    .and_hms_micro_opt(14, 3, 9, 42)
                    .unwrap(),
            );
        r.end_row();
        r.text(Some("银川"));
        r.end_row();
        r.date(chrono::NaiveDate::from_ymd_opt(2026, 2, 9))
            .date(None)
            .bool(Some(true))
            .bool(Some(false))
            .bool(None)
            .int_or_null(None)
            .int_or_null(Some(-3))
            .timestamp_or_null(None);
        r.end_row();
        assert_eq!(
            std::str::from_utf8(r.bytes()).unwrap(),
            "7\ta\\tb\\\\c\\nd\\re\t\\N\t\t2026-12-01 14:03:09.000042\n银川\n\
             2026-02-09\t\\N\tt\tf\t\\N\t\\N\t-3\t\\N\n"
        );
    }
}

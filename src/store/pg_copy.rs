//! PostgreSQL's bulk path: rows sent with `COPY … FROM STDIN` in COPY's text format, inside the
//! caller's transaction (an import's entities, their name-index postings and their audit
//! records). One encoder for every table, so escaping is written once.
//!
//! Rows are streamed ([`stream`]): PostgreSQL stores COPY data as it arrives, and only the end of
//! the COPY waits for it, so a piece sent as soon as it is formatted lets PostgreSQL store it
//! while gongshi makes the next one (on two cores, the two processes work side by side).

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

/// Bytes formatted before they are sent: large enough that a write is one system call's worth,
/// small enough that PostgreSQL starts on the first piece at once.
const PIECE_BYTES: usize = 256 << 10;

/// Streams one row per item into a COPY's `sink`: `row` writes the item's columns, and every
/// [`PIECE_BYTES`] the rows formatted so far are sent.
pub fn stream<T>(
    sink: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
    mut row: impl FnMut(&mut Rows, T) -> diesel::QueryResult<()>,
) -> diesel::QueryResult<()> {
    let mut rows = Rows::with_capacity(PIECE_BYTES + (64 << 10));
    for item in items {
        row(&mut rows, item)?;
        rows.end_row();
        if rows.buf.len() >= PIECE_BYTES {
            sink.write_all(&rows.buf).map_err(write_error)?;
            rows.buf.clear();
        }
    }
    sink.write_all(&rows.buf).map_err(write_error)
}

/// Streams rows of `fields` fields each in COPY's binary format, which PostgreSQL reads without
/// parsing text: the signature and two empty header fields, per row the field count and the
/// fields `row` appends (with [`binary_bigint`], [`binary_int`]), and the trailer. Use with
/// `.with_format(CopyFormat::Binary)`.
pub fn stream_binary<T>(
    sink: &mut dyn Write,
    items: &[T],
    fields: i16,
    mut row: impl FnMut(&mut Vec<u8>, &T),
) -> diesel::QueryResult<()> {
    let mut buf = Vec::with_capacity(PIECE_BYTES + 64);
    buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    buf.extend_from_slice(&0_i32.to_be_bytes()); // flags: no OIDs
    buf.extend_from_slice(&0_i32.to_be_bytes()); // no header extension
    for item in items {
        buf.extend_from_slice(&fields.to_be_bytes());
        row(&mut buf, item);
        if buf.len() >= PIECE_BYTES {
            sink.write_all(&buf).map_err(write_error)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(&(-1_i16).to_be_bytes());
    sink.write_all(&buf).map_err(write_error)
}

/// A `bigint` field in COPY's binary format: its length and its big-endian value.
pub fn binary_bigint(buf: &mut Vec<u8>, v: i64) {
    buf.extend_from_slice(&8_i32.to_be_bytes());
    buf.extend_from_slice(&v.to_be_bytes());
}

/// An `integer` field in COPY's binary format.
pub fn binary_int(buf: &mut Vec<u8>, v: i32) {
    buf.extend_from_slice(&4_i32.to_be_bytes());
    buf.extend_from_slice(&v.to_be_bytes());
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

    #[test]
    fn a_stream_sends_every_row_once_in_order_a_piece_at_a_time() {
        let items: Vec<i64> = (0..100_000).collect();
        let mut sink = Pieces::default();
        stream(&mut sink, &items, |r, &i| {
            r.int(i).text(Some("银川\t"));
            Ok(())
        })
        .unwrap();
        let whole = String::from_utf8(sink.0.concat()).unwrap();
        let expected: String = items.iter().map(|i| format!("{i}\t银川\\t\n")).collect();
        assert_eq!(whole, expected);
        assert!(sink.0.len() > 2, "sent in pieces, not at the end");
        assert!(sink.0.iter().all(|p| p.ends_with(b"\n")), "no row split");
        assert!(sink.0[0].len() >= PIECE_BYTES);
    }

    #[test]
    fn a_failing_row_stops_the_stream_with_its_error() {
        let mut sink = Pieces::default();
        let err = stream(&mut sink, 0..10, |r, i| {
            if i == 3 {
                return Err(diesel::result::Error::NotFound);
            }
            r.int(i);
            Ok(())
        });
        assert!(matches!(err, Err(diesel::result::Error::NotFound)));
        assert!(
            sink.0.is_empty(),
            "nothing sent: the rows were still being gathered"
        );
    }

    fn pairs(sink: &mut dyn Write, pairs: &[(i64, i64, i32)]) -> diesel::QueryResult<()> {
        stream_binary(sink, pairs, 3, |buf, &(a, b, c)| {
            binary_bigint(buf, a);
            binary_bigint(buf, b);
            binary_int(buf, c);
        })
    }

    #[test]
    fn rows_go_in_copys_binary_layout() {
        let mut sink = Pieces::default();
        let mut bytes = Vec::new();
        pairs(&mut bytes, &[(1, -2, 3)]).unwrap();
        let mut expected = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0".to_vec();
        expected.extend_from_slice(&[0, 3]);
        expected.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]);
        expected.extend_from_slice(&[0, 0, 0, 8, 255, 255, 255, 255, 255, 255, 255, 254]);
        expected.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 3]);
        expected.extend_from_slice(&[255, 255]);
        assert_eq!(bytes, expected);
        // A million rows go in pieces, each whole rows after the 19-byte header.
        let rows: Vec<(i64, i64, i32)> = (0..1_000_000).map(|i| (i, i * 3, 7)).collect();
        let mut all = Vec::new();
        pairs(&mut all, &rows).unwrap();
        assert_eq!(all.len(), 19 + 34 * rows.len() + 2);
        let _ = pairs(&mut sink, &rows);
        assert!(sink.0.len() > 10);
    }

    /// A sink that keeps each write apart.
    #[derive(Default)]
    struct Pieces(Vec<Vec<u8>>);

    impl Write for Pieces {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}

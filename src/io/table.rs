//! Spreadsheet-exported CSV as bureau staff have it: UTF-8 (with or without a BOM) or
//! GB18030/GBK as Excel writes it on a Chinese Windows machine, Chinese or English headers,
//! CRLF, quoted fields with commas and line breaks, trailing empty columns.
//!
//! A file is never held whole (issue 27: a province's million rows): [`scan`] reads it once for
//! its encoding, its SHA-256 and its line count, and [`Rows`] then reads it row by row, as many
//! times as an import needs passes, from a [`Source`] that opens it again each time.

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::Path;

use sha2::Digest;

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
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    #[error("the file changed while it was being imported")]
    Changed,
}

fn unreadable(e: std::io::Error) -> FileError {
    FileError::Unreadable(e.to_string())
}

/// Where a file's bytes come from: opened afresh for every pass over them.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// Bytes in memory (an upload).
    Bytes(&'a [u8]),
    /// A file on disk (the command line), read a piece at a time.
    File(&'a Path),
}

impl<'a> Source<'a> {
    pub fn open(&self) -> Result<Box<dyn Read + 'a>, FileError> {
        Ok(match *self {
            Source::Bytes(b) => Box::new(b),
            Source::File(path) => Box::new(std::io::BufReader::with_capacity(
                1 << 16,
                std::fs::File::open(path).map_err(unreadable)?,
            )),
        })
    }
}

/// What one pass over a file's bytes tells before any row is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub encoding: Encoding,
    /// The SHA-256 of the bytes, in hex: the import's id.
    pub sha256: String,
    /// Line breaks in the file (for a progress bar).
    pub lines: u64,
}

/// Bytes read per step of a pass.
const PIECE: usize = 1 << 16;

/// Reads the whole file once, never holding more than a piece of it: its SHA-256, its line count
/// and its encoding. A UTF-8 BOM wins; text that is valid UTF-8 is UTF-8; anything else must
/// decode as GB18030 (a superset of GBK and GB2312) without errors (a second pass).
pub fn scan(source: Source<'_>) -> Result<Scan, FileError> {
    let mut reader = source.open()?;
    let mut hash = sha2::Sha256::new();
    let mut lines = 0_u64;
    let mut utf8 = Utf8Check::default();
    let mut first = true;
    let mut bom = false;
    let mut buf = vec![0_u8; PIECE];
    loop {
        let n = read_some(&mut reader, &mut buf)?;
        if n == 0 {
            break;
        }
        let mut piece = &buf[..n];
        hash.update(piece);
        lines += piece.iter().filter(|&&b| b == b'\n').count() as u64;
        if first {
            first = false;
            // A BOM split across two reads is not worth handling: every reader here gives
            // at least three bytes at the start of a file that has them.
            if let Some(rest) = piece.strip_prefix(b"\xEF\xBB\xBF") {
                bom = true;
                utf8.offset = 3;
                piece = rest;
            }
        }
        utf8.feed(piece);
    }
    let sha256 = hex::encode(hash.finalize());
    let encoding = match (utf8.end(), bom) {
        (Ok(()), true) => Encoding::Utf8Bom,
        (Ok(()), false) => Encoding::Utf8,
        (Err(at), true) => return Err(FileError::Encoding(at)),
        (Err(_), false) => {
            check_gb18030(source)?;
            Encoding::Gb18030
        }
    };
    Ok(Scan {
        encoding,
        sha256,
        lines,
    })
}

/// `read`, retrying when interrupted.
fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize, FileError> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e)),
        }
    }
}

/// UTF-8 validation a piece at a time: a sequence split between two pieces is carried over.
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    /// Bytes checked so far (the offset of `carry`'s first byte).
    offset: usize,
    /// The first invalid byte's offset.
    bad: Option<usize>,
}

impl Utf8Check {
    fn feed(&mut self, piece: &[u8]) {
        if self.bad.is_some() {
            return;
        }
        let joined;
        let data = if self.carry.is_empty() {
            piece
        } else {
            self.carry.extend_from_slice(piece);
            joined = std::mem::take(&mut self.carry);
            &joined[..]
        };
        match std::str::from_utf8(data) {
            Ok(_) => {
                self.offset += data.len();
                self.carry.clear();
            }
            // Cut short at the end of the piece: the rest comes with the next one.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                self.offset += valid;
                self.carry = data[valid..].to_vec();
            }
            Err(e) => self.bad = Some(self.offset + e.valid_up_to()),
        }
    }

    fn end(self) -> Result<(), usize> {
        match self.bad {
            Some(at) => Err(at),
            None if !self.carry.is_empty() => Err(self.offset),
            None => Ok(()),
        }
    }
}

/// Decodes the whole file as GB18030, a piece at a time, to find its first undecodable byte.
fn check_gb18030(source: Source<'_>) -> Result<(), FileError> {
    let mut decoded = Gb18030Reader::new(source.open()?);
    let mut sink = vec![0_u8; PIECE];
    loop {
        match decoded.read(&mut sink) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(FileError::Encoding(decoded.bad_at.unwrap_or(0)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(unreadable(e)),
        }
    }
}

/// GB18030 bytes read as UTF-8, a piece at a time; undecodable bytes are an `InvalidData` error
/// (with their offset in `bad_at`).
struct Gb18030Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    /// `input[in_start..in_end]` waits to be decoded.
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    /// `output[out_start..out_end]` is decoded and not yet read.
    out_start: usize,
    out_end: usize,
    /// Bytes of the source decoded so far.
    consumed: usize,
    eof: bool,
    /// The decoder saw the end of the input (it must not be used again).
    finished: bool,
    bad_at: Option<usize>,
}

impl<R: Read> Gb18030Reader<R> {
    fn new(inner: R) -> Self {
        Gb18030Reader {
            inner,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            input: vec![0; PIECE],
            in_start: 0,
            in_end: 0,
            output: vec![0; PIECE],
            out_start: 0,
            out_end: 0,
            consumed: 0,
            eof: false,
            finished: false,
            bad_at: None,
        }
    }

    /// Decodes the next piece into `output`; false at the end.
    fn refill(&mut self) -> std::io::Result<bool> {
        while !self.finished {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                (self.in_start, self.in_end, self.eof) = (0, n, n == 0);
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.consumed += read;
            match result {
                encoding_rs::DecoderResult::Malformed(bad, after) => {
                    self.bad_at = Some(self.consumed - bad as usize - after as usize);
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "undecodable GB18030",
                    ));
                }
                encoding_rs::DecoderResult::InputEmpty if self.eof => self.finished = true,
                _ => {}
            }
            if written > 0 {
                (self.out_start, self.out_end) = (0, written);
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl<R: Read> Read for Gb18030Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.out_start == self.out_end && !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.out_end - self.out_start);
        out[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

/// One column a file may carry: the field name and the header spellings that mean it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

/// A data row: its first line in the file (the header is line 1), its values by field, and the
/// problems of its cells that no field parser sees (a value under no header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    /// (field, trimmed cell) for each column the file has; a handful, so a Vec beats a map.
    pub values: Vec<(&'static str, String)>,
    pub errors: Vec<RowError>,
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

/// What a file's header says.
#[derive(Debug, Default, Clone)]
pub struct Header {
    /// Header texts that name no known column (kept out of the import, listed in the report).
    pub ignored_columns: Vec<String>,
    /// The header text the file uses for each field, for error reports.
    pub header_of: HashMap<&'static str, String>,
    /// The field of each column, by position.
    by_index: Vec<Option<&'static str>>,
}

fn header_key(h: &str) -> String {
    fold_width(h.trim_start_matches('\u{FEFF}'))
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A file's rows, read one at a time. Rows whose cells are all empty are skipped
/// (spreadsheets leave them at the end). A non-empty cell under no header is a row error.
pub struct Rows<'a> {
    csv: csv::Reader<Lines<Box<dyn Read + 'a>>>,
    record: csv::ByteRecord,
    pub header: Header,
    failed: bool,
}

/// Opens `source`, in the encoding [`scan`] found, and reads its header.
pub fn rows<'a>(
    source: Source<'a>,
    encoding: Encoding,
    columns: &[Column],
) -> Result<Rows<'a>, FileError> {
    let mut raw = source.open()?;
    let text: Box<dyn Read + 'a> = match encoding {
        Encoding::Utf8 => raw,
        Encoding::Utf8Bom => {
            let mut bom = [0_u8; 3];
            raw.read_exact(&mut bom).map_err(unreadable)?;
            raw
        }
        Encoding::Gb18030 => Box::new(Gb18030Reader::new(raw)),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Lines::new(text));
    let mut record = csv::ByteRecord::new();
    let header_read = csv.read_byte_record(&mut record);
    match header_read {
        Ok(true) => {}
        Ok(false) => return Err(FileError::Empty),
        Err(e) => return Err(csv_error(&mut csv, &e)),
    }
    let mut header = Header::default();
    for raw in record.iter() {
        let h = String::from_utf8_lossy(raw)
            .trim()
            .trim_start_matches('\u{FEFF}')
            .to_string();
        let key = header_key(&h);
        let col = columns
            .iter()
            .find(|c| c.field == key || c.headers.iter().any(|a| header_key(a) == key));
        match col {
            Some(c) if header.header_of.contains_key(c.field) => {
                return Err(FileError::DuplicateColumn(h));
            }
            Some(c) => {
                header.header_of.insert(c.field, h);
                header.by_index.push(Some(c.field));
            }
            None => {
                if !h.is_empty() {
                    header.ignored_columns.push(h);
                }
                header.by_index.push(None);
            }
        }
    }
    if let Some(c) = columns
        .iter()
        .find(|c| c.required && !header.header_of.contains_key(c.field))
    {
        return Err(FileError::MissingColumn(format!(
            "{} ({})",
            c.headers.first().unwrap_or(&c.field),
            c.field
        )));
    }
    Ok(Rows {
        csv,
        record,
        header,
        failed: false,
    })
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, FileError>;

    fn next(&mut self) -> Option<Result<Row, FileError>> {
        if self.failed {
            return None;
        }
        loop {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    self.failed = true;
                    return Some(Err(csv_error(&mut self.csv, &e)));
                }
            }
            let start = self.record.position().map_or(0, |p| p.byte());
            let line = self.csv.get_mut().line_at(start);
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let by_index = &self.header.by_index;
            let mut values = Vec::with_capacity(self.header.header_of.len());
            let mut errors = Vec::new();
            for (i, raw) in self.record.iter().enumerate() {
                // The text was decoded to UTF-8 already and csv splits only at ASCII bytes.
                // The quote an export puts before a formula-like cell comes off (see `cells`).
                let value = super::cells::restore(String::from_utf8_lossy(raw).trim()).to_string();
                match by_index.get(i).copied().flatten() {
                    Some(field) => values.push((field, value)),
                    None if value.is_empty() || by_index.get(i).is_some() => {}
                    None => errors.push(RowError {
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
            return Some(Ok(Row {
                line,
                values,
                errors,
            }));
        }
    }
}

fn csv_error<R: Read>(csv: &mut csv::Reader<Lines<R>>, e: &csv::Error) -> FileError {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if io.kind() == std::io::ErrorKind::InvalidData {
            return FileError::Encoding(0);
        }
        return FileError::Unreadable(io.to_string());
    }
    let line = e.position().map_or(0, |p| csv.get_mut().line_at(p.byte()));
    FileError::Csv {
        line,
        message: e.to_string(),
    }
}

/// A reader that remembers where its line breaks are until they are passed, so that a record's
/// byte offset gives its line (the csv crate's own line numbers count records, not the lines
/// that quoted line breaks add). Offsets asked for only grow.
struct Lines<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// Offsets of the `\r` and `\n` bytes read but not yet passed, with the byte.
    marks: VecDeque<(u64, u8)>,
    /// The line at the first byte not yet passed.
    line: usize,
}

impl<R> Lines<R> {
    fn new(inner: R) -> Self {
        Lines {
            inner,
            read: 0,
            marks: VecDeque::new(),
            line: 1,
        }
    }

    /// The line on which the record starting at byte `start` begins.
    fn line_at(&mut self, start: u64) -> usize {
        while let Some(&(at, b)) = self.marks.front() {
            if at >= start {
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            self.marks.pop_front();
        }
        // A record's position can point at the line break that ended the previous one.
        let blank = (start..)
            .zip(&self.marks)
            .take_while(|&(next, &(at, _))| at == next)
            .filter(|&(_, &(_, b))| b == b'\n')
            .count();
        self.line + blank
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.marks.push_back((self.read + i as u64, b));
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// A file's rows read whole (small files: the tests, and what needs every row at once).
#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<Row>,
    pub header: Header,
}

/// Reads the header and every row of UTF-8 text.
pub fn read(text: &str, columns: &[Column]) -> Result<Table, FileError> {
    let mut rows = rows(Source::Bytes(text.as_bytes()), Encoding::Utf8, columns)?;
    let mut table = Table::default();
    for row in rows.by_ref() {
        table.rows.push(row?);
    }
    table.header = rows.header;
    Ok(table)
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

    fn encoding_of(bytes: &[u8]) -> Result<Encoding, FileError> {
        scan(Source::Bytes(bytes)).map(|s| s.encoding)
    }

    /// The text of a file's first column, read in the encoding `scan` found.
    fn cells(bytes: &[u8]) -> Vec<String> {
        let enc = encoding_of(bytes).unwrap();
        rows(Source::Bytes(bytes), enc, COLUMNS)
            .unwrap()
            .map(|r| r.unwrap().get("code").unwrap())
            .collect()
    }

    #[test]
    fn encodings_are_detected() {
        assert_eq!(encoding_of("名称".as_bytes()).unwrap(), Encoding::Utf8);
        let bom = [b"\xEF\xBB\xBF".as_slice(), "代码,名称\n名称,x".as_bytes()].concat();
        assert_eq!(encoding_of(&bom).unwrap(), Encoding::Utf8Bom);
        assert_eq!(cells(&bom), ["名称"]);
        let (gbk, _, _) = encoding_rs::GBK.encode("代码,名称\n银川星光网吧,统一社会信用代码");
        assert_eq!(encoding_of(&gbk).unwrap(), Encoding::Gb18030);
        assert_eq!(cells(&gbk), ["银川星光网吧"]);
        assert!(matches!(
            encoding_of(b"\xFF\xFF\xFF"),
            Err(FileError::Encoding(_))
        ));
        // A BOM promises UTF-8: what follows must be.
        assert_eq!(
            encoding_of(b"\xEF\xBB\xBFab\xFF"),
            Err(FileError::Encoding(5))
        );
    }

    /// A file read a few bytes at a time: every multi-byte character split across two reads.
    struct Dribble<'a>(&'a [u8], usize);

    impl Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn characters_split_between_reads_are_decoded_whole() {
        let text = "代码,名称\n银川星光网吧,统一社会信用代码\n".repeat(5_000);
        for step in [1, 2, 3, 5, 7] {
            let mut check = Utf8Check::default();
            let mut piece = vec![0; step];
            let mut r = Dribble(text.as_bytes(), step);
            while let Ok(n @ 1..) = r.read(&mut piece) {
                check.feed(&piece[..n]);
            }
            assert_eq!(check.end(), Ok(()), "UTF-8 in pieces of {step}");
            let (gbk, _, _) = encoding_rs::GBK.encode(&text);
            let mut decoded = String::new();
            Gb18030Reader::new(Dribble(&gbk, step))
                .read_to_string(&mut decoded)
                .unwrap();
            assert_eq!(decoded, text, "GB18030 in pieces of {step}");
        }
        // A sequence cut off at the end of the file is invalid.
        let mut check = Utf8Check::default();
        check.feed(&"网".as_bytes()[..2]);
        assert_eq!(check.end(), Err(0));
    }

    #[test]
    fn a_scan_hashes_and_counts_lines_of_the_bytes_as_given() {
        let s = scan(Source::Bytes(b"a\r\nb\nc")).unwrap();
        assert_eq!(s.lines, 2);
        assert_eq!(s.sha256, hex::encode(sha2::Sha256::digest(b"a\r\nb\nc")));
    }

    #[test]
    fn headers_in_either_language_and_width_map_to_fields() {
        let t = read("ｃｏｄｅ , 名称 ,序号,\r\nA,B,1,\r\n", COLUMNS).unwrap();
        assert_eq!(t.rows[0].get("code").as_deref(), Some("A"));
        assert_eq!(t.rows[0].get("name").as_deref(), Some("B"));
        assert_eq!(t.header.ignored_columns, ["序号"]);
        assert!(t.rows[0].errors.is_empty());
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
    fn line_numbers_stay_right_across_the_readers_pieces() {
        // 20,000 rows, every third with a quoted line break and every seventh followed by a
        // blank line: far more than the csv reader's 8 KiB buffer.
        let mut text = String::from("代码,名称\r\n");
        let mut line = 2;
        let mut expected = Vec::new();
        for i in 0..20_000 {
            expected.push(line);
            if i % 3 == 0 {
                text.push_str(&format!("{i},\"第一行\r\n第二行\"\r\n"));
                line += 2;
            } else {
                text.push_str(&format!("{i},名称{i}\r\n"));
                line += 1;
            }
            if i % 7 == 0 {
                text.push_str("\r\n");
                line += 1;
            }
        }
        let t = read(&text, COLUMNS).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, expected);
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
        let errors = &t.rows[0].errors;
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].code), (2, "unexpected_column"));
    }
}

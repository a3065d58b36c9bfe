//! CSV imports of the directory and the roster (DESIGN §10): every bad row reported with its
//! line, all-or-nothing unless asked otherwise, idempotent upsert, one transaction.

use super::events::{self, Event};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::snapshots::{self, EntitySnapshot, ImportSnapshot, InspectorSnapshot};
use super::{Actor, App, ConflictKind, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::entity::{EntityFields, EntityRecord};
use crate::domain::field::FieldError;
use crate::domain::inspector::InspectorFields;
use crate::domain::policy::Action;
/// Where an import's file comes from (an upload's bytes, or a path on the command line).
pub use crate::io::table::Source;
use crate::io::table::{self, Column, Encoding, FileError, Header, Row, RowError, Scan};
use crate::io::{entities_csv, inspectors_csv};
use crate::store::{self, bulk_write_tx, entities::Stored, AnyConn};

/// One rejected row (or, with `line` 1, a problem with the header).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportError {
    pub line: usize,
    /// The column's header as the file writes it.
    pub column: String,
    /// The API's field name for the column.
    pub field: String,
    pub code: String,
    pub message: String,
    /// The message in Chinese (sent unless English is asked for).
    #[serde(skip)]
    pub zh: String,
}

impl ImportReport {
    /// The report with every error's message in `lang`.
    pub fn in_lang(mut self, lang: crate::domain::i18n::Lang) -> ImportReport {
        if lang == crate::domain::i18n::Lang::Zh {
            for e in &mut self.errors {
                e.message = e.zh.clone();
            }
        }
        self
    }
}

/// What an import did, or would have done.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub encoding: Option<Encoding>,
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub errors: Vec<ImportError>,
    pub ignored_columns: Vec<String>,
    /// Whether anything was written (false when the file was refused, or for a dry run).
    pub written: bool,
    /// A dry run: `inserted`, `updated` and `unchanged` say what the import would do; nothing was
    /// written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// A penalty import's id (the file's SHA-256): a reviewer approves and publishes the
    /// decisions it brought in by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
}

/// The outcome: `Ok` when written, `Err(Refused)` with the full report when nothing was.
#[derive(Debug)]
pub enum ImportFailure {
    Refused(ImportReport),
    Service(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        ImportFailure::Service(e.into())
    }
}

/// Which pass over the rows an import is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Validating,
    Writing,
}

/// Called with the phase and the rows done in it so far (for the CLI's progress bar).
pub type Progress<'a> = &'a dyn Fn(Phase, usize);

/// Why a file cannot be read, in Chinese.
fn file_error_zh(e: &FileError) -> String {
    match e {
        FileError::Encoding(at) => format!(
            "文件既不是 UTF-8 也不是 GB18030/GBK 编码的文本（第 {at} 字节处无法解码）；请在 Excel 中另存为“CSV UTF-8”"
        ),
        FileError::Empty => "文件为空：第一行须为列名".into(),
        FileError::MissingColumn(c) => format!("表头缺少“{c}”列"),
        FileError::DuplicateColumn(c) => format!("表头中“{c}”列出现了两次"),
        FileError::Csv { line, message } => format!("第 {line} 行不是有效的 CSV：{message}"),
        FileError::Unreadable(e) => format!("无法读取文件：{e}"),
        FileError::Changed => "导入过程中文件被修改；请重新导入".into(),
    }
}

/// A file that cannot be read, as a refusal with one error (line 1 for the header's problems).
fn refusal(e: FileError, encoding: Option<Encoding>) -> ImportFailure {
    let (line, code) = match &e {
        FileError::Csv { line, .. } => (*line, "csv"),
        FileError::Encoding(_) => (0, "encoding"),
        FileError::Empty => (1, "empty"),
        FileError::MissingColumn(_) => (1, "missing_column"),
        FileError::DuplicateColumn(_) => (1, "duplicate_column"),
        FileError::Unreadable(_) => (0, "unreadable"),
        FileError::Changed => (0, "changed"),
    };
    ImportFailure::Refused(ImportReport {
        encoding,
        errors: vec![ImportError {
            line,
            column: String::new(),
            field: "file".into(),
            code: code.into(),
            message: e.to_string(),
            zh: file_error_zh(&e),
        }],
        ..ImportReport::default()
    })
}

fn row_error(header: &Header, line: usize, e: FieldError) -> ImportError {
    let column = header
        .header_of
        .iter()
        .find(|(f, _)| **f == e.field)
        .map_or_else(|| e.field.clone(), |(_, h)| h.clone());
    ImportError {
        line,
        column,
        field: e.field,
        code: e.code,
        message: e.message,
        zh: e.zh,
    }
}

fn unheaded(e: RowError) -> ImportError {
    let zh = crate::domain::i18n::generic(&e.column, e.code);
    ImportError {
        line: e.line,
        column: e.column,
        field: String::new(),
        zh,
        code: e.code.into(),
        message: e.message,
    }
}

/// The hasher of a set of key hashes: they are hashes already (uniform 64-bit values), so the set
/// uses them as they are instead of hashing them again.
#[derive(Default)]
pub(super) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; anything else is folded in rather than lost.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A set of a file's line numbers, one bit each (a province's file has millions of lines).
#[derive(Debug, Default)]
pub(super) struct LineSet(Vec<u64>);

impl LineSet {
    pub(super) fn insert(&mut self, line: usize) {
        let (word, bit) = (line / 64, line % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    pub(super) fn contains(&self, line: usize) -> bool {
        self.0
            .get(line / 64)
            .is_some_and(|w| w & (1 << (line % 64)) != 0)
    }
}

/// A file read and validated without holding its rows (issue 27): what the report and the write
/// pass need.
#[derive(Debug)]
pub(super) struct Checked {
    pub scan: Scan,
    pub header: Header,
    /// Data rows read.
    pub rows: usize,
    /// Every rejected row's errors, in line order.
    pub errors: Vec<ImportError>,
    /// Lines the write pass leaves out: rejected, or holding what is stored already.
    pub skip: LineSet,
    /// Rows that hold what is stored already.
    pub unchanged: usize,
}

impl Checked {
    /// Rejects `line` with `e`.
    pub(super) fn reject(&mut self, line: usize, e: ImportError) {
        self.errors.push(e);
        self.skip.insert(line);
    }

    /// `line` holds what is stored already.
    pub(super) fn unchanged(&mut self, line: usize) {
        self.unchanged += 1;
        self.skip.insert(line);
    }

    /// The report so far.
    pub(super) fn report(&self) -> ImportReport {
        let mut rejected_lines: Vec<usize> = self.errors.iter().map(|e| e.line).collect();
        rejected_lines.dedup();
        ImportReport {
            encoding: Some(self.scan.encoding),
            rows: self.rows,
            rejected: rejected_lines.len(),
            unchanged: self.unchanged,
            errors: self.errors.clone(),
            ignored_columns: self.header.ignored_columns.clone(),
            ..ImportReport::default()
        }
    }
}

/// Good rows handed to a caller at a time while checking (a lookup's worth).
const CHECK_CHUNK: usize = 1_000;

/// Reads the file (scanning it first), parses every row with `parse`, and rejects rows whose
/// key repeats an earlier row's; `judge` sees the good rows a thousand at a time and may reject
/// them or mark them unchanged (against what is stored). Only the keys' 64-bit hashes are kept;
/// a hash met twice is confirmed by reading the two rows again.
pub(super) fn check<T>(
    source: Source<'_>,
    columns: &[Column],
    parse: impl Fn(&Row) -> Result<T, Vec<FieldError>>,
    key: impl Fn(&T) -> String,
    key_field: &str,
    progress: Progress<'_>,
    judge: impl FnMut(&mut Checked, &[(usize, T)]) -> Result<(), ServiceError>,
) -> Result<Checked, ImportFailure> {
    use std::hash::BuildHasher;
    let hasher = std::collections::hash_map::RandomState::new();
    let hash = |k: &str| hasher.hash_one(k);
    check_hashed(
        source, columns, parse, key, key_field, progress, judge, hash,
    )
}

/// [`check`] with the keys' hash function given (the tests make every key collide).
#[allow(clippy::too_many_arguments)]
fn check_hashed<T>(
    source: Source<'_>,
    columns: &[Column],
    parse: impl Fn(&Row) -> Result<T, Vec<FieldError>>,
    key: impl Fn(&T) -> String,
    key_field: &str,
    progress: Progress<'_>,
    mut judge: impl FnMut(&mut Checked, &[(usize, T)]) -> Result<(), ServiceError>,
    hash: impl Fn(&str) -> u64,
) -> Result<Checked, ImportFailure> {
    let scan = table::scan(source).map_err(|e| refusal(e, None))?;
    let encoding = Some(scan.encoding);
    let mut rows = table::rows(source, scan.encoding, columns).map_err(|e| refusal(e, encoding))?;
    let mut checked = Checked {
        scan,
        header: rows.header.clone(),
        rows: 0,
        errors: Vec::new(),
        skip: LineSet::default(),
        unchanged: 0,
    };
    // Only the hashes (8 bytes a row plus the table's slack: 150 MB at 10,000,000 rows, where a
    // map to the first line took 285 MB); the first line of a hash met again is found when the
    // file is read again.
    let mut seen: HashSet<u64, BuildHasherDefault<Prehashed>> = HashSet::default();
    // (line, key hash) of the rows whose key hash was met before.
    let mut suspects: Vec<(usize, u64)> = Vec::new();
    let mut batch: Vec<(usize, T)> = Vec::with_capacity(CHECK_CHUNK);
    for row in rows.by_ref() {
        let row = row.map_err(|e| refusal(e, encoding))?;
        checked.rows += 1;
        let line = row.line;
        let parsed = parse(&row);
        let unheaded_cells = !row.errors.is_empty();
        for e in row.errors {
            checked.reject(line, unheaded(e));
        }
        match parsed {
            Err(errors) => {
                for e in errors {
                    let e = row_error(&checked.header, line, e);
                    checked.reject(line, e);
                }
            }
            Ok(_) if unheaded_cells => {}
            Ok(v) => {
                let h = hash(&key(&v));
                if seen.insert(h) {
                    batch.push((line, v));
                } else {
                    suspects.push((line, h));
                }
            }
        }
        if batch.len() == CHECK_CHUNK {
            judge(&mut checked, &batch)?;
            batch.clear();
        }
        if checked.rows % 10_000 == 0 {
            progress(Phase::Validating, checked.rows);
        }
    }
    judge(&mut checked, &batch)?;
    batch.clear();
    drop(seen);
    if !suspects.is_empty() {
        // Read again: every row with a suspect's key hash, in file order, compared by its whole
        // key. A true repeat is rejected; a row that only shared a hash is good (and judged now:
        // the first row of each hash was judged already).
        let hashes: HashSet<u64> = suspects.iter().map(|&(_, h)| h).collect();
        let lines: HashSet<usize> = suspects.iter().map(|&(l, _)| l).collect();
        let mut firsts: HashMap<String, usize> = HashMap::new();
        let mut good = Vec::new();
        let again = table::rows(source, checked.scan.encoding, columns)
            .map_err(|e| refusal(e, encoding))?;
        for row in again {
            let row = row.map_err(|e| refusal(e, encoding))?;
            if !row.errors.is_empty() {
                continue;
            }
            let Ok(v) = parse(&row) else { continue };
            let k = key(&v);
            if !hashes.contains(&hash(&k)) {
                continue;
            }
            match (lines.contains(&row.line), firsts.get(&k)) {
                (true, Some(&first)) => {
                    let e = row_error(
                        &checked.header,
                        row.line,
                        FieldError::new(
                            key_field,
                            "duplicate",
                            format!("{k} is already on line {first} of this file"),
                        ),
                    );
                    checked.reject(row.line, e);
                }
                (suspect, _) => {
                    firsts.insert(k, row.line);
                    if suspect {
                        good.push((row.line, v));
                    }
                }
            }
        }
        for part in good.chunks(CHECK_CHUNK) {
            judge(&mut checked, part)?;
        }
    }
    checked.errors.sort_by_key(|e| e.line);
    Ok(checked)
}

/// Reads the file again and hands `write` its good rows (those `checked` does not skip), `chunk`
/// at a time, in file order; fails if the file changed since it was checked.
pub(super) fn each_chunk<T>(
    source: Source<'_>,
    checked: &Checked,
    columns: &[Column],
    parse: impl Fn(&Row) -> Result<T, Vec<FieldError>>,
    chunk: usize,
    mut write: impl FnMut(Vec<(usize, T)>) -> Result<(), ServiceError>,
) -> Result<(), ServiceError> {
    let changed = |_| ServiceError::from(FileError::Changed);
    let rows = table::rows(source, checked.scan.encoding, columns).map_err(changed)?;
    let mut batch = Vec::with_capacity(chunk.min(CHECK_CHUNK * 10));
    for row in rows {
        let row = row.map_err(changed)?;
        if checked.skip.contains(row.line) {
            continue;
        }
        let v = parse(&row).map_err(|_| ServiceError::from(FileError::Changed))?;
        batch.push((row.line, v));
        if batch.len() == chunk {
            write(std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        write(batch)?;
    }
    if table::scan(source).map_err(changed)?.sha256 != checked.scan.sha256 {
        return Err(FileError::Changed.into());
    }
    Ok(())
}

/// Imports the market-entity directory from a CSV file, never holding its rows all at once:
/// checked in one pass (rows already stored as they are counted as unchanged), written in
/// another, in one transaction.
pub fn entities(
    app: &App,
    actor: &Actor,
    source: Source<'_>,
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportFailure> {
    actor.require(Action::EditDirectory)?;
    let mut phases = Phases::start();
    // Categories are only ever added, so what resolves now stays valid until the write.
    let categories = super::categories::vocabulary(&mut *app.conn()?)?;
    let parse = |row: &Row| EntityFields::parse(&entities_csv::raw(row), &categories);
    // The lines whose entity is stored with other content: the write pass looks up only these.
    // A lookup after the import's first writes would be planned by PostgreSQL from statistics of
    // the table before the import (a first import's empty table: a sequential scan per chunk,
    // quadratic in the file's size), so a first import, whose rows are all new, looks up nothing.
    let mut differs = LineSet::default();
    let mut updates = 0;
    let checked = {
        let mut conn = app.conn()?;
        check(
            source,
            entities_csv::COLUMNS,
            parse,
            |f| f.credit_code.to_string(),
            "credit_code",
            progress,
            |checked, rows| {
                let fields: Vec<&EntityFields> = rows.iter().map(|(_, f)| f).collect();
                let stored = store::entities::compare_stored(&mut conn, &fields)?;
                for (line, f) in rows {
                    match stored.get(f.credit_code.as_str()) {
                        Some(Stored::Same) => checked.unchanged(*line),
                        Some(Stored::Differs(_)) => {
                            differs.insert(*line);
                            updates += 1;
                        }
                        None => {}
                    }
                }
                Ok(())
            },
        )?
    };
    let mut report = checked.report();
    phases.done("read and validate");
    if !report.errors.is_empty() && !skip_invalid {
        return Err(ImportFailure::Refused(report));
    }
    let now = app.now();
    let good = checked.rows - report.rejected - checked.unchanged;
    let mut conn = app.conn()?;
    let conn = &mut *conn;
    let report = bulk_write_tx(conn, |conn| {
        // Chunk by chunk, so the records and audit entries of a large file are never all in
        // memory at once; the one transaction still makes the file all-or-nothing.
        let mut ids = store::entities::IdSupply::start(app.db(), good.saturating_sub(updates));
        let mut done = 0;
        // The name index is written once, in key order, after every entity (see Tally).
        let mut tally = store::entities::Tally::deferring();
        each_chunk(
            source,
            &checked,
            entities_csv::COLUMNS,
            parse,
            WRITE_CHUNK,
            |chunk| {
                let fields: Vec<&EntityFields> = chunk
                    .iter()
                    .filter(|(line, _)| differs.contains(*line))
                    .map(|(_, f)| f)
                    .collect();
                let stored = store::entities::compare_stored(conn, &fields)?;
                phases.done("look up stored");
                let mut audits = Vec::new();
                let mut new = Vec::new();
                for (_, fields) in &chunk {
                    match stored.get(fields.credit_code.as_str()) {
                        None => new.push(fields.clone()),
                        // Changed back to what the file holds since the check.
                        Some(Stored::Same) => report.unchanged += 1,
                        Some(Stored::Differs(before)) => {
                            if !store::entities::update_if_version_tallied(
                                conn,
                                before,
                                before.version,
                                fields,
                                now,
                                &mut tally,
                            )? {
                                return Err(ServiceError::conflict(
                                    ConflictKind::StaleVersion,
                                    format!(
                                    "entity {} changed while the file was imported; import again",
                                    fields.credit_code
                                ),
                                ));
                            }
                            let mut after: EntityRecord = (**before).clone();
                            after.fields = fields.clone();
                            after.version += 1;
                            audits.push(Event {
                                actor: &actor.name,
                                action: AuditAction::EntityImportUpdate,
                                object_type: "entity",
                                object_id: fields.credit_code.to_string(),
                                before: Some(snapshots::json(&EntitySnapshot::from(&**before))),
                                after: Some(snapshots::json(&EntitySnapshot::from(&after))),
                            });
                            report.updated += 1;
                        }
                    }
                }
                // The progress bar moves per part inserted, not only once per chunk.
                let mut written = chunk.len() - new.len();
                for part in new.chunks(PROGRESS_STEP) {
                    let records =
                        store::entities::insert_tallied(conn, part, now, &mut tally, &mut ids)?;
                    phases.done("insert entities");
                    for record in records {
                        audits.push(Event {
                            actor: &actor.name,
                            action: AuditAction::EntityImportCreate,
                            object_type: "entity",
                            object_id: record.fields.credit_code.to_string(),
                            before: None,
                            after: Some(snapshots::json(&EntitySnapshot::from(&record))),
                        });
                    }
                    phases.done("audit snapshots");
                    written += part.len();
                    progress(Phase::Writing, done + written);
                }
                report.inserted += new.len();
                events::record_all(conn, audits, now)?;
                phases.done("append audit");
                done += chunk.len();
                progress(Phase::Writing, done);
                Ok(())
            },
        )?;
        store::entities::write_name_counts(conn, tally)?;
        phases.done("name index");
        finish(
            conn,
            actor,
            &mut report,
            Vec::new(),
            "entities",
            checked.scan.sha256.clone(),
            now,
        )
    })
    .map_err(ImportFailure::Service)?;
    phases.done("finish and commit");
    phases.log();
    if report.inserted + report.updated >= STATISTICS_AFTER {
        // The import is committed: a failed ANALYZE only leaves the planner's old statistics.
        if let Err(e) = store::entities::refresh_statistics(conn) {
            tracing::warn!(error = %e, "could not refresh the planner's statistics after an import");
        }
    }
    Ok(report)
}

/// Rows written and audited together: the rows a write holds in memory at once.
const WRITE_CHUNK: usize = 20_000;

/// New rows inserted between two progress reports.
const PROGRESS_STEP: usize = 10_000;

/// Changed rows after which an import refreshes the planner's statistics (PostgreSQL plans the
/// name search from them, and autovacuum may be off or not yet have run).
const STATISTICS_AFTER: usize = 10_000;

/// Imports the inspector roster from a CSV file (admin). Today bounds ID-number birth dates.
/// A roster has hundreds of officers: its good rows are written in one chunk.
pub fn inspectors(
    app: &App,
    actor: &Actor,
    source: Source<'_>,
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportFailure> {
    actor.require(Action::ManageRoster)?;
    let today = app.today();
    let categories = super::categories::vocabulary(&mut *app.conn()?)?;
    let parse = |row: &Row| InspectorFields::parse(&inspectors_csv::raw(row), &categories, today);
    let checked = check(
        source,
        inspectors_csv::COLUMNS,
        parse,
        |f| f.certificate_no.as_str().to_string(),
        "certificate_no",
        progress,
        |_, _| Ok(()),
    )?;
    let mut report = checked.report();
    if !report.errors.is_empty() && !skip_invalid {
        return Err(ImportFailure::Refused(report));
    }
    let now = app.now();
    let digest = checked.scan.sha256.clone();
    bulk_write_tx(&mut *app.conn()?, |conn| {
        let mut good = Vec::new();
        each_chunk(
            source,
            &checked,
            inspectors_csv::COLUMNS,
            parse,
            usize::MAX,
            |chunk| {
                good = chunk;
                Ok(())
            },
        )?;
        let mut audits = Vec::new();
        for (_, fields) in &good {
            match store::inspectors::by_certificate_no(conn, fields.certificate_no.as_str())? {
                None => {
                    let record = store::inspectors::insert(conn, fields, now)?;
                    audits.push(Event {
                        actor: &actor.name,
                        action: AuditAction::InspectorImportCreate,
                        object_type: "inspector",
                        object_id: record.id.to_string(),
                        before: None,
                        after: Some(snapshots::json(&InspectorSnapshot::from(&record))),
                    });
                    report.inserted += 1;
                }
                Some(before) if before.fields == *fields => report.unchanged += 1,
                Some(before) => {
                    let after = store::inspectors::update_if_version(
                        conn,
                        &before,
                        before.version,
                        fields,
                        now,
                    )?
                    .ok_or_else(|| {
                        ServiceError::conflict(
                            ConflictKind::StaleVersion,
                            format!(
                                "inspector {} changed while the file was imported; import again",
                                fields.certificate_no.as_str()
                            ),
                        )
                    })?;
                    audits.push(Event {
                        actor: &actor.name,
                        action: AuditAction::InspectorImportUpdate,
                        object_type: "inspector",
                        object_id: before.id.to_string(),
                        before: Some(snapshots::json(&InspectorSnapshot::from(&before))),
                        after: Some(snapshots::json(&InspectorSnapshot::from(&after))),
                    });
                    report.updated += 1;
                }
            }
        }
        finish(conn, actor, &mut report, audits, "inspectors", digest, now)
    })
    .map_err(ImportFailure::Service)
}

/// Appends the remaining per-row audit records and, when anything changed, one record for the
/// import itself (the file's SHA-256 and the counts), so an auditor can tie the rows to the file.
pub(super) fn finish<'a>(
    conn: &mut AnyConn,
    actor: &'a Actor,
    report: &mut ImportReport,
    mut audits: Vec<Event<'a>>,
    what: &str,
    digest: String,
    now: chrono::NaiveDateTime,
) -> Result<ImportReport, ServiceError> {
    if report.inserted + report.updated > 0 {
        audits.push(Event {
            actor: &actor.name,
            action: AuditAction::Import,
            object_type: "import",
            object_id: digest,
            before: None,
            after: Some(snapshots::json(&ImportSnapshot {
                what,
                rows: report.rows,
                inserted: report.inserted,
                updated: report.updated,
                unchanged: report.unchanged,
                rejected: report.rejected,
            })),
        });
    }
    events::record_all(conn, audits, now)?;
    report.written = true;
    Ok(report.clone())
}

/// Where an import's time went, phase by phase (summed over chunks), logged at debug level
/// (`GONGSHI_LOG=gongshi=debug`).
struct Phases {
    last: std::time::Instant,
    spent: Vec<(&'static str, std::time::Duration)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
            spent: Vec::new(),
        }
    }

    /// The time since the previous phase ended goes to `phase`.
    fn done(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        let took = now - std::mem::replace(&mut self.last, now);
        match self.spent.iter_mut().find(|(p, _)| *p == phase) {
            Some((_, d)) => *d += took,
            None => self.spent.push((phase, took)),
        }
    }

    fn log(&self) {
        let phases: Vec<String> = self
            .spent
            .iter()
            .map(|(p, d)| format!("{p} {:.2} s", d.as_secs_f64()))
            .collect();
        tracing::debug!(phases = %phases.join(", "), "import phases");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[table::col("code", &["代码"], true)];

    fn code(row: &Row) -> Result<String, Vec<FieldError>> {
        match row.get("code") {
            Some(c) if !c.is_empty() => Ok(c),
            _ => Err(vec![FieldError::new(
                "code",
                "required",
                "a code is needed",
            )]),
        }
    }

    /// (line, code or value) pairs.
    type Lines = Vec<(usize, String)>;

    /// Checks `text` with `hash`; the rejected lines with their codes, and the judged lines.
    fn checked_with(text: &str, hash: impl Fn(&str) -> u64) -> (Lines, Lines) {
        let mut judged = Vec::new();
        let checked = check_hashed(
            Source::Bytes(text.as_bytes()),
            COLUMNS,
            code,
            |c: &String| c.clone(),
            "code",
            &|_, _| {},
            |_, rows| {
                judged.extend(rows.iter().cloned());
                Ok(())
            },
            hash,
        )
        .unwrap();
        let errors = checked
            .errors
            .iter()
            .map(|e| (e.line, e.code.clone()))
            .collect();
        judged.sort();
        (errors, judged)
    }

    #[test]
    fn repeated_keys_are_found_whether_or_not_other_keys_share_their_hash() {
        let text = "代码\na\nb\na\n\nc\nb\nd\n";
        let honest = checked_with(text, |k| {
            use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
            BuildHasherDefault::<DefaultHasher>::default().hash_one(k)
        });
        // Every key the same hash: each row is read again and compared by its whole key.
        let colliding = checked_with(text, |_| 0);
        let expected = (
            vec![(4, "duplicate".to_string()), (7, "duplicate".to_string())],
            vec![
                (2, "a".to_string()),
                (3, "b".to_string()),
                (6, "c".to_string()),
                (8, "d".to_string()),
            ],
        );
        assert_eq!(honest, expected);
        assert_eq!(colliding, expected);
    }

    #[test]
    fn a_file_changed_after_its_check_fails_the_write_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entities.csv");
        std::fs::write(&path, "代码\na\nb\nc\n").unwrap();
        let source = Source::File(&path);
        let checked = check(
            source,
            COLUMNS,
            code,
            |c| c.clone(),
            "code",
            &|_, _| {},
            |_, _| Ok(()),
        )
        .unwrap();
        assert_eq!(checked.scan.lines, 4);
        let mut written = Vec::new();
        each_chunk(source, &checked, COLUMNS, code, 2, |rows| {
            written.extend(rows);
            Ok(())
        })
        .unwrap();
        assert_eq!(written.len(), 3);
        // Changed while being written: the write pass fails (its transaction then rolls back).
        let mut first = true;
        let result = each_chunk(source, &checked, COLUMNS, code, 1, |_| {
            if std::mem::take(&mut first) {
                std::fs::write(&path, "代码\na\nb\nx\n").unwrap();
            }
            Ok(())
        });
        assert!(
            matches!(result, Err(ServiceError::Said { .. })),
            "{result:?}"
        );
    }
}

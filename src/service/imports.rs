//! CSV imports of the directory and the roster (DESIGN §10): every bad row reported with its
//! line, all-or-nothing unless asked otherwise, idempotent upsert, one transaction.

use super::events::{self, Event};
use std::collections::HashMap;

use sha2::Digest;

use super::snapshots::{self, EntitySnapshot, ImportSnapshot, InspectorSnapshot};
use super::{Actor, App, ConflictKind, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::entity::{EntityFields, EntityRecord};
use crate::domain::field::FieldError;
use crate::domain::inspector::InspectorFields;
use crate::domain::policy::Action;
use crate::io::table::{self, Column, Encoding, FileError, Row, RowError};
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
    }
}

/// Decodes and reads a file; a file that cannot be read is refused with one line-1 error.
pub(super) fn read_file(
    bytes: &[u8],
    columns: &[Column],
) -> Result<(table::Table, Encoding), ImportFailure> {
    let refuse = |e: FileError, encoding| {
        let (line, code) = match &e {
            FileError::Csv { line, .. } => (*line, "csv"),
            FileError::Encoding(_) => (0, "encoding"),
            FileError::Empty => (1, "empty"),
            FileError::MissingColumn(_) => (1, "missing_column"),
            FileError::DuplicateColumn(_) => (1, "duplicate_column"),
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
    };
    let (text, encoding) = table::decode(bytes).map_err(|e| refuse(e, None))?;
    let t = table::read(&text, columns).map_err(|e| refuse(e, Some(encoding)))?;
    Ok((t, encoding))
}

fn row_error(t: &table::Table, line: usize, e: FieldError) -> ImportError {
    let column = t
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

/// Parses every row with `parse`, and reports rows whose key repeats an earlier row's.
pub(super) fn validate<T>(
    t: &table::Table,
    parse: impl Fn(&Row) -> Result<T, Vec<FieldError>>,
    key: impl Fn(&T) -> String,
    key_field: &str,
    progress: Progress<'_>,
) -> (Vec<(usize, T)>, Vec<ImportError>) {
    let mut bad: HashMap<usize, Vec<ImportError>> = HashMap::new();
    for e in t.errors.iter().cloned() {
        bad.entry(e.line).or_default().push(unheaded(e));
    }
    let mut good = Vec::with_capacity(t.rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in t.rows.iter().enumerate() {
        match parse(row) {
            Ok(v) => {
                let k = key(&v);
                if let Some(first) = seen.get(&k) {
                    bad.entry(row.line).or_default().push(row_error(
                        t,
                        row.line,
                        FieldError::new(
                            key_field,
                            "duplicate",
                            format!("{k} is already on line {first} of this file"),
                        ),
                    ));
                } else {
                    seen.insert(k, row.line);
                    good.push((row.line, v));
                }
            }
            Err(errors) => bad
                .entry(row.line)
                .or_default()
                .extend(errors.into_iter().map(|e| row_error(t, row.line, e))),
        }
        if i % 10_000 == 9_999 {
            progress(Phase::Validating, i + 1);
        }
    }
    good.retain(|(line, _)| !bad.contains_key(line));
    let mut errors: Vec<ImportError> = bad.into_values().flatten().collect();
    errors.sort_by_key(|e| e.line);
    (good, errors)
}

/// Imports the market-entity directory from CSV bytes.
pub fn entities(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportFailure> {
    actor.require(Action::EditDirectory)?;
    let mut phases = Phases::start();
    let (t, encoding) = read_file(bytes, entities_csv::COLUMNS)?;
    // Categories are only ever added, so what resolves now stays valid until the write.
    let categories = super::categories::vocabulary(&mut *app.conn()?)?;
    let (good, errors) = validate(
        &t,
        |row| EntityFields::parse(&entities_csv::raw(row), &categories),
        |f| f.credit_code.to_string(),
        "credit_code",
        progress,
    );
    let mut report = start_report(&t, encoding, errors);
    let mut good = good;
    good.sort_unstable_by(|a, b| a.1.credit_code.as_str().cmp(b.1.credit_code.as_str()));
    phases.done("read and validate");
    if !report.errors.is_empty() && !skip_invalid {
        return Err(ImportFailure::Refused(report));
    }
    let now = app.now();
    let digest = hex::encode(sha2::Sha256::digest(bytes));
    let mut conn = app.conn()?;
    let conn = &mut *conn;
    let report = bulk_write_tx(conn, |conn| {
        // Chunk by chunk, so the records and audit entries of a large file are never all in
        // memory at once; the one transaction still makes the file all-or-nothing.
        // Every lookup before the first write: the planner's view of the table (PostgreSQL
        // has statistics only for what is committed) stays the one it has statistics for.
        let fields: Vec<&EntityFields> = good.iter().map(|(_, f)| f).collect();
        let stored = store::entities::compare_stored(conn, &fields)?;
        let mut ids = store::entities::IdSupply::start(app.db(), fields.len() - stored.len());
        phases.done("look up stored");
        let mut done = 0;
        // The name index is written once, in key order, after every entity (see Tally).
        let mut tally = store::entities::Tally::deferring();
        for chunk in good.chunks(WRITE_CHUNK) {
            let mut audits = Vec::new();
            let mut new = Vec::new();
            for (_, fields) in chunk {
                match stored.get(fields.credit_code.as_str()) {
                    None => new.push(fields.clone()),
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
        }
        store::entities::write_name_counts(conn, tally)?;
        phases.done("name index");
        finish(
            conn,
            actor,
            &mut report,
            Vec::new(),
            "entities",
            digest,
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

/// Rows written and audited together (smaller chunks measured slower; benches/RESULTS.md).
const WRITE_CHUNK: usize = 250_000;

/// New rows inserted between two progress reports.
const PROGRESS_STEP: usize = 10_000;

/// Changed rows after which an import refreshes the planner's statistics (PostgreSQL plans the
/// name search from them, and autovacuum may be off or not yet have run).
const STATISTICS_AFTER: usize = 10_000;

/// Imports the inspector roster from CSV bytes (admin). Today bounds ID-number birth dates.
pub fn inspectors(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportFailure> {
    actor.require(Action::ManageRoster)?;
    let today = app.today();
    let (t, encoding) = read_file(bytes, inspectors_csv::COLUMNS)?;
    let categories = super::categories::vocabulary(&mut *app.conn()?)?;
    let (good, errors) = validate(
        &t,
        |row| InspectorFields::parse(&inspectors_csv::raw(row), &categories, today),
        |f| f.certificate_no.as_str().to_string(),
        "certificate_no",
        progress,
    );
    let mut report = start_report(&t, encoding, errors);
    if !report.errors.is_empty() && !skip_invalid {
        return Err(ImportFailure::Refused(report));
    }
    let now = app.now();
    let digest = hex::encode(sha2::Sha256::digest(bytes));
    bulk_write_tx(&mut *app.conn()?, |conn| {
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

pub(super) fn start_report(
    t: &table::Table,
    encoding: Encoding,
    errors: Vec<ImportError>,
) -> ImportReport {
    let mut rejected_lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    rejected_lines.dedup();
    ImportReport {
        encoding: Some(encoding),
        rows: t.rows.len(),
        rejected: rejected_lines.len(),
        errors,
        ignored_columns: t.ignored_columns.clone(),
        ..ImportReport::default()
    }
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

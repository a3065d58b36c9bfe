//! Penalty decisions in the national platform's 双公示 layout (reference §1.3): import and export
//! (staff only: the layout's private columns; audited). Chinese headers or the CF_* column names;
//! 万元 amounts converted to 分 exactly.
//!
//! An import goes through review like any decision (issue 25, 先审后发): its decisions enter as
//! `submitted`, marked imported, and a reviewer approves and publishes them ([`publish_import`]
//! does a whole import at once). Moving legacy records that were published elsewhere in is
//! `already_published` (a reviewer's or an admin's), audited as such on each record. A dry run
//! validates everything and reports what would be created, left unchanged or refused, writing
//! nothing.

use super::events::{self, Event};

use super::imports::{
    check, each_chunk, finish, ImportError, ImportFailure, ImportReport, Phase, Progress,
};
use super::snapshots::{self, PenaltySnapshot};
use super::{Actor, App, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::field::FieldError;
use crate::domain::penalty::fields::{Context, PenaltyFields};
use crate::domain::penalty::number::DecisionNumber;
use crate::domain::penalty::record::{Authority, PenaltyRecord, Workflow};
use crate::domain::penalty::workflow::State;
use crate::domain::policy::Action;
use crate::io::penalties_csv;
use crate::io::table::Source;
use crate::store::penalties::NewPenalty;
use crate::store::{self, write_tx};

/// A parsed row: its authority, its fields and its number.
struct Row {
    authority: i64,
    fields: PenaltyFields,
    number: DecisionNumber,
}

/// The authority a row names (by credit code, then by name); when it names none, the one the
/// importing account is bound to, or the only one set up.
fn authority_of<'a>(
    all: &'a [Authority],
    name: Option<&str>,
    code: Option<&str>,
    bound: Option<i64>,
) -> Result<&'a Authority, FieldError> {
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) {
        return all
            .iter()
            .find(|a| a.fields.credit_code.as_str() == code.to_uppercase())
            .ok_or_else(|| {
                FieldError::new(
                    "authority_credit_code",
                    "unknown",
                    format!("no authority with credit code {code} is set up"),
                )
            });
    }
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        return all.iter().find(|a| a.fields.name == name).ok_or_else(|| {
            FieldError::new(
                "authority",
                "unknown",
                format!("no authority named {name} is set up"),
            )
        });
    }
    if let Some(own) = bound.and_then(|id| all.iter().find(|a| a.id == id)) {
        return Ok(own);
    }
    match all {
        [only] => Ok(only),
        _ => Err(FieldError::new(
            "authority",
            "required",
            "name the 处罚机关 (several are set up)",
        )),
    }
}

/// Decisions written (and their audit records built) at a time: the progress bar's step, and
/// what bounds the memory a COPY payload takes on PostgreSQL.
const WRITE_CHUNK: usize = 10_000;

/// How a penalty import runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the good rows and report the bad ones (default: nothing if any row is bad).
    pub skip_invalid: bool,
    /// Validate and report only; write nothing.
    pub dry_run: bool,
    /// Legacy records published elsewhere: they enter as published (reviewer or admin).
    pub already_published: bool,
}

/// Imports decisions from a CSV file: each enters as submitted (clerk) or, with
/// `already_published`, as published (reviewer, admin), marked imported. The file is checked in
/// one pass and written in another, never held whole (issue 27).
pub fn import(
    app: &App,
    actor: &Actor,
    source: Source<'_>,
    options: ImportOptions,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportFailure> {
    let skip_invalid = options.skip_invalid;
    actor.require(if options.already_published {
        Action::ImportPublishedPenalties
    } else {
        Action::DraftPenalties
    })?;
    let today = app.today();
    let authorities = store::authorities::list(&mut *app.conn()?)?;
    let parse = |row: &crate::io::table::Row| {
        let mut errors = Vec::new();
        let authority = match authority_of(
            &authorities,
            row.get("authority").as_deref(),
            row.get("authority_credit_code").as_deref(),
            actor.authority_id,
        ) {
            Ok(a) if actor.covers(a.id) => Some(a),
            Ok(_) => {
                errors.push(FieldError::new(
                    "authority",
                    "forbidden",
                    "this account imports only for its own authority",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let raw = penalties_csv::raw(row, &mut errors);
        let ctx = Context {
            today,
            officers: &[],
            party_category: None,
            legacy: true,
        };
        let parsed = PenaltyFields::parse(&raw, &ctx);
        if let (Ok(f), Some(a)) = (&parsed, authority) {
            errors.extend(f.private_in_public_text(a.fields.mask_natural_person_names));
        }
        match (parsed, authority) {
            (Ok(fields), Some(a)) if errors.is_empty() => match fields.decision_number.clone() {
                Some(number) => Ok(Row {
                    authority: a.id,
                    fields,
                    number,
                }),
                None => Err(vec![FieldError::new(
                    "decision_number",
                    "required",
                    "a decision number is needed",
                )]),
            },
            (parsed, _) => {
                if let Err(e) = parsed {
                    errors.extend(e);
                }
                // The file's amounts are its 万元 columns: an amount's error names them, so
                // the report shows the column as the file heads it.
                for e in &mut errors {
                    match e.field.as_str() {
                        "fine_fen" => e.field = "fine_wan".into(),
                        "confiscation_fen" => e.field = "confiscation_wan".into(),
                        _ => {}
                    }
                }
                Err(errors)
            }
        }
    };
    let checked = {
        let mut conn = app.conn()?;
        check(
            source,
            penalties_csv::COLUMNS,
            parse,
            |r| format!("{}/{}", r.authority, r.number.key()),
            "decision_number",
            progress,
            // A number already recorded: the same decision is unchanged, another one is refused.
            |checked, rows| {
                let wanted: Vec<(i64, &DecisionNumber)> =
                    rows.iter().map(|(_, r)| (r.authority, &r.number)).collect();
                let stored = store::penalties::by_numbers(&mut conn, &wanted)?;
                for (line, row) in rows {
                    match stored.get(&(row.authority, row.number.key())) {
                        None => {}
                        Some(existing) if same(&existing.fields, &row.fields) => {
                            checked.unchanged(*line)
                        }
                        Some(existing) => {
                            let number = &row.number;
                            let e = ImportError {
                                line: *line,
                                column: checked
                                    .header
                                    .header_of
                                    .get("decision_number")
                                    .cloned()
                                    .unwrap_or_default(),
                                field: "decision_number".into(),
                                code: "conflict".into(),
                                message: format!("{number} is recorded already (decision {}) with other content; correct it in gongshi", existing.id),
                                zh: format!("文号 {number} 已登记（处罚决定 {}），内容与此行不同；请在系统中更正，文件不能覆盖已登记的决定", existing.id),
                            };
                            checked.reject(*line, e);
                        }
                    }
                }
                Ok(())
            },
        )?
    };
    let mut report = checked.report();
    report.dry_run = options.dry_run;
    if !report.errors.is_empty() && !skip_invalid {
        return Err(ImportFailure::Refused(report));
    }
    let digest = checked.scan.sha256.clone();
    report.import_id = Some(digest.clone());
    if options.dry_run {
        // What would be created; nothing is written (the audit log included).
        report.inserted = checked.rows - report.rejected - checked.unchanged;
        return Ok(report);
    }
    let now = app.now();
    let mut conn = app.conn()?;
    let conn = &mut *conn;
    let (state, action) = if options.already_published {
        (State::Published, AuditAction::PenaltyImportPublished)
    } else {
        (State::Submitted, AuditAction::PenaltyImport)
    };
    let by_id: std::collections::HashMap<i64, &Authority> =
        authorities.iter().map(|a| (a.id, a)).collect();
    // One calendar lookup per decision date, not per row.
    let mut deadlines = std::collections::HashMap::new();
    store::bulk_write_tx(conn, |conn| {
        // The name index is written once, in key order, after every decision (see Tally).
        let mut tally = store::penalties::Tally::deferring();
        let mut done = 0;
        each_chunk(
            source,
            &checked,
            penalties_csv::COLUMNS,
            parse,
            WRITE_CHUNK,
            |chunk| {
                let mut records = Vec::with_capacity(chunk.len());
                for (_, row) in chunk {
                    let Row {
                        authority: authority_id,
                        fields: f,
                        number,
                    } = row;
                    let authority = by_id
                        .get(&authority_id)
                        .ok_or_else(|| ServiceError::internal("a row's authority vanished"))?;
                    let due = match deadlines.get(&f.decision_date) {
                        Some(due) => *due,
                        None => *deadlines.entry(f.decision_date).or_insert(
                            super::penalties::publication_deadline(app, conn, f.decision_date)?,
                        ),
                    };
                    let workflow = if options.already_published {
                        Workflow {
                            drafters: vec![actor.name.clone()],
                            published_by: Some(actor.name.clone()),
                            ..Workflow::default()
                        }
                    } else {
                        Workflow {
                            drafters: vec![actor.name.clone()],
                            submitted_by: Some(actor.name.clone()),
                            submitted_at: Some(now),
                            ..Workflow::default()
                        }
                    };
                    let progress =
                        super::penalties::progress_with(&f, state, 1, workflow, due, now)?;
                    records.push(PenaltyRecord {
                        id: 0,
                        authority_id,
                        decision_number: number,
                        public_name: authority.fields.public_name(f.party_kind, &f.party_name),
                        fields: f,
                        imported: true,
                        created_by: actor.name.clone(),
                        created_at: now,
                        progress,
                    });
                }
                let new: Vec<NewPenalty<'_>> = records
                    .iter()
                    .map(|r| NewPenalty {
                        authority_id: r.authority_id,
                        number: &r.decision_number,
                        fields: &r.fields,
                        public_name: &r.public_name,
                        imported: true,
                        created_by: &actor.name,
                        progress: &r.progress,
                        import_id: Some(&digest),
                    })
                    .collect();
                let ids = store::penalties::insert_many(conn, &new, now, &mut tally)?;
                let mut audits = Vec::with_capacity(records.len());
                let n = records.len();
                for (mut record, id) in records.into_iter().zip(ids) {
                    record.id = id;
                    audits.push(Event {
                        actor: &actor.name,
                        action,
                        object_type: "penalty",
                        object_id: id.to_string(),
                        before: None,
                        after: Some(snapshots::json(&PenaltySnapshot::from(&record))),
                    });
                }
                events::record_all(conn, audits, now)?;
                report.inserted += n;
                done += n;
                progress(Phase::Writing, done);
                Ok(())
            },
        )?;
        store::penalties::write_name_index(conn, tally)?;
        finish(
            conn,
            actor,
            &mut report,
            Vec::new(),
            "penalties",
            digest.clone(),
            now,
        )
    })
    .map_err(ImportFailure::Service)
}

/// Whether a stored decision holds what a row says (the layout's columns only).
fn same(a: &PenaltyFields, b: &PenaltyFields) -> bool {
    a.party_kind == b.party_kind
        && a.party_name == b.party_name
        && a.party_credit_code == b.party_credit_code
        && a.party_id_number == b.party_id_number
        && a.violation_type == b.violation_type
        && a.facts == b.facts
        && a.legal_basis == b.legal_basis
        && a.penalty_types == b.penalty_types
        && a.content == b.content
        && a.fine_fen == b.fine_fen
        && a.confiscation_fen == b.confiscation_fen
        && a.decision_date == b.decision_date
}

/// The export's date range as it arrives.
#[derive(Debug, Clone, Default)]
pub struct ExportParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Published decisions (decision date in `from..=to`) as CSV in the 双公示 layout, UTF-8 with
/// BOM (staff; it carries the layout's private columns, so the export itself is audited).
pub fn export<W: std::io::Write>(
    app: &App,
    actor: &Actor,
    p: &ExportParams,
    out: W,
) -> Result<(W, usize), ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let date = super::open_data::optional_date;
    let (from, to) = (date("from", &p.from)?, date("to", &p.to)?);
    let conn = &mut *app.conn()?;
    let authorities = store::authorities::list(conn)?;
    let mut w = crate::io::penalties_csv::writer(out, penalties_csv::LAYOUT.iter().map(|c| c.1))
        .map_err(ServiceError::internal)?;
    let mut n = 0;
    store::penalties::each_batch(
        conn,
        store::penalties::PenaltyQuery {
            states: vec![State::Published],
            authority_id: actor.authority_id,
            from,
            to,
            ..Default::default()
        },
        |batch| {
            for r in batch {
                let Some(a) = authorities.iter().find(|a| a.id == r.authority_id) else {
                    continue;
                };
                crate::io::penalties_csv::write(&mut w, r, a).map_err(ServiceError::internal)?;
                n += 1;
            }
            Ok::<_, ServiceError>(())
        },
    )?;
    let out = w
        .into_inner()
        .map_err(|e| ServiceError::internal(e.into_error()))?;
    let now = app.now();
    write_tx(conn, |conn| {
        events::record_event(
            conn,
            Event {
                actor: &actor.name,
                action: AuditAction::PenaltyExport,
                object_type: "export",
                object_id: "penalties".into(),
                before: None,
                after: Some(serde_json::json!({"from": from, "to": to, "rows": n})),
            },
            now,
        )?;
        Ok::<_, ServiceError>(())
    })?;
    Ok((out, n))
}

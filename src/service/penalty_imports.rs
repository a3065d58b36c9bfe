//! Legacy penalty decisions in the national platform's 双公示 layout (reference §1.3): import
//! (they enter as published, marked imported) and export (staff only: the layout's private
//! columns; audited). Chinese headers or the CF_* column names; 万元 amounts converted to 分
//! exactly.

use super::events::{self, Event};
use sha2::Digest;

use super::imports::{
    col, finish, read_file, start_report, validate, ImportError, ImportFailure, ImportReport,
    Phase, Progress,
};
use super::snapshots::{self, PenaltySnapshot};
use super::{Actor, App, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::field::{split_list, FieldError};
use crate::domain::penalty::fields::{Context, GivenAmount, OtherCodes, PenaltyFields, RawPenalty};
use crate::domain::penalty::money::wan_to_fen;
use crate::domain::penalty::number::DecisionNumber;
use crate::domain::penalty::record::{Authority, PenaltyRecord, Workflow};
use crate::domain::penalty::workflow::State;
use crate::domain::policy::Action;
use crate::io::table::Column;
use crate::store::penalties::NewPenalty;
use crate::store::{self, write_tx};

/// The columns, in export order: (field, Chinese header, CF_* name).
pub const LAYOUT: &[(&str, &str, &str)] = &[
    ("party_name", "行政相对人名称", "CF_XDR_MC"),
    ("party_kind", "行政相对人类别", "CF_XDR_LB"),
    (
        "party_credit_code",
        "行政相对人代码_1（统一社会信用代码）",
        "CF_XDR_SHXYM",
    ),
    (
        "registration_number",
        "行政相对人代码_2（工商注册号）",
        "CF_XDR_GSZC",
    ),
    (
        "organisation_code",
        "行政相对人代码_3（组织机构代码）",
        "CF_XDR_ZZJG",
    ),
    (
        "tax_number",
        "行政相对人代码_4（税务登记号）",
        "CF_XDR_SWDJ",
    ),
    (
        "institution_number",
        "行政相对人代码_5（事业单位证书号）",
        "CF_XDR_SYDW",
    ),
    (
        "social_organisation_number",
        "行政相对人代码_6（社会组织登记证号）",
        "CF_XDR_SHZZ",
    ),
    ("legal_representative", "法定代表人", "CF_FRDB"),
    ("party_id_type", "证件类型", "CF_XDR_ZJLX"),
    ("party_id_number", "证件号码", "CF_XDR_ZJHM"),
    ("decision_number", "行政处罚决定书文号", "CF_WSH"),
    ("violation_type", "违法行为类型", "CF_WFXW"),
    ("facts", "违法事实", "CF_SY"),
    ("legal_basis", "处罚依据", "CF_YJ"),
    ("penalty_types", "处罚类别", "CF_CFLB"),
    ("content", "处罚内容", "CF_NR"),
    ("fine_wan", "罚款金额（万元）", "CF_NR_FK"),
    (
        "confiscation_wan",
        "没收违法所得、没收非法财物的金额（万元）",
        "CF_NR_WFFF",
    ),
    ("licence_affected", "暂扣或吊销证照名称及编号", "CF_NR_ZKDX"),
    ("decision_date", "处罚决定日期", "CF_JDRQ"),
    ("valid_until", "处罚有效期", "CF_YXQ"),
    ("publicity_end", "公示截止期", "CF_GSJZQ"),
    ("authority", "处罚机关", "CF_CFJG"),
    (
        "authority_credit_code",
        "处罚机关统一社会信用代码",
        "CF_CFJGDM",
    ),
    ("source", "数据来源单位", "CF_SJLY"),
    (
        "source_credit_code",
        "数据来源单位统一社会信用代码",
        "CF_SJLYDM",
    ),
    ("note", "备注", "BZ"),
];

/// The columns the import reads (a few more spellings than the export writes).
pub const PENALTY_COLUMNS: &[Column] = &[
    col("party_name", &["行政相对人名称", "CF_XDR_MC"], true),
    col("party_kind", &["行政相对人类别", "CF_XDR_LB"], true),
    col(
        "party_credit_code",
        &[
            "行政相对人代码_1（统一社会信用代码）",
            "行政相对人代码_1(统一社会信用代码)",
            "统一社会信用代码",
            "CF_XDR_SHXYM",
        ],
        false,
    ),
    col(
        "registration_number",
        &[
            "行政相对人代码_2（工商注册号）",
            "行政相对人代码_2(工商注册号)",
            "CF_XDR_GSZC",
        ],
        false,
    ),
    col(
        "organisation_code",
        &[
            "行政相对人代码_3（组织机构代码）",
            "行政相对人代码_3(组织机构代码)",
            "CF_XDR_ZZJG",
        ],
        false,
    ),
    col(
        "tax_number",
        &[
            "行政相对人代码_4（税务登记号）",
            "行政相对人代码_4(税务登记号)",
            "CF_XDR_SWDJ",
        ],
        false,
    ),
    col(
        "institution_number",
        &[
            "行政相对人代码_5（事业单位证书号）",
            "行政相对人代码_5(事业单位证书号)",
            "CF_XDR_SYDW",
        ],
        false,
    ),
    col(
        "social_organisation_number",
        &[
            "行政相对人代码_6（社会组织登记证号）",
            "行政相对人代码_6(社会组织登记证号)",
            "CF_XDR_SHZZ",
        ],
        false,
    ),
    col("legal_representative", &["法定代表人", "CF_FRDB"], false),
    col("party_id_type", &["证件类型", "CF_XDR_ZJLX"], false),
    col("party_id_number", &["证件号码", "CF_XDR_ZJHM"], false),
    col("decision_number", &["行政处罚决定书文号", "CF_WSH"], true),
    col("violation_type", &["违法行为类型", "CF_WFXW"], true),
    col("facts", &["违法事实", "CF_SY"], true),
    col("legal_basis", &["处罚依据", "CF_YJ"], true),
    col("penalty_types", &["处罚类别", "CF_CFLB"], true),
    col("content", &["处罚内容", "CF_NR"], true),
    col(
        "fine_wan",
        &["罚款金额（万元）", "罚款金额(万元)", "CF_NR_FK"],
        false,
    ),
    col(
        "confiscation_wan",
        &[
            "没收违法所得、没收非法财物的金额（万元）",
            "没收违法所得、没收非法财物的金额(万元)",
            "CF_NR_WFFF",
        ],
        false,
    ),
    col(
        "licence_affected",
        &["暂扣或吊销证照名称及编号", "CF_NR_ZKDX"],
        false,
    ),
    col("decision_date", &["处罚决定日期", "CF_JDRQ"], true),
    col("valid_until", &["处罚有效期", "CF_YXQ"], false),
    col("publicity_end", &["公示截止期", "CF_GSJZQ"], false),
    col("authority", &["处罚机关", "CF_CFJG"], false),
    col(
        "authority_credit_code",
        &["处罚机关统一社会信用代码", "CF_CFJGDM"],
        false,
    ),
    col("source", &["数据来源单位", "CF_SJLY"], false),
    col(
        "source_credit_code",
        &["数据来源单位统一社会信用代码", "CF_SJLYDM"],
        false,
    ),
    col("note", &["备注", "BZ"], false),
];

/// A parsed row: its authority and its fields.
struct Row {
    authority: i64,
    fields: PenaltyFields,
}

/// The authority a row names (by credit code, then by name), or the only one when it names
/// none.
fn authority_of<'a>(
    all: &'a [Authority],
    name: Option<&str>,
    code: Option<&str>,
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
    match all {
        [only] => Ok(only),
        _ => Err(FieldError::new(
            "authority",
            "required",
            "name the 处罚机关 (several are set up)",
        )),
    }
}

/// A 万元 column as 分.
fn wan(
    row: &crate::io::table::Row,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<GivenAmount> {
    let v = row.get(field).filter(|v| !v.trim().is_empty())?;
    match wan_to_fen(&v) {
        Some(0) => None,
        Some(fen) => Some(GivenAmount::Whole(fen)),
        None => {
            errors.push(FieldError::new(
                field,
                "format",
                format!("{v:?} is not an amount in 万元 with at most six decimals"),
            ));
            None
        }
    }
}

/// Decisions written (and their audit records built) at a time: the progress bar's step, and
/// what bounds the memory a COPY payload takes on PostgreSQL.
const WRITE_CHUNK: usize = 10_000;

/// Imports decisions from CSV bytes (clerk): each enters as published and imported.
pub fn import(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportFailure> {
    actor.require(Action::DraftPenalties)?;
    let (t, encoding) = read_file(bytes, PENALTY_COLUMNS)?;
    let today = app.today();
    let authorities = store::authorities::list(&mut *app.conn()?)?;
    let (good, errors) = validate(
        &t,
        |row| {
            let mut errors = Vec::new();
            let authority = match authority_of(
                &authorities,
                row.get("authority").as_deref(),
                row.get("authority_credit_code").as_deref(),
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
            let fine = wan(row, "fine_wan", &mut errors);
            let confiscation = wan(row, "confiscation_wan", &mut errors);
            let other = OtherCodes {
                registration_number: row.get("registration_number"),
                organisation_code: row.get("organisation_code"),
                tax_number: row.get("tax_number"),
                institution_number: row.get("institution_number"),
                social_organisation_number: row.get("social_organisation_number"),
            };
            let raw = RawPenalty {
                decision_number: row.get("decision_number"),
                party_kind: row.get("party_kind"),
                party_name: row.get("party_name"),
                party_credit_code: row.get("party_credit_code"),
                party_other_codes: Some(other),
                legal_representative: row.get("legal_representative"),
                party_id_type: row.get("party_id_type"),
                party_id_number: row.get("party_id_number"),
                violation_type: row.get("violation_type"),
                facts: row.get("facts"),
                legal_basis: row.get("legal_basis"),
                penalty_types: row.get("penalty_types").map(|v| split_list(&v)),
                content: row.get("content"),
                fine_fen: fine,
                confiscation_fen: confiscation,
                licence_affected: row.get("licence_affected"),
                decision_date: row.get("decision_date"),
                // The layout has no procedure: a published legacy decision was an ordinary one.
                procedure: Some("ordinary".into()),
                ..RawPenalty::default()
            };
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
                (Ok(fields), Some(a)) if errors.is_empty() => Ok(Row {
                    authority: a.id,
                    fields,
                }),
                (parsed, _) => {
                    if let Err(e) = parsed {
                        errors.extend(e);
                    }
                    Err(errors)
                }
            }
        },
        |r| {
            let number = r
                .fields
                .decision_number
                .as_ref()
                .map(DecisionNumber::key)
                .unwrap_or_default();
            format!("{}/{number}", r.authority)
        },
        "decision_number",
        progress,
    );
    let mut report = start_report(&t, encoding, errors);
    if !report.errors.is_empty() && !skip_invalid {
        return Err(ImportFailure::Refused(report));
    }
    let now = app.now();
    let digest = hex::encode(sha2::Sha256::digest(bytes));
    let mut conn = app.conn()?;
    let conn = &mut *conn;
    // A number already recorded: the same decision is unchanged, another one is refused.
    let mut fresh = Vec::new();
    let mut clashes = Vec::new();
    let mut numbered = Vec::with_capacity(good.len());
    for (line, row) in good {
        let number = row
            .fields
            .decision_number
            .clone()
            .ok_or_else(|| ServiceError::internal("a parsed row has its number"))?;
        numbered.push((line, row, number));
    }
    // A thousand numbers at a time, so a re-import never holds every stored record at once.
    let mut rows = numbered.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(1_000).collect();
        let wanted: Vec<(i64, &DecisionNumber)> =
            chunk.iter().map(|(_, r, n)| (r.authority, n)).collect();
        let stored = store::penalties::by_numbers(conn, &wanted)?;
        for (line, row, number) in chunk {
            match stored.get(&(row.authority, number.key())) {
                None => fresh.push((line, row, number)),
                Some(existing) if same(&existing.fields, &row.fields) => report.unchanged += 1,
                Some(existing) => clashes.push(ImportError {
                    line,
                    column: t.header_of.get("decision_number").cloned().unwrap_or_default(),
                    field: "decision_number".into(),
                    code: "conflict".into(),
                    message: format!("{number} is recorded already (decision {}) with other content; correct it in gongshi", existing.id),
                }),
            }
        }
    }
    if !clashes.is_empty() {
        report.rejected += clashes.len();
        report.errors.extend(clashes);
        report.errors.sort_by_key(|e| e.line);
        if !skip_invalid {
            return Err(ImportFailure::Refused(report));
        }
    }
    let by_id: std::collections::HashMap<i64, &Authority> =
        authorities.iter().map(|a| (a.id, a)).collect();
    // One calendar lookup per decision date, not per row.
    let mut deadlines = std::collections::HashMap::new();
    store::bulk_write_tx(conn, |conn| {
        // The name index is written once, in key order, after every decision (see Tally).
        let mut tally = store::penalties::Tally::deferring();
        let mut done = 0;
        for chunk in fresh.chunks(WRITE_CHUNK) {
            let mut records = Vec::with_capacity(chunk.len());
            for (_, row, number) in chunk {
                let f = &row.fields;
                let authority = by_id
                    .get(&row.authority)
                    .ok_or_else(|| ServiceError::internal("a row's authority vanished"))?;
                let due = match deadlines.get(&f.decision_date) {
                    Some(due) => *due,
                    None => *deadlines.entry(f.decision_date).or_insert(
                        super::penalties::publication_deadline(app, conn, f.decision_date)?,
                    ),
                };
                let workflow = Workflow {
                    drafters: vec![actor.name.clone()],
                    published_by: Some(actor.name.clone()),
                    ..Workflow::default()
                };
                let progress =
                    super::penalties::progress_with(f, State::Published, 1, workflow, due, now)?;
                records.push(PenaltyRecord {
                    id: 0,
                    authority_id: row.authority,
                    decision_number: number.clone(),
                    public_name: authority.fields.public_name(f.party_kind, &f.party_name),
                    fields: f.clone(),
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
                })
                .collect();
            let ids = store::penalties::insert_many(conn, &new, now, &mut tally)?;
            let mut audits = Vec::with_capacity(records.len());
            for (mut record, id) in records.into_iter().zip(ids) {
                record.id = id;
                audits.push(Event {
                    actor: &actor.name,
                    action: AuditAction::PenaltyImport,
                    object_type: "penalty",
                    object_id: id.to_string(),
                    before: None,
                    after: Some(snapshots::json(&PenaltySnapshot::from(&record))),
                });
            }
            events::record_all(conn, audits, now)?;
            report.inserted += chunk.len();
            done += chunk.len();
            progress(Phase::Writing, done);
        }
        store::penalties::write_name_index(conn, tally)?;
        finish(
            conn,
            actor,
            &mut report,
            Vec::new(),
            "penalties",
            digest,
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
    let mut w = crate::io::export::penalty_writer(out, LAYOUT.iter().map(|c| c.1))
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
                crate::io::export::write_penalty(&mut w, r, a).map_err(ServiceError::internal)?;
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

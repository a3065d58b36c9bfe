//! What staff see. Staff views extend the public ones with what only staff may read (risk tags,
//! versions, an inspector's ID number and phone); they are served only behind a token.

use serde::Serialize;

use crate::domain::audit_chain::AuditRecord;
use crate::domain::calendar::{LoadedYear, Origin, Region};
use crate::domain::category::Vocabulary;
use crate::domain::entity::EntityRecord;
use crate::domain::inspector::{Conflict, InspectorRecord};
use crate::domain::penalty::fields::OtherCodes;
use crate::domain::penalty::record::{PenaltyRecord, Workflow};
use crate::domain::role::Role;
use crate::domain::shanghai::format_utc;
use crate::domain::user::User;
use crate::http::paging::LabelledView;
use crate::http::public::views::{yuan, PublicEntity, PublicInspector, TypeView};
use crate::service::deadlines::Standing;
use crate::service::penalties::DeadlineLine;
use crate::service::penalties::NumberRegister;
use chrono::NaiveDate;

/// An entity with its risk tags (staff only), version and times.
#[derive(Serialize)]
pub struct StaffEntity {
    #[serde(flatten)]
    pub public: PublicEntity,
    pub risk_tags: Vec<String>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl LabelledView<EntityRecord> for StaffEntity {
    fn view(e: &EntityRecord, categories: &Vocabulary, today: NaiveDate) -> Self {
        StaffEntity {
            public: PublicEntity::view(e, categories, today),
            risk_tags: e.fields.risk_tags.clone(),
            version: e.version,
            created_at: format_utc(e.created_at),
            updated_at: format_utc(e.updated_at),
        }
    }
}

/// An inspector with every field, private ones included (admin only).
#[derive(Serialize)]
pub struct StaffInspector {
    #[serde(flatten)]
    pub public: PublicInspector,
    pub id: i64,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl LabelledView<InspectorRecord> for StaffInspector {
    fn view(r: &InspectorRecord, categories: &Vocabulary, today: NaiveDate) -> Self {
        StaffInspector {
            public: PublicInspector::view(r, categories, today),
            id: r.id,
            id_number: r.fields.id_number.as_ref().map(|i| i.as_str().to_string()),
            phone: r.fields.phone.clone(),
            version: r.version,
            created_at: format_utc(r.created_at),
            updated_at: format_utc(r.updated_at),
        }
    }
}

/// A declared conflict of interest (回避).
#[derive(Serialize)]
pub struct ConflictView {
    pub id: i64,
    pub inspector_id: i64,
    pub credit_code: Option<String>,
    pub category: Option<String>,
    pub reason: String,
    pub declared_at: String,
    pub declared_by: String,
    pub removed_at: Option<String>,
    pub removed_by: Option<String>,
    pub removal_reason: Option<String>,
}

impl From<&Conflict> for ConflictView {
    fn from(c: &Conflict) -> Self {
        ConflictView {
            id: c.id,
            inspector_id: c.inspector_id,
            credit_code: c.credit_code.clone(),
            category: c.category.clone(),
            reason: c.reason.clone(),
            declared_at: format_utc(c.declared_at),
            declared_by: c.declared_by.clone(),
            removed_at: c.removed_at.map(format_utc),
            removed_by: c.removed_by.clone(),
            removal_reason: c.removal_reason.clone(),
        }
    }
}

/// A staff account (never its password hash).
#[derive(Serialize)]
pub struct UserView {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub authority_id: Option<i64>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            name: u.name.clone(),
            role: u.role,
            active: u.active,
            authority_id: u.authority_id,
            version: u.version,
            created_at: format_utc(u.created_at),
            updated_at: format_utc(u.updated_at),
        }
    }
}

/// One audit record with its links.
#[derive(Serialize)]
pub struct AuditRecordView {
    pub seq: i64,
    pub recorded_at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&AuditRecord> for AuditRecordView {
    fn from(r: &AuditRecord) -> Self {
        let e = &r.entry;
        AuditRecordView {
            seq: e.seq,
            recorded_at: format_utc(e.recorded_at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            object_type: e.object_type.clone(),
            object_id: e.object_id.clone(),
            before: json_or_text(e.before_json.as_deref()),
            after: json_or_text(e.after_json.as_deref()),
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
        }
    }
}

/// A snapshot as stored; text that is not JSON (a hand-edited log) is shown as text.
fn json_or_text(raw: Option<&str>) -> serde_json::Value {
    raw.map(|s| serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.into())))
        .unwrap_or(serde_json::Value::Null)
}

/// A page of the audit log: `next_after` is the `seq` to ask for next.
#[derive(Serialize)]
pub struct AuditPage {
    pub items: Vec<AuditRecordView>,
    pub next_after: Option<i64>,
}

/// A year an admin just loaded.
#[derive(Serialize)]
pub struct LoadedYearReceipt {
    pub region: Region,
    pub year: i32,
    pub source: String,
    pub revision: i32,
    pub origin: Origin,
    pub special_days: usize,
    pub loaded_at: String,
    pub loaded_by: String,
}

impl LoadedYearReceipt {
    pub fn new(region: Region, year: i32, loaded: LoadedYear, special_days: usize) -> Self {
        LoadedYearReceipt {
            region,
            year,
            source: loaded.source,
            revision: loaded.revision,
            origin: loaded.origin,
            special_days,
            loaded_at: format_utc(loaded.loaded_at),
            loaded_by: loaded.loaded_by,
        }
    }
}

/// How many tokens an admin's revocation ended.
#[derive(Serialize)]
pub struct RevokedTokens {
    pub revoked: usize,
}

/// A penalty decision with every field, private ones included, its deadlines and its workflow
/// (staff only).
#[derive(Serialize)]
pub struct StaffPenalty {
    pub id: i64,
    pub authority_id: i64,
    pub state: &'static str,
    pub state_label: &'static str,
    pub version: i32,
    pub decision_number: String,
    pub party_kind: &'static str,
    pub party_name: String,
    pub public_party_name: String,
    pub party_credit_code: Option<String>,
    pub party_other_codes: OtherCodes,
    pub legal_representative: Option<String>,
    pub party_id_type: Option<&'static str>,
    pub party_id_number: Option<String>,
    pub party_address: Option<String>,
    pub violation_type: String,
    pub facts: String,
    pub legal_basis: String,
    pub penalty_types: Vec<TypeView>,
    pub content: String,
    pub fine_fen: Option<i64>,
    pub fine_yuan: Option<String>,
    pub confiscation_fen: Option<i64>,
    pub confiscation_yuan: Option<String>,
    pub licence_affected: Option<String>,
    pub decision_date: NaiveDate,
    pub procedure: &'static str,
    pub severity: &'static str,
    pub severity_reason: Option<String>,
    pub case_officers: Vec<String>,
    pub entity_credit_code: Option<String>,
    pub internal_notes: Option<String>,
    pub imported: bool,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub publication_deadline: NaiveDate,
    pub publication_deadline_provisional: bool,
    pub publicity_min_end: NaiveDate,
    pub publicity_max_end: NaiveDate,
    pub published_at: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub working_days_late: Option<i32>,
    pub withdrawal_event_date: Option<NaiveDate>,
    pub withdrawal_deadline: Option<NaiveDate>,
    pub withdrawal_deadline_provisional: Option<bool>,
    pub withdrawn_on: Option<NaiveDate>,
    pub workflow: Workflow,
}

impl StaffPenalty {
    pub fn of(r: &PenaltyRecord, today: NaiveDate) -> StaffPenalty {
        let f = &r.fields;
        let l = &r.progress;
        let shown = r.shown_state(today);
        StaffPenalty {
            id: r.id,
            authority_id: r.authority_id,
            state: shown.code(),
            state_label: shown.label(),
            version: l.version,
            decision_number: r.decision_number.to_string(),
            party_kind: f.party_kind.code(),
            party_name: f.party_name.clone(),
            public_party_name: r.public_name.clone(),
            party_credit_code: f.party_credit_code.as_ref().map(|c| c.to_string()),
            party_other_codes: f.party_other_codes.clone(),
            legal_representative: f.legal_representative.clone(),
            party_id_type: f.party_id_type.map(|t| t.code()),
            party_id_number: f.party_id_number.clone(),
            party_address: f.party_address.clone(),
            violation_type: f.violation_type.clone(),
            facts: f.facts.clone(),
            legal_basis: f.legal_basis.clone(),
            penalty_types: f
                .penalty_types
                .iter()
                .map(|t| TypeView {
                    code: t.code(),
                    label: t.label(),
                })
                .collect(),
            content: f.content.clone(),
            fine_fen: f.fine_fen,
            fine_yuan: f.fine_fen.map(yuan),
            confiscation_fen: f.confiscation_fen,
            confiscation_yuan: f.confiscation_fen.map(yuan),
            licence_affected: f.licence_affected.clone(),
            decision_date: f.decision_date,
            procedure: f.procedure.code(),
            severity: f.severity.code(),
            severity_reason: f.severity_reason.clone(),
            case_officers: f
                .case_officers
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            entity_credit_code: f.entity_credit_code.as_ref().map(|c| c.to_string()),
            internal_notes: f.internal_notes.clone(),
            imported: r.imported,
            created_by: r.created_by.clone(),
            created_at: format_utc(r.created_at),
            updated_at: format_utc(l.updated_at),
            publication_deadline: l.publication_deadline,
            publication_deadline_provisional: l.publication_deadline_provisional,
            publicity_min_end: l.publicity_min_end,
            publicity_max_end: l.publicity_max_end,
            published_at: l.published_at.map(format_utc),
            published_on: l.published_on,
            working_days_late: l.working_days_late,
            withdrawal_event_date: l.withdrawal_event_date,
            withdrawal_deadline: l.withdrawal_deadline,
            withdrawal_deadline_provisional: l.withdrawal_deadline_provisional,
            withdrawn_on: l.withdrawn_on,
            workflow: l.workflow.clone(),
        }
    }
}

/// One line of the deadline report.
#[derive(Serialize)]
pub struct DeadlineView {
    pub id: i64,
    pub authority_id: i64,
    pub decision_number: String,
    pub party_name: String,
    pub state: &'static str,
    pub decision_date: NaiveDate,
    /// `publication` or `withdrawal`.
    pub deadline_of: &'static str,
    pub deadline: NaiveDate,
    pub deadline_provisional: bool,
    /// `due`, `overdue` or `published_late`.
    pub status: &'static str,
    pub working_days_left: Option<u32>,
    pub working_days_exceeded: Option<u32>,
}

impl From<&DeadlineLine> for DeadlineView {
    fn from(l: &DeadlineLine) -> Self {
        let r = &l.record;
        let (status, left, exceeded) = match l.kind {
            Standing::Due => ("due", Some(l.working_days), None),
            Standing::Overdue => ("overdue", None, Some(l.working_days)),
            Standing::PublishedLate => ("published_late", None, Some(l.working_days)),
        };
        DeadlineView {
            id: r.id,
            authority_id: r.authority_id,
            decision_number: r.decision_number.to_string(),
            party_name: r.fields.party_name.clone(),
            state: r.progress.state.code(),
            decision_date: r.fields.decision_date,
            deadline_of: l.deadline_of,
            deadline: l.deadline,
            deadline_provisional: l.provisional,
            status,
            working_days_left: left,
            working_days_exceeded: exceeded,
        }
    }
}

/// The number register of one authority and year (文号登记簿).
#[derive(Serialize)]
pub struct NumberRegisterView {
    pub authority_id: i64,
    pub year: i32,
    pub items: Vec<NumberLineView>,
}

/// One allocated number and what became of it.
#[derive(Serialize)]
pub struct NumberLineView {
    pub sequence: u32,
    pub decision_number: String,
    /// `used`, `voided` (作废: its decision was discarded) or `unused`.
    pub status: &'static str,
    pub status_label: &'static str,
    pub penalty_id: Option<i64>,
    pub state: Option<&'static str>,
    /// Why the decision was discarded (voided numbers).
    pub reason: Option<String>,
}

impl From<&NumberRegister> for NumberRegisterView {
    fn from(r: &NumberRegister) -> Self {
        NumberRegisterView {
            authority_id: r.authority.id,
            year: r.year,
            items: r
                .lines
                .iter()
                .map(|l| NumberLineView {
                    sequence: l.sequence,
                    decision_number: l.number.to_string(),
                    status: l.used.code(),
                    status_label: l.used.label(),
                    penalty_id: l.record.as_ref().map(|d| d.id),
                    state: l.record.as_ref().map(|d| d.progress.state.code()),
                    reason: l
                        .record
                        .as_ref()
                        .and_then(|d| d.progress.workflow.discard_reason.clone()),
                })
                .collect(),
        }
    }
}

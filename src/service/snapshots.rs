//! What the audit log keeps of each record: one typed snapshot per kind of record, written as
//! the `before` and `after` of its change. The audit log can never be erased, so private fields
//! are masked here (an inspector's ID number and phone) and never stored whole.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::domain::calendar::{LoadedYear, Origin, SpecialKind, YearSchedule};
use crate::domain::category::{Category, CategoryCode};
use crate::domain::entity::{DistrictCode, EntityKind, EntityRecord, EntityStatus};
use crate::domain::inspector::{
    mask_phone, CertificateNo, Conflict, InspectorRecord, InspectorStatus,
};
use crate::domain::penalty::record::{Authority, PenaltyRecord, Workflow};
use crate::domain::plan::record::PlanRecord;
use crate::domain::plan::{Sample, SourceSpec};
use crate::domain::role::Role;
use crate::domain::user::User;

/// A snapshot as the audit record's JSON. Field order does not matter: JSON objects are stored
/// with their keys sorted.
pub fn json<T: Serialize>(snapshot: &T) -> serde_json::Value {
    serde_json::to_value(snapshot).unwrap_or(serde_json::Value::Null)
}

/// Every field of an entity, as stored.
#[derive(Serialize)]
pub struct EntitySnapshot<'a> {
    credit_code: &'a str,
    name: &'a str,
    kind: EntityKind,
    category: &'a CategoryCode,
    district: &'a DistrictCode,
    address: &'a Option<String>,
    legal_representative: &'a Option<String>,
    licence_numbers: &'a [String],
    status: EntityStatus,
    risk_tags: &'a [String],
    version: i32,
}

impl<'a> From<&'a EntityRecord> for EntitySnapshot<'a> {
    fn from(e: &'a EntityRecord) -> Self {
        let f = &e.fields;
        EntitySnapshot {
            credit_code: f.credit_code.as_str(),
            name: &f.name,
            kind: f.kind,
            category: &f.category,
            district: &f.district,
            address: &f.address,
            legal_representative: &f.legal_representative,
            licence_numbers: &f.licence_numbers,
            status: f.status,
            risk_tags: &f.risk_tags,
            version: e.version,
        }
    }
}

/// A category of the reference list, whole (nothing in it is private).
#[derive(Serialize)]
pub struct CategorySnapshot<'a> {
    code: &'a CategoryCode,
    label: &'a str,
    aliases: &'a [String],
    parent: &'a Option<CategoryCode>,
    regulation: &'a Option<String>,
}

impl<'a> From<&'a Category> for CategorySnapshot<'a> {
    fn from(c: &'a Category) -> Self {
        CategorySnapshot {
            code: &c.code,
            label: &c.label,
            aliases: &c.aliases,
            parent: &c.parent,
            regulation: &c.regulation,
        }
    }
}

/// An inspector with the ID number and phone masked.
#[derive(Serialize)]
pub struct InspectorSnapshot<'a> {
    id: i64,
    name: &'a str,
    certificate_no: &'a CertificateNo,
    certificate_valid_from: chrono::NaiveDate,
    certificate_valid_to: chrono::NaiveDate,
    unit: &'a str,
    fields: &'a [CategoryCode],
    id_number: Option<String>,
    phone: Option<String>,
    status: InspectorStatus,
    version: i32,
}

impl<'a> From<&'a InspectorRecord> for InspectorSnapshot<'a> {
    fn from(r: &'a InspectorRecord) -> Self {
        let f = &r.fields;
        InspectorSnapshot {
            id: r.id,
            name: &f.name,
            certificate_no: &f.certificate_no,
            certificate_valid_from: f.certificate_valid_from,
            certificate_valid_to: f.certificate_valid_to,
            unit: &f.unit,
            fields: &f.fields,
            id_number: f.id_number.as_ref().map(|i| i.masked()),
            phone: f.phone.as_deref().map(mask_phone),
            status: f.status,
            version: r.version,
        }
    }
}

fn offset_time<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::domain::shanghai::format_utc(*t))
}

/// A declared conflict of interest, with its removal when removed.
#[derive(Serialize)]
pub struct ConflictSnapshot<'a> {
    id: i64,
    inspector_id: i64,
    credit_code: &'a Option<String>,
    category: &'a Option<String>,
    reason: &'a str,
    #[serde(serialize_with = "offset_time")]
    declared_at: NaiveDateTime,
    declared_by: &'a str,
    #[serde(serialize_with = "crate::domain::shanghai::offset_time::serialize")]
    removed_at: Option<NaiveDateTime>,
    removed_by: &'a Option<String>,
    removal_reason: &'a Option<String>,
}

impl<'a> From<&'a Conflict> for ConflictSnapshot<'a> {
    fn from(c: &'a Conflict) -> Self {
        ConflictSnapshot {
            id: c.id,
            inspector_id: c.inspector_id,
            credit_code: &c.credit_code,
            category: &c.category,
            reason: &c.reason,
            declared_at: c.declared_at,
            declared_by: &c.declared_by,
            removed_at: c.removed_at,
            removed_by: &c.removed_by,
            removal_reason: &c.removal_reason,
        }
    }
}

/// A staff account (never its password hash).
#[derive(Serialize)]
pub struct UserSnapshot<'a> {
    id: i32,
    name: &'a str,
    role: Role,
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority_id: Option<i64>,
    version: i32,
}

impl<'a> From<&'a User> for UserSnapshot<'a> {
    fn from(u: &'a User) -> Self {
        UserSnapshot {
            id: u.id,
            name: &u.name,
            role: u.role,
            active: u.active,
            authority_id: u.authority_id,
            version: u.version,
        }
    }
}

/// A loaded calendar year: its notice, its revision and every special day.
#[derive(Serialize)]
pub struct CalendarYearSnapshot<'a> {
    source: &'a str,
    revision: i32,
    /// `[date, kind, name]` per day.
    days: Vec<(chrono::NaiveDate, SpecialKind, &'a str)>,
}

impl<'a> CalendarYearSnapshot<'a> {
    pub fn new(s: &'a YearSchedule, revision: i32) -> Self {
        CalendarYearSnapshot {
            source: s.source(),
            revision,
            days: s
                .days()
                .iter()
                .map(|d| (d.date, d.kind, d.name.as_str()))
                .collect(),
        }
    }
}

/// What a year was before an operator replaced it.
#[derive(Serialize)]
pub struct ReplacedYearSnapshot<'a> {
    source: &'a str,
    revision: i32,
    origin: Origin,
}

impl<'a> From<&'a LoadedYear> for ReplacedYearSnapshot<'a> {
    fn from(y: &'a LoadedYear) -> Self {
        ReplacedYearSnapshot {
            source: &y.source,
            revision: y.revision,
            origin: y.origin,
        }
    }
}

/// A token's issue (never the token).
#[derive(Serialize)]
pub struct TokenIssueSnapshot<'a> {
    pub user: &'a str,
    /// As `NaiveDateTime`'s `Display` writes it (what the chain has always held).
    pub expires_at: String,
}

/// An import that changed something: which list, the counts (the record's id is the file's
/// SHA-256).
#[derive(Serialize)]
pub struct ImportSnapshot<'a> {
    pub what: &'a str,
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

/// Tokens revoked: whose, and how many (sign-out revokes one).
#[derive(Serialize)]
pub struct TokenRevokeSnapshot<'a> {
    pub user: &'a str,
    pub revoked: usize,
}

/// A refused login: the name tried, the client's address and why (never the password).
#[derive(Serialize)]
pub struct LoginFailedSnapshot<'a> {
    pub name: &'a str,
    pub client: Option<&'a str>,
    pub reason: &'a str,
}

/// An authority with its settings.
#[derive(Serialize)]
pub struct AuthoritySnapshot<'a> {
    id: i64,
    name: &'a str,
    credit_code: &'a str,
    number_prefix: &'a str,
    publish_simple_procedure: bool,
    publish_warning_only: bool,
    publish_minor: bool,
    mask_natural_person_names: bool,
    version: i32,
}

impl<'a> From<&'a Authority> for AuthoritySnapshot<'a> {
    fn from(a: &'a Authority) -> Self {
        let f = &a.fields;
        AuthoritySnapshot {
            id: a.id,
            name: &f.name,
            credit_code: f.credit_code.as_str(),
            number_prefix: &f.number_prefix,
            publish_simple_procedure: f.settings.publish_simple_procedure,
            publish_warning_only: f.settings.publish_warning_only,
            publish_minor: f.settings.publish_minor,
            mask_natural_person_names: f.mask_natural_person_names,
            version: a.version,
        }
    }
}

/// A penalty decision with the party's ID number and address masked (the audit log cannot be
/// erased): every other field and the whole workflow as stored.
#[derive(Serialize)]
pub struct PenaltySnapshot<'a> {
    id: i64,
    authority_id: i64,
    decision_number: &'a str,
    party_kind: &'static str,
    party_name: &'a str,
    party_credit_code: Option<&'a str>,
    legal_representative: &'a Option<String>,
    party_id_type: Option<&'static str>,
    party_id_number: Option<String>,
    party_address: Option<&'static str>,
    violation_type: &'a str,
    facts: &'a str,
    legal_basis: &'a str,
    penalty_types: Vec<&'static str>,
    content: &'a str,
    fine_fen: Option<i64>,
    confiscation_fen: Option<i64>,
    licence_affected: &'a Option<String>,
    decision_date: chrono::NaiveDate,
    procedure: &'static str,
    severity: &'static str,
    severity_reason: &'a Option<String>,
    case_officers: Vec<&'a str>,
    entity_credit_code: Option<&'a str>,
    internal_notes: &'a Option<String>,
    state: &'static str,
    version: i32,
    workflow: &'a Workflow,
    publication_deadline: chrono::NaiveDate,
    publication_deadline_provisional: bool,
    publicity_min_end: chrono::NaiveDate,
    publicity_max_end: chrono::NaiveDate,
    published_on: Option<chrono::NaiveDate>,
    working_days_late: Option<i32>,
    withdrawal_event_date: Option<chrono::NaiveDate>,
    withdrawal_deadline: Option<chrono::NaiveDate>,
}

/// An ID number as audit trails keep it: the first 6 and last 4 characters (the region and the
/// check), the rest starred; a short number keeps only its last 4.
pub fn mask_id_number(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    if chars.len() >= 14 {
        let head: String = chars[..6].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
    } else {
        let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
        format!("****{tail}")
    }
}

impl<'a> From<&'a PenaltyRecord> for PenaltySnapshot<'a> {
    fn from(r: &'a PenaltyRecord) -> Self {
        let f = &r.fields;
        let l = &r.progress;
        PenaltySnapshot {
            id: r.id,
            authority_id: r.authority_id,
            decision_number: r.decision_number.as_str(),
            party_kind: f.party_kind.code(),
            party_name: &f.party_name,
            party_credit_code: f.party_credit_code.as_ref().map(|c| c.as_str()),
            legal_representative: &f.legal_representative,
            party_id_type: f.party_id_type.map(|t| t.code()),
            party_id_number: f.party_id_number.as_deref().map(mask_id_number),
            party_address: f.party_address.as_ref().map(|_| "（已隐去）"),
            violation_type: &f.violation_type,
            facts: &f.facts,
            legal_basis: &f.legal_basis,
            penalty_types: f.penalty_types.iter().map(|t| t.code()).collect(),
            content: &f.content,
            fine_fen: f.fine_fen,
            confiscation_fen: f.confiscation_fen,
            licence_affected: &f.licence_affected,
            decision_date: f.decision_date,
            procedure: f.procedure.code(),
            severity: f.severity.code(),
            severity_reason: &f.severity_reason,
            case_officers: f.case_officers.iter().map(|c| c.as_str()).collect(),
            entity_credit_code: f.entity_credit_code.as_ref().map(|c| c.as_str()),
            internal_notes: &f.internal_notes,
            state: l.state.code(),
            version: l.version,
            workflow: &l.workflow,
            publication_deadline: l.publication_deadline,
            publication_deadline_provisional: l.publication_deadline_provisional,
            publicity_min_end: l.publicity_min_end,
            publicity_max_end: l.publicity_max_end,
            published_on: l.published_on,
            working_days_late: l.working_days_late,
            withdrawal_event_date: l.withdrawal_event_date,
            withdrawal_deadline: l.withdrawal_deadline,
        }
    }
}

/// One version of a 随机抽查事项清单 item, every field (all public).
#[derive(Serialize)]
pub struct ItemSnapshot<'a> {
    id: i64,
    code: &'a str,
    version: i32,
    field: &'a str,
    name: &'a str,
    content: &'a str,
    kind: &'static str,
    basis: &'a str,
    subject: &'a str,
    categories: Vec<&'a str>,
    methods: Vec<&'static str>,
    ratio: Option<&'a str>,
    frequency: Option<&'a str>,
    effective_from: chrono::NaiveDate,
    effective_to: Option<chrono::NaiveDate>,
}

impl<'a> From<&'a crate::domain::inspection_item::ItemVersion> for ItemSnapshot<'a> {
    fn from(v: &'a crate::domain::inspection_item::ItemVersion) -> Self {
        let f = &v.fields;
        ItemSnapshot {
            id: v.item_id,
            code: v.code.as_str(),
            version: v.version,
            field: &f.field,
            name: &f.name,
            content: &f.content,
            kind: f.kind.code(),
            basis: &f.basis,
            subject: &f.subject,
            categories: f.categories.iter().map(|c| c.as_str()).collect(),
            methods: f.methods.iter().map(|m| m.code()).collect(),
            ratio: f.ratio.as_deref(),
            frequency: f.frequency.as_deref(),
            effective_from: f.effective_from,
            effective_to: f.effective_to,
        }
    }
}

/// A plan's fields and status (the frozen snapshot itself is referenced by its hash).
#[derive(Serialize)]
pub struct PlanSnapshot<'a> {
    title: &'a str,
    items: Vec<(i64, i32)>,
    categories: Vec<&'a str>,
    districts: Vec<&'a str>,
    sample_size: Option<u32>,
    sample_ratio: Option<f64>,
    team_size: u32,
    load_cap: Option<u32>,
    sources: &'a [SourceSpec],
    planned_month: String,
    responsible_unit: &'a str,
    status: &'static str,
    version: i32,
    snapshot_sha256: Option<&'a str>,
    snapshot_size: Option<i32>,
    /// The stage-2 commitment published at announcement (issue 26).
    #[serde(skip_serializing_if = "Option::is_none")]
    stage2_sha256: Option<&'a str>,
    sample: Option<i32>,
    source_values: Option<&'a [Vec<u64>]>,
    key: Option<&'a str>,
    results_deadline: Option<chrono::NaiveDate>,
    void_reason: Option<&'a str>,
}

impl<'a> From<&'a PlanRecord> for PlanSnapshot<'a> {
    fn from(p: &'a PlanRecord) -> Self {
        let f = &p.fields;
        PlanSnapshot {
            title: &f.title,
            items: f.items.iter().map(|i| (i.id, i.version)).collect(),
            categories: f.categories.iter().map(CategoryCode::as_str).collect(),
            districts: f.districts.iter().map(DistrictCode::as_str).collect(),
            sample_size: match f.sample {
                Sample::Size(n) => Some(n),
                Sample::Ratio(_) => None,
            },
            sample_ratio: f.sample.ratio_value(),
            team_size: f.team_size,
            load_cap: f.load_cap,
            sources: &f.sources,
            planned_month: f.planned_month.to_string(),
            responsible_unit: &f.responsible_unit,
            status: p.status.code(),
            version: p.version,
            snapshot_sha256: p.announcement.as_ref().map(|a| a.snapshot_sha256.as_str()),
            snapshot_size: p.announcement.as_ref().map(|a| a.snapshot_size),
            stage2_sha256: p
                .announcement
                .as_ref()
                .and_then(|a| a.stage2_sha256.as_deref()),
            sample: p.announcement.as_ref().map(|a| a.sample),
            source_values: p.draw.as_ref().map(|d| d.source_values.as_slice()),
            key: p.draw.as_ref().map(|d| d.key.as_str()),
            results_deadline: p.completion.as_ref().map(|c| c.deadline),
            void_reason: p.void.as_ref().map(|v| v.reason.as_str()),
        }
    }
}

/// What the audit log calls each audited record and keeps of it (`service::events`).
mod audited {
    use super::*;
    use crate::domain::inspection_item::ItemVersion;
    use crate::domain::inspector::{Conflict, InspectorRecord};
    use crate::service::events::Audited;

    macro_rules! audited {
        ($t:ty, $object:literal, $id:expr, $snapshot:ident) => {
            impl Audited for $t {
                const OBJECT: &'static str = $object;
                fn object_id(&self) -> String {
                    let id: fn(&$t) -> String = $id;
                    id(self)
                }
                fn snapshot(&self) -> serde_json::Value {
                    json(&$snapshot::from(self))
                }
            }
        };
    }

    audited!(
        PenaltyRecord,
        "penalty",
        |r| r.id.to_string(),
        PenaltySnapshot
    );
    audited!(PlanRecord, "plan", |r| r.id.to_string(), PlanSnapshot);
    audited!(
        Authority,
        "authority",
        |r| r.id.to_string(),
        AuthoritySnapshot
    );
    audited!(
        ItemVersion,
        "inspection_item",
        |r| r.item_id.to_string(),
        ItemSnapshot
    );
    audited!(
        InspectorRecord,
        "inspector",
        |r| r.id.to_string(),
        InspectorSnapshot
    );
    audited!(
        Conflict,
        "inspector_conflict",
        |r| r.id.to_string(),
        ConflictSnapshot
    );
}

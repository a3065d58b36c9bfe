//! What staff see. Staff views extend the public ones with what only staff may read (risk tags,
//! versions, an inspector's ID number and phone); they are served only behind a token.

use serde::Serialize;

use crate::domain::audit_chain::AuditRecord;
use crate::domain::calendar::{LoadedYear, Origin, Region};
use crate::domain::category::Vocabulary;
use crate::domain::entity::EntityRecord;
use crate::domain::inspector::{Conflict, InspectorRecord};
use crate::domain::role::Role;
use crate::domain::shanghai::format_utc;
use crate::domain::user::User;
use crate::http::paging::LabelledView;
use crate::http::public::views::{PublicEntity, PublicInspector};

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
    fn view(e: &EntityRecord, categories: &Vocabulary) -> Self {
        StaffEntity {
            public: PublicEntity::view(e, categories),
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
    fn view(r: &InspectorRecord, categories: &Vocabulary) -> Self {
        StaffInspector {
            public: PublicInspector::view(r, categories),
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

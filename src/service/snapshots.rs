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

/// A declared conflict of interest, with its removal when removed.
#[derive(Serialize)]
pub struct ConflictSnapshot<'a> {
    id: i64,
    inspector_id: i64,
    credit_code: &'a Option<String>,
    category: &'a Option<String>,
    reason: &'a str,
    declared_at: NaiveDateTime,
    declared_by: &'a str,
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
    version: i32,
}

impl<'a> From<&'a User> for UserSnapshot<'a> {
    fn from(u: &'a User) -> Self {
        UserSnapshot {
            id: u.id,
            name: &u.name,
            role: u.role,
            active: u.active,
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

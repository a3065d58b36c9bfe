//! The inspector roster and declared conflicts of interest (回避).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{inspector_conflicts, inspectors};
use super::{corrupt, AnyConn};
use crate::domain::category::CategoryCode;
use crate::domain::id_number::IdNumber;
use crate::domain::inspector::{
    CertificateNo, Conflict, InspectorFields, InspectorRecord, InspectorStatus,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = inspectors)]
struct InspectorRow {
    id: i64,
    certificate_no: String,
    name: String,
    certificate_valid_from: NaiveDate,
    certificate_valid_to: NaiveDate,
    unit: String,
    fields: String,
    id_number: Option<String>,
    phone: Option<String>,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl InspectorRow {
    fn into_record(self) -> QueryResult<InspectorRecord> {
        let codes: Vec<String> =
            serde_json::from_str(&self.fields).map_err(|_| corrupt("fields", &self.fields))?;
        let fields = codes.into_iter().map(CategoryCode::stored).collect();
        // A stored ID number was valid when written; a far-future bound only re-checks its form.
        let far = NaiveDate::MAX;
        Ok(InspectorRecord {
            id: self.id,
            fields: InspectorFields {
                name: self.name,
                certificate_no: CertificateNo::parse(&self.certificate_no)
                    .map_err(|_| corrupt("certificate number", &self.certificate_no))?,
                certificate_valid_from: self.certificate_valid_from,
                certificate_valid_to: self.certificate_valid_to,
                unit: self.unit,
                fields,
                id_number: self
                    .id_number
                    .map(|s| IdNumber::parse(&s, far).map_err(|_| corrupt("ID number", "****")))
                    .transpose()?,
                phone: self.phone,
                status: InspectorStatus::parse(&self.status)
                    .ok_or_else(|| corrupt("status", &self.status))?,
            },
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = inspectors, treat_none_as_null = true)]
struct InspectorValues {
    certificate_no: String,
    name: String,
    certificate_valid_from: NaiveDate,
    certificate_valid_to: NaiveDate,
    unit: String,
    fields: String,
    id_number: Option<String>,
    phone: Option<String>,
    status: &'static str,
    version: i32,
    updated_at: NaiveDateTime,
}

fn values(f: &InspectorFields, version: i32, now: NaiveDateTime) -> InspectorValues {
    let codes: Vec<&str> = f.fields.iter().map(CategoryCode::as_str).collect();
    InspectorValues {
        certificate_no: f.certificate_no.as_str().to_string(),
        name: f.name.clone(),
        certificate_valid_from: f.certificate_valid_from,
        certificate_valid_to: f.certificate_valid_to,
        unit: f.unit.clone(),
        fields: serde_json::to_string(&codes).unwrap_or_default(),
        id_number: f.id_number.as_ref().map(|i| i.as_str().to_string()),
        phone: f.phone.clone(),
        status: f.status.code(),
        version,
        updated_at: now,
    }
}

pub fn insert(
    conn: &mut AnyConn,
    f: &InspectorFields,
    now: NaiveDateTime,
) -> QueryResult<InspectorRecord> {
    let id: i64 = diesel::insert_into(inspectors::table)
        .values((values(f, 1, now), inspectors::created_at.eq(now)))
        .returning(inspectors::id)
        .get_result(conn)?;
    by_id(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Overwrites an inspector if still at `expected_version`; `None` when someone changed it first.
pub fn update_if_version(
    conn: &mut AnyConn,
    before: &InspectorRecord,
    expected_version: i32,
    f: &InspectorFields,
    now: NaiveDateTime,
) -> QueryResult<Option<InspectorRecord>> {
    let n = diesel::update(
        inspectors::table
            .filter(inspectors::id.eq(before.id))
            .filter(inspectors::version.eq(expected_version)),
    )
    .set(values(f, expected_version + 1, now))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    by_id(conn, before.id)
}

pub fn by_id(conn: &mut AnyConn, id: i64) -> QueryResult<Option<InspectorRecord>> {
    inspectors::table
        .find(id)
        .select(InspectorRow::as_select())
        .first(conn)
        .optional()?
        .map(InspectorRow::into_record)
        .transpose()
}

pub fn by_certificate_no(conn: &mut AnyConn, no: &str) -> QueryResult<Option<InspectorRecord>> {
    inspectors::table
        .filter(inspectors::certificate_no.eq(no))
        .select(InspectorRow::as_select())
        .first(conn)
        .optional()?
        .map(InspectorRow::into_record)
        .transpose()
}

/// Up to `limit` inspectors with `id > after`, in id order, optionally of one status.
pub fn page(
    conn: &mut AnyConn,
    after: i64,
    limit: i64,
    status: Option<InspectorStatus>,
) -> QueryResult<Vec<InspectorRecord>> {
    let mut q = inspectors::table
        .filter(inspectors::id.gt(after))
        .order(inspectors::id.asc())
        .limit(limit)
        .select(InspectorRow::as_select())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(inspectors::status.eq(s.code()));
    }
    q.load(conn)?
        .into_iter()
        .map(InspectorRow::into_record)
        .collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = inspector_conflicts)]
struct ConflictRow {
    id: i64,
    inspector_id: i64,
    credit_code: Option<String>,
    category: Option<String>,
    reason: String,
    declared_at: NaiveDateTime,
    declared_by: String,
    removed_at: Option<NaiveDateTime>,
    removed_by: Option<String>,
    removal_reason: Option<String>,
}

impl From<ConflictRow> for Conflict {
    fn from(r: ConflictRow) -> Self {
        Conflict {
            id: r.id,
            inspector_id: r.inspector_id,
            credit_code: r.credit_code,
            category: r.category,
            reason: r.reason,
            declared_at: r.declared_at,
            declared_by: r.declared_by,
            removed_at: r.removed_at,
            removed_by: r.removed_by,
            removal_reason: r.removal_reason,
        }
    }
}

pub fn add_conflict(
    conn: &mut AnyConn,
    inspector_id: i64,
    credit_code: Option<&str>,
    category: Option<&str>,
    reason: &str,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<Conflict> {
    let id: i64 = diesel::insert_into(inspector_conflicts::table)
        .values((
            inspector_conflicts::inspector_id.eq(inspector_id),
            inspector_conflicts::credit_code.eq(credit_code),
            inspector_conflicts::category.eq(category),
            inspector_conflicts::reason.eq(reason),
            inspector_conflicts::declared_at.eq(now),
            inspector_conflicts::declared_by.eq(actor),
        ))
        .returning(inspector_conflicts::id)
        .get_result(conn)?;
    conflict(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

pub fn conflict(conn: &mut AnyConn, id: i64) -> QueryResult<Option<Conflict>> {
    inspector_conflicts::table
        .find(id)
        .select(ConflictRow::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(Conflict::from))
}

/// Marks a conflict removed; `false` if it was removed already.
pub fn remove_conflict(
    conn: &mut AnyConn,
    id: i64,
    reason: &str,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        inspector_conflicts::table
            .filter(inspector_conflicts::id.eq(id))
            .filter(inspector_conflicts::removed_at.is_null()),
    )
    .set((
        inspector_conflicts::removed_at.eq(now),
        inspector_conflicts::removed_by.eq(actor),
        inspector_conflicts::removal_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// An inspector's conflicts, oldest first; removed ones only when asked.
pub fn conflicts_of(
    conn: &mut AnyConn,
    inspector_id: i64,
    include_removed: bool,
) -> QueryResult<Vec<Conflict>> {
    let mut q = inspector_conflicts::table
        .filter(inspector_conflicts::inspector_id.eq(inspector_id))
        .order(inspector_conflicts::id.asc())
        .select(ConflictRow::as_select())
        .into_boxed();
    if !include_removed {
        q = q.filter(inspector_conflicts::removed_at.is_null());
    }
    Ok(q.load::<ConflictRow>(conn)?
        .into_iter()
        .map(Conflict::from)
        .collect())
}

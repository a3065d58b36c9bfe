//! 处罚机关 and their decision-number sequences.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{authorities, decision_number_sequences};
use super::{corrupt, AnyConn};
use crate::domain::credit_code::CreditCode;
use crate::domain::penalty::publicity::PublicationSettings;
use crate::domain::penalty::record::{Authority, AuthorityFields};

#[derive(Queryable, Selectable)]
#[diesel(table_name = authorities)]
struct AuthorityRow {
    id: i64,
    name: String,
    credit_code: String,
    number_prefix: String,
    publish_simple_procedure: bool,
    publish_warning_only: bool,
    publish_minor: bool,
    mask_natural_person_names: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl AuthorityRow {
    fn into_authority(self) -> QueryResult<Authority> {
        Ok(Authority {
            id: self.id,
            fields: AuthorityFields {
                name: self.name,
                credit_code: CreditCode::parse(&self.credit_code)
                    .map_err(|_| corrupt("authority credit code", &self.credit_code))?,
                number_prefix: self.number_prefix,
                settings: PublicationSettings {
                    publish_simple_procedure: self.publish_simple_procedure,
                    publish_warning_only: self.publish_warning_only,
                    publish_minor: self.publish_minor,
                },
                mask_natural_person_names: self.mask_natural_person_names,
            },
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub fn list(conn: &mut AnyConn) -> QueryResult<Vec<Authority>> {
    authorities::table
        .order(authorities::id.asc())
        .select(AuthorityRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AuthorityRow::into_authority)
        .collect()
}

pub fn by_id(conn: &mut AnyConn, id: i64) -> QueryResult<Option<Authority>> {
    authorities::table
        .find(id)
        .select(AuthorityRow::as_select())
        .first(conn)
        .optional()?
        .map(AuthorityRow::into_authority)
        .transpose()
}

/// Whether another authority already has this name or credit code.
pub fn taken(conn: &mut AnyConn, f: &AuthorityFields, except: Option<i64>) -> QueryResult<bool> {
    let mut q = authorities::table
        .filter(
            authorities::name
                .eq(&f.name)
                .or(authorities::credit_code.eq(f.credit_code.as_str())),
        )
        .select(authorities::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(authorities::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

pub fn insert(
    conn: &mut AnyConn,
    f: &AuthorityFields,
    now: NaiveDateTime,
) -> QueryResult<Authority> {
    diesel::insert_into(authorities::table)
        .values((
            authorities::name.eq(&f.name),
            authorities::credit_code.eq(f.credit_code.as_str()),
            authorities::number_prefix.eq(&f.number_prefix),
            authorities::publish_simple_procedure.eq(f.settings.publish_simple_procedure),
            authorities::publish_warning_only.eq(f.settings.publish_warning_only),
            authorities::publish_minor.eq(f.settings.publish_minor),
            authorities::mask_natural_person_names.eq(f.mask_natural_person_names),
            authorities::version.eq(1),
            authorities::created_at.eq(now),
            authorities::updated_at.eq(now),
        ))
        .execute(conn)?;
    let id: i64 = authorities::table
        .filter(authorities::name.eq(&f.name))
        .select(authorities::id)
        .first(conn)?;
    by_id(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Overwrites an authority if it is still at `version`; `None` when someone changed it first.
pub fn update_if_version(
    conn: &mut AnyConn,
    id: i64,
    version: i32,
    f: &AuthorityFields,
    now: NaiveDateTime,
) -> QueryResult<Option<Authority>> {
    let changed = diesel::update(
        authorities::table
            .filter(authorities::id.eq(id))
            .filter(authorities::version.eq(version)),
    )
    .set((
        authorities::name.eq(&f.name),
        authorities::credit_code.eq(f.credit_code.as_str()),
        authorities::number_prefix.eq(&f.number_prefix),
        authorities::publish_simple_procedure.eq(f.settings.publish_simple_procedure),
        authorities::publish_warning_only.eq(f.settings.publish_warning_only),
        authorities::publish_minor.eq(f.settings.publish_minor),
        authorities::mask_natural_person_names.eq(f.mask_natural_person_names),
        authorities::version.eq(version + 1),
        authorities::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    by_id(conn, id)
}

/// The last number allocated in `authority`'s sequence for `year` (0: none yet).
pub fn last_allocated(conn: &mut AnyConn, authority: i64, year: i32) -> QueryResult<i32> {
    use decision_number_sequences as s;
    Ok(s::table
        .filter(s::authority_id.eq(authority))
        .filter(s::year.eq(year))
        .select(s::last)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(0))
}

/// The next number of `authority`'s sequence for `year`. Call inside a write transaction: the
/// row is created or incremented and read back in it, so two allocations (in one instance or
/// several sharing a PostgreSQL) never get the same number and a rolled-back one leaves no gap.
pub fn allocate_number(conn: &mut AnyConn, authority: i64, year: i32) -> QueryResult<i32> {
    use decision_number_sequences as s;
    // Insert-or-increment is one statement, so on PostgreSQL its row lock orders concurrent
    // allocations; SQLite's write transaction already does.
    let next: i32 = match conn {
        AnyConn::Sqlite(c) => diesel::insert_into(s::table)
            .values((
                s::authority_id.eq(authority),
                s::year.eq(year),
                s::last.eq(1),
            ))
            .on_conflict((s::authority_id, s::year))
            .do_update()
            .set(s::last.eq(s::last + 1))
            .returning(s::last)
            .get_result(c)?,
        AnyConn::Pg(c) => diesel::insert_into(s::table)
            .values((
                s::authority_id.eq(authority),
                s::year.eq(year),
                s::last.eq(1),
            ))
            .on_conflict((s::authority_id, s::year))
            .do_update()
            .set(s::last.eq(s::last + 1))
            .returning(s::last)
            .get_result(c)?,
    };
    Ok(next)
}

//! 抽查计划: plans, their frozen snapshots, the draw's selections, exclusions and results.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    categories, entities, inspector_conflicts, inspectors, plan_closings, plan_exclusions,
    plan_results, plan_selections, plan_snapshots, plans,
};
use super::{corrupt, AnyConn};
use crate::domain::category::CategoryCode;
use crate::domain::draw::frozen::{FrozenRoster, Member, RosterEntry};
use crate::domain::entity::DistrictCode;
use crate::domain::plan::fields::{ItemRef, PlanFields, PlannedMonth, SourceSpec};
use crate::domain::plan::outcome::{Outcome, ResultFields};
use crate::domain::plan::record::{
    Announcement, Completion, DrawFacts, Exclusion, PlanRecord, ResultsPublication, Selection,
    StoredResult, Void,
};
use crate::domain::plan::{PlanStatus, Sample};

/// A multi-row INSERT on the connection's own backend (diesel's multi-backend connection has
/// none).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            AnyConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            AnyConn::Pg(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

/// Rows per multi-row INSERT (4 to 8 columns: well under SQLite's 32,766 parameters).
const CHUNK: usize = 2_000;

#[derive(Queryable, Selectable)]
#[diesel(table_name = plans)]
struct PlanRow {
    id: i64,
    title: String,
    items: String,
    categories: String,
    districts: String,
    sample_size: Option<i32>,
    sample_ratio_ppm: Option<i32>,
    team_size: i32,
    load_cap: Option<i32>,
    sources: String,
    planned_month: String,
    responsible_unit: String,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    created_by: String,
    updated_at: NaiveDateTime,
    announced_at: Option<NaiveDateTime>,
    announced_by: Option<String>,
    announced_on: Option<NaiveDate>,
    snapshot_sha256: Option<String>,
    snapshot_size: Option<i32>,
    sample: Option<i32>,
    frequency_cap: Option<i32>,
    drawn_at: Option<NaiveDateTime>,
    drawn_by: Option<String>,
    drawn_on: Option<NaiveDate>,
    source_values: Option<String>,
    draw_key: Option<String>,
    draw_refusal: Option<String>,
    stage2_sha256: Option<String>,
}

#[derive(Queryable, Selectable, Default)]
#[diesel(table_name = plan_closings)]
struct ClosingRow {
    completed_at: Option<NaiveDateTime>,
    completed_by: Option<String>,
    completed_on: Option<NaiveDate>,
    results_deadline: Option<NaiveDate>,
    results_deadline_provisional: Option<bool>,
    results_published_at: Option<NaiveDateTime>,
    results_published_by: Option<String>,
    results_published_on: Option<NaiveDate>,
    results_days_late: Option<i32>,
    voided_at: Option<NaiveDateTime>,
    voided_by: Option<String>,
    voided_from: Option<String>,
    void_reason: Option<String>,
}

fn json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> QueryResult<T> {
    serde_json::from_str(s).map_err(|_| corrupt(what, s))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn status(s: &str) -> QueryResult<PlanStatus> {
    PlanStatus::parse(s).ok_or_else(|| corrupt("plan status", s))
}

impl PlanRow {
    fn into_record(self, closing: Option<ClosingRow>) -> QueryResult<PlanRecord> {
        let categories: Vec<String> = json("plan categories", &self.categories)?;
        let districts: Vec<String> = json("plan districts", &self.districts)?;
        let sample = match (self.sample_size, self.sample_ratio_ppm) {
            (Some(n), _) => Sample::Size(n as u32),
            (None, Some(ppm)) => Sample::Ratio(ppm as u32),
            (None, None) => return Err(corrupt("plan sample", "none")),
        };
        let fields = PlanFields {
            title: self.title,
            items: json::<Vec<ItemRef>>("plan items", &self.items)?,
            categories: categories.into_iter().map(CategoryCode::stored).collect(),
            districts: districts
                .iter()
                .map(|d| DistrictCode::parse(d).map_err(|_| corrupt("district", d)))
                .collect::<QueryResult<_>>()?,
            sample,
            team_size: self.team_size as u32,
            load_cap: self.load_cap.map(|n| n as u32),
            sources: json::<Vec<SourceSpec>>("plan sources", &self.sources)?,
            planned_month: PlannedMonth::parse(&self.planned_month)
                .ok_or_else(|| corrupt("planned month", &self.planned_month))?,
            responsible_unit: self.responsible_unit,
        };
        let announcement = match (self.announced_at, self.announced_by, self.announced_on) {
            (Some(at), Some(by), Some(on)) => Some(Announcement {
                at,
                by,
                on,
                snapshot_sha256: self.snapshot_sha256.unwrap_or_default(),
                snapshot_size: self.snapshot_size.unwrap_or_default(),
                sample: self.sample.unwrap_or_default(),
                frequency_cap: self.frequency_cap,
                stage2_sha256: self.stage2_sha256,
            }),
            _ => None,
        };
        let draw = match (self.drawn_at, self.drawn_by, self.drawn_on) {
            (Some(at), Some(by), Some(on)) => Some(DrawFacts {
                at,
                by,
                on,
                source_values: json(
                    "source values",
                    self.source_values.as_deref().unwrap_or("[]"),
                )?,
                key: self.draw_key.unwrap_or_default(),
                refusal: self.draw_refusal,
            }),
            _ => None,
        };
        let c = closing.unwrap_or_default();
        let completion = match (
            c.completed_at,
            c.completed_by,
            c.completed_on,
            c.results_deadline,
        ) {
            (Some(at), Some(by), Some(on), Some(deadline)) => Some(Completion {
                at,
                by,
                on,
                deadline,
                provisional: c.results_deadline_provisional.unwrap_or(false),
            }),
            _ => None,
        };
        let results_publication = match (
            c.results_published_at,
            c.results_published_by,
            c.results_published_on,
        ) {
            (Some(at), Some(by), Some(on)) => Some(ResultsPublication {
                at,
                by,
                on,
                days_late: c.results_days_late.unwrap_or(0),
            }),
            _ => None,
        };
        let void = match (c.voided_at, c.voided_by, c.voided_from) {
            (Some(at), Some(by), Some(from)) => Some(Void {
                at,
                by,
                from: status(&from)?,
                reason: c.void_reason.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(PlanRecord {
            id: self.id,
            fields,
            status: status(&self.status)?,
            version: self.version,
            created_at: self.created_at,
            created_by: self.created_by,
            updated_at: self.updated_at,
            announcement,
            draw,
            completion,
            results_publication,
            void,
        })
    }
}

/// Adds a draft; returns its id. Call inside a write transaction.
pub fn insert(
    conn: &mut AnyConn,
    f: &PlanFields,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let codes: Vec<&str> = f.categories.iter().map(CategoryCode::as_str).collect();
    let districts: Vec<&str> = f.districts.iter().map(DistrictCode::as_str).collect();
    let (size, ppm) = match f.sample {
        Sample::Size(n) => (Some(n as i32), None),
        Sample::Ratio(p) => (None, Some(p as i32)),
    };
    diesel::insert_into(plans::table)
        .values((
            plans::title.eq(&f.title),
            plans::items.eq(to_json(&f.items)),
            plans::categories.eq(to_json(&codes)),
            plans::districts.eq(to_json(&districts)),
            plans::sample_size.eq(size),
            plans::sample_ratio_ppm.eq(ppm),
            plans::team_size.eq(f.team_size as i32),
            plans::load_cap.eq(f.load_cap.map(|n| n as i32)),
            plans::sources.eq(to_json(&f.sources)),
            plans::planned_month.eq(f.planned_month.to_string()),
            plans::responsible_unit.eq(&f.responsible_unit),
            plans::status.eq(PlanStatus::Draft.code()),
            plans::version.eq(1),
            plans::created_at.eq(now),
            plans::created_by.eq(by),
            plans::updated_at.eq(now),
        ))
        .returning(plans::id)
        .get_result(conn)
}

type Joined = (PlanRow, Option<ClosingRow>);

fn records(rows: Vec<Joined>) -> QueryResult<Vec<PlanRecord>> {
    rows.into_iter().map(|(p, c)| p.into_record(c)).collect()
}

pub fn get(conn: &mut AnyConn, id: i64) -> QueryResult<Option<PlanRecord>> {
    let rows: Vec<Joined> = plans::table
        .left_join(plan_closings::table)
        .filter(plans::id.eq(id))
        .select((PlanRow::as_select(), Option::<ClosingRow>::as_select()))
        .load(conn)?;
    Ok(records(rows)?.pop())
}

/// `limit` plans with `id > after`, in id order; `public` leaves drafts out.
pub fn page(
    conn: &mut AnyConn,
    public: bool,
    status_filter: Option<PlanStatus>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<PlanRecord>> {
    let mut q = plans::table
        .left_join(plan_closings::table)
        .filter(plans::id.gt(after))
        .order(plans::id.asc())
        .limit(limit)
        .select((PlanRow::as_select(), Option::<ClosingRow>::as_select()))
        .into_boxed();
    if public {
        q = q.filter(plans::status.ne(PlanStatus::Draft.code()));
    }
    if let Some(s) = status_filter {
        q = q.filter(plans::status.eq(s.code()));
    }
    records(q.load(conn)?)
}

/// The active entities of `categories` (each already expanded to its sub-kinds) in `districts`
/// (empty: all), credit codes ascending.
pub fn population(
    conn: &mut AnyConn,
    categories: &[CategoryCode],
    districts: &[DistrictCode],
) -> QueryResult<Vec<Member>> {
    let mut q = entities::table
        .filter(entities::status.eq("active"))
        .filter(entities::category.eq_any(categories.iter().map(CategoryCode::as_str)))
        .order(entities::credit_code.asc())
        .select((entities::credit_code, entities::category))
        .into_boxed();
    if !districts.is_empty() {
        q = q.filter(entities::district.eq_any(districts.iter().map(DistrictCode::as_str)));
    }
    let rows: Vec<(String, String)> = q.load(conn)?;
    let mut members: Vec<Member> = rows
        .into_iter()
        .map(|(credit_code, category)| Member {
            credit_code,
            category,
        })
        .collect();
    // Byte order whatever the database's collation.
    members.sort_unstable_by(|a, b| a.credit_code.cmp(&b.credit_code));
    Ok(members)
}

/// The whole roster with its open conflicts and the category tree, for freezing.
pub fn roster(conn: &mut AnyConn) -> QueryResult<FrozenRoster> {
    let rows: Vec<(i64, String, NaiveDate, NaiveDate, String, String)> = inspectors::table
        .select((
            inspectors::id,
            inspectors::certificate_no,
            inspectors::certificate_valid_from,
            inspectors::certificate_valid_to,
            inspectors::fields,
            inspectors::status,
        ))
        .load(conn)?;
    let conflicts: Vec<(i64, Option<String>, Option<String>)> = inspector_conflicts::table
        .filter(inspector_conflicts::removed_at.is_null())
        .select((
            inspector_conflicts::inspector_id,
            inspector_conflicts::credit_code,
            inspector_conflicts::category,
        ))
        .load(conn)?;
    let mut by_inspector: BTreeMap<i64, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for (id, code, category) in conflicts {
        let slot = by_inspector.entry(id).or_default();
        if let Some(c) = code {
            slot.0.push(c);
        }
        if let Some(c) = category {
            slot.1.push(c);
        }
    }
    let mut entries = Vec::with_capacity(rows.len());
    for (id, certificate_no, valid_from, valid_to, fields, status) in rows {
        let (conflict_entities, conflict_categories) = by_inspector.remove(&id).unwrap_or_default();
        entries.push(RosterEntry {
            certificate_no,
            active: status == "active",
            valid_from,
            valid_to,
            fields: json("inspector fields", &fields)?,
            conflict_categories,
            conflict_entities,
        });
    }
    let parents: BTreeMap<String, Option<String>> = categories::table
        .select((categories::code, categories::parent))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .collect();
    Ok(FrozenRoster::new(entries, parents))
}

/// Entities selected by at least `cap` drawn, not voided plans of `year` (other than `plan`),
/// with their count.
pub fn at_yearly_cap(conn: &mut AnyConn, year: i32, cap: i32) -> QueryResult<Vec<Exclusion>> {
    let rows: Vec<(String, i64)> = plan_selections::table
        .inner_join(plans::table)
        .filter(plans::status.ne(PlanStatus::Voided.code()))
        .filter(plans::planned_month.like(format!("{year}-%")))
        .group_by(plan_selections::credit_code)
        .having(diesel::dsl::count_star().ge(i64::from(cap)))
        .select((plan_selections::credit_code, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: Vec<Exclusion> = rows
        .into_iter()
        .map(|(credit_code, n)| Exclusion {
            credit_code,
            inspections: n as i32,
        })
        .collect();
    out.sort_by(|a, b| a.credit_code.cmp(&b.credit_code));
    Ok(out)
}

/// What announcing writes.
pub struct Announced<'a> {
    pub announcement: &'a Announcement,
    pub items: &'a [ItemRef],
    pub members: &'a [Member],
    pub roster: &'a FrozenRoster,
    pub exclusions: &'a [Exclusion],
}

/// Announces a draft: `false` when it is no longer a draft. Call inside a write transaction.
pub fn announce(
    conn: &mut AnyConn,
    id: i64,
    a: Announced,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .filter(plans::id.eq(id))
            .filter(plans::status.eq(PlanStatus::Draft.code())),
    )
    .set((
        plans::status.eq(PlanStatus::Announced.code()),
        plans::version.eq(plans::version + 1),
        plans::updated_at.eq(now),
        plans::items.eq(to_json(&a.items)),
        plans::announced_at.eq(a.announcement.at),
        plans::announced_by.eq(&a.announcement.by),
        plans::announced_on.eq(a.announcement.on),
        plans::snapshot_sha256.eq(&a.announcement.snapshot_sha256),
        plans::snapshot_size.eq(a.announcement.snapshot_size),
        plans::sample.eq(a.announcement.sample),
        plans::frequency_cap.eq(a.announcement.frequency_cap),
        plans::stage2_sha256.eq(&a.announcement.stage2_sha256),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    let codes = crate::domain::draw::frozen::canonical_text(
        a.members.iter().map(|m| m.credit_code.as_str()),
    );
    let mut cats = String::new();
    for m in a.members {
        cats.push_str(&m.category);
        cats.push('\n');
    }
    diesel::insert_into(plan_snapshots::table)
        .values((
            plan_snapshots::plan_id.eq(id),
            plan_snapshots::codes.eq(codes),
            plan_snapshots::categories.eq(cats),
            plan_snapshots::roster.eq(to_json(a.roster)),
        ))
        .execute(conn)?;
    for chunk in a.exclusions.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|e| {
                (
                    plan_exclusions::plan_id.eq(id),
                    plan_exclusions::credit_code.eq(&e.credit_code),
                    plan_exclusions::inspections.eq(e.inspections),
                )
            })
            .collect();
        insert_rows!(conn, plan_exclusions::table, rows)?;
    }
    Ok(true)
}

/// A plan's frozen inputs.
pub fn snapshot(conn: &mut AnyConn, id: i64) -> QueryResult<Option<(Vec<Member>, FrozenRoster)>> {
    let row: Option<(String, String, String)> = plan_snapshots::table
        .find(id)
        .select((
            plan_snapshots::codes,
            plan_snapshots::categories,
            plan_snapshots::roster,
        ))
        .first(conn)
        .optional()?;
    let Some((codes, cats, roster)) = row else {
        return Ok(None);
    };
    let codes: Vec<&str> = codes.lines().collect();
    let cats: Vec<&str> = cats.lines().collect();
    if codes.len() != cats.len() {
        return Err(corrupt("plan snapshot", &format!("plan {id}")));
    }
    let members = codes
        .into_iter()
        .zip(cats)
        .map(|(c, k)| Member {
            credit_code: c.to_string(),
            category: k.to_string(),
        })
        .collect();
    Ok(Some((members, json("plan roster", &roster)?)))
}

/// A plan's frozen roster alone (the public plan page shows it; the population is not read).
pub fn frozen_roster(conn: &mut AnyConn, id: i64) -> QueryResult<Option<FrozenRoster>> {
    let row: Option<String> = plan_snapshots::table
        .find(id)
        .select(plan_snapshots::roster)
        .first(conn)
        .optional()?;
    row.map(|r| json("plan roster", &r)).transpose()
}

pub fn exclusions(conn: &mut AnyConn, id: i64) -> QueryResult<Vec<Exclusion>> {
    Ok(plan_exclusions::table
        .filter(plan_exclusions::plan_id.eq(id))
        .order(plan_exclusions::credit_code.asc())
        .select((plan_exclusions::credit_code, plan_exclusions::inspections))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .map(|(credit_code, inspections)| Exclusion {
            credit_code,
            inspections,
        })
        .collect())
}

/// Moves an announced plan to `to` with the draw's facts (its values, day, key and, for a
/// refused draw, the reason): `false` when the plan is no longer announced.
fn claim_draw(
    conn: &mut AnyConn,
    id: i64,
    facts: &DrawFacts,
    to: PlanStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .filter(plans::id.eq(id))
            .filter(plans::status.eq(PlanStatus::Announced.code())),
    )
    .set((
        plans::status.eq(to.code()),
        plans::version.eq(plans::version + 1),
        plans::updated_at.eq(now),
        plans::drawn_at.eq(facts.at),
        plans::drawn_by.eq(&facts.by),
        plans::drawn_on.eq(facts.on),
        plans::source_values.eq(to_json(&facts.source_values)),
        plans::draw_key.eq(&facts.key),
        plans::draw_refusal.eq(&facts.refusal),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// A draw refused for want of inspectors (issue 26): the attempt's values, time and key kept on
/// the plan, which is `draw_failed` until voided. `false` when the plan was no longer announced.
pub fn record_refused_draw(
    conn: &mut AnyConn,
    id: i64,
    facts: &DrawFacts,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    claim_draw(conn, id, facts, PlanStatus::DrawFailed, now)
}

/// Claims the draw and writes its selections: `false` when the plan is no longer announced
/// (drawn by someone else first). Call inside a write transaction: on PostgreSQL a concurrent
/// claim waits for this one's commit and then finds the status changed.
pub fn record_draw(
    conn: &mut AnyConn,
    id: i64,
    facts: &DrawFacts,
    selections: &[Selection],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    if !claim_draw(conn, id, facts, PlanStatus::Drawn, now)? {
        return Ok(false);
    }
    for chunk in selections.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|s| {
                (
                    plan_selections::plan_id.eq(id),
                    plan_selections::pick.eq(s.pick),
                    plan_selections::credit_code.eq(&s.credit_code),
                    plan_selections::inspectors.eq(to_json(&s.inspectors)),
                )
            })
            .collect();
        insert_rows!(conn, plan_selections::table, rows)?;
    }
    Ok(true)
}

pub fn selections(conn: &mut AnyConn, id: i64) -> QueryResult<Vec<Selection>> {
    selections_after(conn, id, 0, i64::MAX)
}

/// Up to `limit` of a plan's selections with `pick > after`, in pick order (picks start at 1).
pub fn selections_after(
    conn: &mut AnyConn,
    id: i64,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<Selection>> {
    plan_selections::table
        .filter(plan_selections::plan_id.eq(id))
        .filter(plan_selections::pick.gt(after))
        .order(plan_selections::pick.asc())
        .limit(limit)
        .select((
            plan_selections::pick,
            plan_selections::credit_code,
            plan_selections::inspectors,
        ))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(pick, credit_code, inspectors)| {
            Ok(Selection {
                pick,
                credit_code,
                inspectors: json("team", &inspectors)?,
            })
        })
        .collect()
}

/// Moves the plan from `from` to `to` (bumping its version): `false` when it is no longer at
/// `from`. Call inside a write transaction.
pub fn set_status(
    conn: &mut AnyConn,
    id: i64,
    from: PlanStatus,
    to: PlanStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .filter(plans::id.eq(id))
            .filter(plans::status.eq(from.code())),
    )
    .set((
        plans::status.eq(to.code()),
        plans::version.eq(plans::version + 1),
        plans::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Writes (or replaces) the results of these picks. Call inside a write transaction.
pub fn save_results(
    conn: &mut AnyConn,
    id: i64,
    results: &[(i32, ResultFields)],
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for chunk in results.chunks(CHUNK) {
        let picks: Vec<i32> = chunk.iter().map(|(p, _)| *p).collect();
        diesel::delete(
            plan_results::table
                .filter(plan_results::plan_id.eq(id))
                .filter(plan_results::pick.eq_any(picks)),
        )
        .execute(conn)?;
        let rows: Vec<_> = chunk
            .iter()
            .map(|(pick, r)| {
                (
                    plan_results::plan_id.eq(id),
                    plan_results::pick.eq(*pick),
                    plan_results::outcome.eq(r.outcome.code()),
                    plan_results::inspected_on.eq(r.inspected_on),
                    plan_results::inspectors.eq(to_json(&r.inspectors)),
                    plan_results::notes.eq(r.notes.as_deref()),
                    plan_results::recorded_at.eq(now),
                    plan_results::recorded_by.eq(by),
                )
            })
            .collect();
        insert_rows!(conn, plan_results::table, rows)?;
    }
    Ok(())
}

type ResultRow = (
    i32,
    String,
    NaiveDate,
    String,
    Option<String>,
    NaiveDateTime,
    String,
);

/// Every recorded result, by pick; the credit code comes from the selection.
pub fn results(conn: &mut AnyConn, id: i64) -> QueryResult<Vec<StoredResult>> {
    results_between(conn, id, i32::MIN, i32::MAX)
}

/// A plan's results for picks in `first..=last`, in pick order.
pub fn results_between(
    conn: &mut AnyConn,
    id: i64,
    first: i32,
    last: i32,
) -> QueryResult<Vec<StoredResult>> {
    let rows: Vec<(ResultRow, String)> = plan_results::table
        .inner_join(
            plan_selections::table.on(plan_selections::plan_id
                .eq(plan_results::plan_id)
                .and(plan_selections::pick.eq(plan_results::pick))),
        )
        .filter(plan_results::plan_id.eq(id))
        .filter(plan_results::pick.between(first, last))
        .order(plan_results::pick.asc())
        .select((
            (
                plan_results::pick,
                plan_results::outcome,
                plan_results::inspected_on,
                plan_results::inspectors,
                plan_results::notes,
                plan_results::recorded_at,
                plan_results::recorded_by,
            ),
            plan_selections::credit_code,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |((pick, outcome, inspected_on, inspectors, notes, recorded_at, recorded_by), code)| {
                Ok(StoredResult {
                    pick,
                    fields: ResultFields {
                        credit_code: code,
                        outcome: Outcome::parse(&outcome)
                            .ok_or_else(|| corrupt("outcome", &outcome))?,
                        inspected_on,
                        inspectors: json("result inspectors", &inspectors)?,
                        notes,
                    },
                    recorded_at,
                    recorded_by,
                })
            },
        )
        .collect()
}

/// Completes an in-progress plan: `false` when it is not in progress.
pub fn complete(conn: &mut AnyConn, id: i64, c: &Completion) -> QueryResult<bool> {
    if !set_status(
        conn,
        id,
        PlanStatus::InProgress,
        PlanStatus::Completed,
        c.at,
    )? {
        return Ok(false);
    }
    diesel::insert_into(plan_closings::table)
        .values((
            plan_closings::plan_id.eq(id),
            plan_closings::completed_at.eq(c.at),
            plan_closings::completed_by.eq(&c.by),
            plan_closings::completed_on.eq(c.on),
            plan_closings::results_deadline.eq(c.deadline),
            plan_closings::results_deadline_provisional.eq(c.provisional),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Publishes a completed plan's results: `false` when it is not completed.
pub fn publish_results(conn: &mut AnyConn, id: i64, p: &ResultsPublication) -> QueryResult<bool> {
    if !set_status(
        conn,
        id,
        PlanStatus::Completed,
        PlanStatus::ResultsPublished,
        p.at,
    )? {
        return Ok(false);
    }
    diesel::update(plan_closings::table.find(id))
        .set((
            plan_closings::results_published_at.eq(p.at),
            plan_closings::results_published_by.eq(&p.by),
            plan_closings::results_published_on.eq(p.on),
            plan_closings::results_days_late.eq(p.days_late),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Voids a plan still at `v.from`: `false` when it moved.
pub fn void(conn: &mut AnyConn, id: i64, v: &Void) -> QueryResult<bool> {
    if !set_status(conn, id, v.from, PlanStatus::Voided, v.at)? {
        return Ok(false);
    }
    let values = (
        plan_closings::voided_at.eq(v.at),
        plan_closings::voided_by.eq(&v.by),
        plan_closings::voided_from.eq(v.from.code()),
        plan_closings::void_reason.eq(&v.reason),
    );
    let n = diesel::update(plan_closings::table.find(id))
        .set(values)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(plan_closings::table)
            .values((plan_closings::plan_id.eq(id), values))
            .execute(conn)?;
    }
    Ok(true)
}

/// Plans whose results deadline was computed past the loaded calendar (provisional).
pub fn with_provisional_results_deadline(conn: &mut AnyConn) -> QueryResult<Vec<PlanRecord>> {
    let ids: Vec<i64> = plan_closings::table
        .filter(plan_closings::results_deadline_provisional.eq(true))
        .select(plan_closings::plan_id)
        .order(plan_closings::plan_id)
        .load(conn)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(get(conn, id)?);
    }
    Ok(out)
}

/// A completed plan's recomputed results deadline (and the lateness of results published against
/// it), against the version the caller read: `false` when the plan moved meanwhile. The plan's
/// version moves, like any change of what its readers see.
pub fn set_results_deadline(
    conn: &mut AnyConn,
    id: i64,
    version: i32,
    deadline: NaiveDate,
    provisional: bool,
    days_late: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plans::table
            .filter(plans::id.eq(id))
            .filter(plans::version.eq(version)),
    )
    .set((
        plans::version.eq(plans::version + 1),
        plans::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    diesel::update(plan_closings::table.find(id))
        .set((
            plan_closings::results_deadline.eq(deadline),
            plan_closings::results_deadline_provisional.eq(provisional),
            plan_closings::results_days_late.eq(days_late),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Completed plans whose results are not yet published (for the deadlines report).
pub fn awaiting_results(conn: &mut AnyConn) -> QueryResult<Vec<PlanRecord>> {
    let rows: Vec<Joined> = plans::table
        .left_join(plan_closings::table)
        .filter(plans::status.eq(PlanStatus::Completed.code()))
        .order(plans::id.asc())
        .select((PlanRow::as_select(), Option::<ClosingRow>::as_select()))
        .load(conn)?;
    records(rows)
}

/// Plans whose results were published late.
pub fn published_late(conn: &mut AnyConn) -> QueryResult<Vec<PlanRecord>> {
    let rows: Vec<Joined> = plans::table
        .inner_join(plan_closings::table)
        .filter(plan_closings::results_days_late.gt(0))
        .order(plans::id.asc())
        .select((PlanRow::as_select(), Option::<ClosingRow>::as_select()))
        .load(conn)?;
    records(rows)
}

/// Current names of entities by credit code (for public answers).
pub fn entity_names(
    conn: &mut AnyConn,
    codes: &[&str],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    for chunk in codes.chunks(1_000) {
        let rows: Vec<(String, String)> = entities::table
            .filter(entities::credit_code.eq_any(chunk))
            .select((entities::credit_code, entities::name))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Public roster fields (name, unit) of inspectors by certificate number.
pub fn inspector_names(
    conn: &mut AnyConn,
    certificates: &[&str],
) -> QueryResult<std::collections::HashMap<String, (String, String)>> {
    let mut out = std::collections::HashMap::new();
    for chunk in certificates.chunks(1_000) {
        let rows: Vec<(String, String, String)> = inspectors::table
            .filter(inspectors::certificate_no.eq_any(chunk))
            .select((
                inspectors::certificate_no,
                inspectors::name,
                inspectors::unit,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(c, n, u)| (c, (n, u))));
    }
    Ok(out)
}

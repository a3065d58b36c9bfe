//! 抽查计划 use cases: clerks draft plans and record results; reviewers announce (freezing the
//! population and roster), draw (once), void and publish results. Every step is audited.

use crate::domain::ids::PlanId;
use std::collections::{HashMap, HashSet};

use super::events;
use super::paging::{PageRequest, Slice};
use super::{Actor, App, ConflictKind, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::category::CategoryCode;
use crate::domain::draw::bundle::{BundlePlan, BundleSource, Published, Recorded};
use crate::domain::draw::commitment::{self, PublicRoster, Stage2Rules};
use crate::domain::draw::frozen::{self, DrawError, DrawRules, FrozenRoster, Member};
use crate::domain::field::{required_text, Errors};
use crate::domain::plan::fields::{earliest_draw, known_sources};
use crate::domain::plan::lifecycle::next;
use crate::domain::plan::record::{
    Announcement, DrawFacts, Exclusion, PlanRecord, Selection, StoredResult, Void,
};
use crate::domain::plan::{PlanFields, PlanStatus, RawPlan, Step};
use crate::domain::policy::Action;
use crate::store::{self, write_tx, AnyConn};

/// The deployment's yearly cap on random inspections of one entity (国办发〔2024〕54号);
/// `None`: no cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrequencyCap(pub Option<u32>);

impl Default for FrequencyCap {
    /// Two per year, the cap bureaus most often publish.
    fn default() -> Self {
        FrequencyCap(Some(2))
    }
}

pub(super) fn find(conn: &mut AnyConn, id: i64) -> Result<PlanRecord, ServiceError> {
    store::plans::get(conn, id)?
        .ok_or_else(|| ServiceError::NotFound(format!("no plan with id {id}")))
}

/// The status `step` leads to, or 409 naming the plan's status.
pub(super) fn allowed(plan: &PlanRecord, step: Step) -> Result<PlanStatus, ServiceError> {
    next(plan.status, step).ok_or_else(|| {
        ServiceError::conflict(
            ConflictKind::InvalidTransition,
            format!(
                "plan {} is {} ({}): it cannot {}",
                plan.id,
                plan.status.code(),
                plan.status.label(),
                step.name()
            ),
        )
    })
}

/// The same 409 when a concurrent request moved the plan first.
pub(super) fn moved(id: i64, step: Step) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::InvalidTransition,
        format!(
            "plan {id} was changed by another request first: it can no longer {}",
            step.name()
        ),
    )
}

/// Drafts a plan (clerk).
pub fn create(app: &App, actor: &Actor, raw: &RawPlan) -> Result<PlanRecord, ServiceError> {
    actor.require(Action::PlanInspections)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        let items = store::inspection_items::current(conn)?;
        let vocabulary = super::categories::vocabulary(conn)?;
        let fields =
            PlanFields::parse(raw, &items, &vocabulary).map_err(ServiceError::Validation)?;
        let id = store::plans::insert(conn, &fields, &actor.name, now)?;
        let plan = find(conn, id)?;
        events::record(conn, &actor.name, AuditAction::PlanCreate, None, &plan, now)?;
        Ok(plan)
    })
}

/// A plan list's parameters.
#[derive(Debug, Clone, Default)]
pub struct PlanParams {
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn list_as(app: &App, public: bool, p: &PlanParams) -> Result<Slice<PlanRecord>, ServiceError> {
    let mut errors = Vec::new();
    let page = PageRequest::parse(p.limit, p.cursor.as_deref(), &mut errors);
    // `status=` empty is refused like any value outside the enum (issue 23).
    let status = match p.status.as_deref().map(str::trim) {
        None => None,
        Some(s) => match PlanStatus::parse(s) {
            Some(PlanStatus::Draft) if public => {
                errors.push(FieldError::new(
                    "status",
                    "unknown",
                    "drafts are not public",
                ));
                None
            }
            Some(st) => Some(st),
            None => {
                errors.push(FieldError::new(
                    "status",
                    "unknown",
                    format!("{s:?}: expected one of {}", PlanStatus::expected()),
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let conn = &mut *app.conn()?;
    let items = store::plans::page(conn, public, status, page.after, page.fetch())?;
    Ok(Slice::of(items, page, |r| r.id))
}

/// Plans, drafts included (staff).
pub fn list(app: &App, actor: &Actor, p: &PlanParams) -> Result<Slice<PlanRecord>, ServiceError> {
    actor.require(Action::ReadPlans)?;
    list_as(app, false, p)
}

/// Announced plans and later (public).
pub fn public_list(app: &App, p: &PlanParams) -> Result<Slice<PlanRecord>, ServiceError> {
    list_as(app, true, p)
}

/// A plan with what its audiences may see of it; the views choose.
#[derive(Debug, Clone)]
pub struct PlanDetail {
    pub plan: PlanRecord,
    pub exclusions: Vec<Exclusion>,
    pub selections: Vec<Selection>,
    /// Every recorded result (the public view shows them only once published).
    pub results: Vec<StoredResult>,
    /// Current names of the selected and excluded entities.
    pub entity_names: HashMap<String, String>,
    /// Name and unit of every inspector named, by certificate number.
    pub inspectors: HashMap<String, (String, String)>,
    /// The roster as the plan froze it, in its public form (only on the public detail of a plan
    /// announced with a stage-2 commitment).
    pub frozen_roster: Option<PublicRoster>,
}

impl PlanDetail {
    /// The result recorded for `pick` (the store gives results in pick order).
    pub fn result_of(&self, pick: i32) -> Option<&StoredResult> {
        self.results
            .binary_search_by_key(&pick, |r| r.pick)
            .ok()
            .map(|i| &self.results[i])
    }
}

pub(super) fn detail(conn: &mut AnyConn, plan: PlanRecord) -> Result<PlanDetail, ServiceError> {
    let exclusions = store::plans::exclusions(conn, plan.id)?;
    let selections = store::plans::selections(conn, plan.id)?;
    let results = store::plans::results(conn, plan.id)?;
    named(conn, plan, exclusions, selections, results)
}

/// A detail of these records, with the names of the entities and inspectors they name.
fn named(
    conn: &mut AnyConn,
    plan: PlanRecord,
    exclusions: Vec<Exclusion>,
    selections: Vec<Selection>,
    results: Vec<StoredResult>,
) -> Result<PlanDetail, ServiceError> {
    let codes: Vec<&str> = selections
        .iter()
        .map(|s| s.credit_code.as_str())
        .chain(exclusions.iter().map(|e| e.credit_code.as_str()))
        .collect();
    let entity_names = store::plans::entity_names(conn, &codes)?;
    let mut certs: Vec<&str> = selections
        .iter()
        .flat_map(|s| s.inspectors.iter().map(String::as_str))
        .chain(
            results
                .iter()
                .flat_map(|r| r.fields.inspectors.iter().map(String::as_str)),
        )
        .collect();
    certs.sort_unstable();
    certs.dedup();
    let inspectors = store::plans::inspector_names(conn, &certs)?;
    Ok(PlanDetail {
        plan,
        exclusions,
        selections,
        results,
        entity_names,
        inspectors,
        frozen_roster: None,
    })
}

/// One plan, drafts included (staff).
pub fn get(app: &App, actor: &Actor, id: PlanId) -> Result<PlanDetail, ServiceError> {
    let id = id.get();
    actor.require(Action::ReadPlans)?;
    let conn = &mut *app.conn()?;
    let plan = find(conn, id)?;
    detail(conn, plan)
}

/// One announced (or later) plan (public): a draft is not found.
pub fn public_get(app: &App, id: PlanId) -> Result<PlanDetail, ServiceError> {
    let id = id.get();
    let conn = &mut *app.conn()?;
    let plan = store::plans::get(conn, id)?
        .filter(|p| p.status != PlanStatus::Draft)
        .ok_or_else(|| ServiceError::NotFound(format!("no public plan with id {id}")))?;
    let committed = plan
        .announcement
        .as_ref()
        .is_some_and(|a| a.stage2_sha256.is_some());
    let mut d = detail(conn, plan)?;
    if committed {
        d.frozen_roster = store::plans::frozen_roster(conn, id)?.map(|r| PublicRoster::of(&r));
    }
    Ok(d)
}

/// The cursor parameters of a plan's selections.
#[derive(Debug, Clone, Default)]
pub struct SelectionParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// One page of an announced (or later) plan's selections, in pick order (public): the detail
/// holds only these selections and their results, and no exclusions; `next` is the cursor of
/// the next page.
pub fn public_selections(
    app: &App,
    id: PlanId,
    p: &SelectionParams,
) -> Result<(PlanDetail, Option<String>), ServiceError> {
    let id = id.get();
    let mut errors = Vec::new();
    let page = PageRequest::parse(p.limit, p.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let conn = &mut *app.conn()?;
    let plan = store::plans::get(conn, id)?
        .filter(|p| p.status != PlanStatus::Draft)
        .ok_or_else(|| ServiceError::NotFound(format!("no public plan with id {id}")))?;
    let after = i32::try_from(page.after).unwrap_or(i32::MAX);
    let fetched = store::plans::selections_after(conn, id, after, page.fetch())?;
    let slice = Slice::of(fetched, page, |s| i64::from(s.pick));
    let results = match (slice.items.first(), slice.items.last()) {
        (Some(first), Some(last)) => {
            store::plans::results_between(conn, id, first.pick, last.pick)?
        }
        _ => Vec::new(),
    };
    let d = named(conn, plan, Vec::new(), slice.items, results)?;
    Ok((d, slice.next_cursor))
}

/// Announces a draft (reviewer): refuses sources already known today (Asia/Shanghai), freezes
/// the population (active entities of the categories and their sub-kinds, in the districts,
/// minus those at the yearly cap) and the roster, and publishes the snapshot's hash and size.
pub fn announce(app: &App, actor: &Actor, id: PlanId) -> Result<PlanRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::ReviewInspections)?;
    let now = app.now();
    let today = app.today();
    let cap = app.frequency_cap();
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        let before = find(conn, id)?;
        allowed(&before, Step::Announce)?;
        let f = &before.fields;
        let known = known_sources(&f.sources, today);
        if !known.is_empty() {
            return Err(ServiceError::Unprocessable(known));
        }
        let vocabulary = super::categories::vocabulary(conn)?;
        let mut categories: Vec<CategoryCode> = Vec::new();
        for c in &f.categories {
            for d in vocabulary.with_descendants(c) {
                if !categories.contains(&d) {
                    categories.push(d);
                }
            }
        }
        let mut members = store::plans::population(conn, &categories, &f.districts)?;
        let exclusions = match cap.0 {
            None => Vec::new(),
            Some(n) => {
                let at_cap = store::plans::at_yearly_cap(conn, f.planned_month.year(), n as i32)?;
                let in_population: HashSet<&str> =
                    members.iter().map(|m| m.credit_code.as_str()).collect();
                let out: Vec<Exclusion> = at_cap
                    .into_iter()
                    .filter(|e| in_population.contains(e.credit_code.as_str()))
                    .collect();
                let excluded: HashSet<&str> = out.iter().map(|e| e.credit_code.as_str()).collect();
                members.retain(|m| !excluded.contains(m.credit_code.as_str()));
                out
            }
        };
        if members.is_empty() {
            return Err(ServiceError::Unprocessable(vec![FieldError::new(
                "population",
                "empty",
                "no active entity matches the plan's categories and districts (after the yearly cap): there is nothing to draw",
            )]));
        }
        let sample = f.sample.of(members.len());
        // Only the 回避 pairs this population can meet are frozen (and so published).
        let roster = store::plans::roster(conn)?.within(&members);
        // Staffing checked before the values are known (issue 26): a plan some draw could not
        // staff is refused now, not at the draw after its values are public.
        let draw_date = earliest_draw(&f.sources).unwrap_or(today).max(today);
        let short = frozen::staffing_shortfalls(
            &members,
            &roster,
            DrawRules {
                sample,
                team_size: f.team_size as usize,
                load_cap: f.load_cap,
                draw_date,
            },
        );
        if !short.is_empty() {
            return Err(ServiceError::Unprocessable(unstaffable(&short, draw_date)));
        }
        // Items at the versions in force now: what the announced plan means stays readable.
        let items: Vec<_> = {
            let current = store::inspection_items::current(conn)?;
            f.items
                .iter()
                .map(|r| {
                    let version = current
                        .iter()
                        .find(|c| c.item_id == r.id)
                        .map_or(r.version, |c| c.version);
                    crate::domain::plan::fields::ItemRef { id: r.id, version }
                })
                .collect()
        };
        let announcement = Announcement {
            at: now,
            by: actor.name.clone(),
            on: today,
            snapshot_sha256: frozen::snapshot_sha256(
                members.iter().map(|m| m.credit_code.as_str()),
            ),
            snapshot_size: members.len() as i32,
            sample: sample as i32,
            frequency_cap: cap.0.map(|n| n as i32),
            // Everything the teams depend on, committed before the values are known (issue 26).
            stage2_sha256: Some(commitment::commit(
                &roster,
                &members,
                Stage2Rules {
                    team_size: f.team_size as usize,
                    load_cap: f.load_cap,
                },
            )),
        };
        let written = store::plans::announce(
            conn,
            id,
            store::plans::Announced {
                announcement: &announcement,
                items: &items,
                members: &members,
                roster: &roster,
                exclusions: &exclusions,
            },
            now,
        )?;
        if !written {
            return Err(moved(id, Step::Announce));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanAnnounce,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// The staffing check's refusal: one error per category and eligible count, naming how many
/// entities, a few of their credit codes, and the shortfall.
fn unstaffable(short: &[frozen::Shortfall], on: chrono::NaiveDate) -> Vec<FieldError> {
    // (category, eligible, needed) and the credit codes short by it.
    type Group<'a> = ((&'a str, usize, usize), Vec<&'a str>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for s in short {
        let key = (s.category.as_str(), s.eligible, s.needed);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, codes)) => codes.push(&s.credit_code),
            None => groups.push((key, vec![&s.credit_code])),
        }
    }
    groups
        .iter()
        .take(20)
        .map(|((category, eligible, needed), codes)| {
            let shown: Vec<&str> = codes.iter().take(5).copied().collect();
            let more = if codes.len() > shown.len() {
                format!(" and {} more", codes.len() - shown.len())
            } else {
                String::new()
            };
            FieldError::new(
                "team_size",
                "not_enough_inspectors",
                format!(
                    "{} entit{} of category {category} ({}{more}) ha{} {eligible} eligible inspector(s) on {on}, the first day the draw may happen; every draw is staffed only with at least {needed} (the team size, plus those the load cap could exhaust): certify more inspectors for {category}, lower team_size, or raise load_cap",
                    codes.len(),
                    if codes.len() == 1 { "y" } else { "ies" },
                    shown.join(", "),
                    if codes.len() == 1 { "s" } else { "ve" },
                ),
            )
            .zh(format!(
                "类别 {category} 的 {} 个抽查对象（{}{}）在最早可抽取日 {on} 只有 {eligible} 名符合条件的检查人员；要保证任何抽取结果都能组队，至少需要 {needed} 名（每组人数加上人均检查上限可能用尽的人数）：请增加该类别持证检查人员、减少每组人数或提高人均上限",
                codes.len(),
                shown.join("、"),
                if codes.len() > shown.len() {
                    " 等"
                } else {
                    ""
                }
            ))
        })
        .collect()
}

/// A draw request: one list of non-negative integers per announced source, in order.
#[derive(Debug, Clone, Default)]
pub struct DrawBody {
    pub sources: Option<Vec<Vec<u64>>>,
}

fn rules(plan: &PlanRecord, draw_date: chrono::NaiveDate) -> DrawRules {
    DrawRules {
        sample: plan.announcement.as_ref().map_or(0, |a| a.sample as usize),
        team_size: plan.fields.team_size as usize,
        load_cap: plan.fields.load_cap,
        draw_date,
    }
}

pub(super) fn frozen_inputs(
    conn: &mut AnyConn,
    id: i64,
) -> Result<(Vec<Member>, FrozenRoster), ServiceError> {
    store::plans::snapshot(conn, id)?.ok_or_else(|| {
        ServiceError::internal(format!("plan {id} was announced without a snapshot"))
    })
}

/// Draws an announced plan (reviewer), once: on or after the last source's day, with one list
/// of values per source. A team that cannot be formed fails the whole draw and nothing is
/// written (the refusal is audited).
pub fn draw(
    app: &App,
    actor: &Actor,
    id: PlanId,
    body: &DrawBody,
) -> Result<PlanRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::ReviewInspections)?;
    let now = app.now();
    let today = app.today();
    let conn = &mut *app.conn()?;
    let result = write_tx(conn, |conn| {
        let before = find(conn, id)?;
        if let Some(d) = &before.draw {
            // The first attempt's values bind (issue 26): never a second attempt.
            let outcome = match &d.refusal {
                Some(why) => format!("refused: {why}"),
                None => "drawn".to_string(),
            };
            return Err(ServiceError::conflict(
                ConflictKind::InvalidTransition,
                format!(
                    "plan {id} was drawn on {} with the values {:?} ({outcome}); those values bind and are public: a mistyped value is corrected only by voiding the plan with the reason",
                    d.on, d.source_values
                ),
            )
            .zh(format!(
                "计划 {id} 已于 {} 用随机数 {:?} 抽取（{}）；首次使用的随机数已公开且不可更换：如有录入错误，只能说明理由后作废本计划",
                d.on,
                d.source_values,
                if d.refusal.is_some() { "未成功" } else { "已抽取" }
            )));
        }
        allowed(&before, Step::Draw)?;
        let specs = &before.fields.sources;
        let Some(values) = body.sources.as_ref() else {
            return Err(ServiceError::invalid(
                "sources",
                "required",
                "sources: one list of non-negative integers per announced source, in order",
            ));
        };
        if values.len() != specs.len() {
            return Err(ServiceError::invalid(
                "sources",
                "count",
                format!(
                    "the plan announced {} source(s); {} list(s) were given",
                    specs.len(),
                    values.len()
                ),
            ));
        }
        if let Some(i) = values.iter().position(Vec::is_empty) {
            return Err(ServiceError::invalid(
                &format!("sources[{i}]"),
                "empty",
                format!("source {} ({}) has no values", i + 1, specs[i].description),
            ));
        }
        if let Some(last) = earliest_draw(specs).filter(|d| today < *d) {
            return Err(ServiceError::Unprocessable(vec![FieldError::new(
                "sources",
                "too_early",
                format!(
                    "the last announced source becomes known on {last}; today is {today} (Asia/Shanghai)"
                ),
            )]));
        }
        let (members, roster) = frozen_inputs(conn, id)?;
        let drawn =
            frozen::draw(&members, &roster, values, rules(&before, today)).map_err(draw_error)?;
        let selections: Vec<Selection> = drawn
            .entity_picks
            .iter()
            .zip(&drawn.teams)
            .map(|(p, t)| Selection {
                pick: p.index as i32,
                credit_code: members[p.position - 1].credit_code.clone(),
                inspectors: t
                    .members
                    .iter()
                    .map(|&ix| roster.inspectors[ix as usize].certificate_no.clone())
                    .collect(),
            })
            .collect();
        let facts = DrawFacts {
            at: now,
            by: actor.name.clone(),
            on: today,
            source_values: values.clone(),
            key: drawn.key.as_str().to_string(),
            refusal: None,
        };
        if !store::plans::record_draw(conn, id, &facts, &selections, now)? {
            return Err(moved(id, Step::Draw));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanDraw,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    });
    if let Err(ServiceError::Unprocessable(errors)) = &result {
        if let Some(team) = errors.iter().find(|e| e.code == "not_enough_inspectors") {
            refused(app, actor, id, body, &team.message)?;
        }
    }
    result
}

/// 全程留痕: a draw refused for want of inspectors is kept on the plan with the values tried,
/// their time and key, and the reason (public, and binding: the plan is `draw_failed` until
/// voided), and audited.
fn refused(
    app: &App,
    actor: &Actor,
    id: i64,
    body: &DrawBody,
    why: &str,
) -> Result<(), ServiceError> {
    let values = body.sources.clone().unwrap_or_default();
    let key = frozen::key_of(&values).map_err(draw_error)?;
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        let before = find(conn, id)?;
        let facts = DrawFacts {
            at: app.now(),
            by: actor.name.clone(),
            on: app.today(),
            source_values: values.clone(),
            key: key.clone(),
            refusal: Some(why.to_string()),
        };
        if !store::plans::record_refused_draw(conn, id, &facts, facts.at)? {
            return Err(moved(id, Step::DrawRefused));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanDrawRefused,
            Some(&before),
            &after,
            facts.at,
        )
    })
}

fn draw_error(e: DrawError) -> ServiceError {
    match e {
        DrawError::Team { .. } => ServiceError::Unprocessable(vec![FieldError::new(
            "teams",
            "not_enough_inspectors",
            e.to_string(),
        )]),
        other => {
            ServiceError::Unprocessable(vec![FieldError::new("sources", "draw", other.to_string())])
        }
    }
}

/// A bundle as the JSON text the public receives.
pub struct BundleJson(pub Vec<u8>);

/// The public bundle of a drawn plan: recomputed from the frozen inputs and the published
/// values, checked against the stored selections, and written as JSON.
pub fn bundle(app: &App, id: PlanId) -> Result<BundleJson, ServiceError> {
    let id = id.get();
    let conn = &mut *app.conn()?;
    let plan = store::plans::get(conn, id)?
        .filter(|p| p.status != PlanStatus::Draft)
        .ok_or_else(|| ServiceError::NotFound(format!("no public plan with id {id}")))?;
    let Some(facts) = plan.draw.clone().filter(|d| d.refusal.is_none()) else {
        return Err(ServiceError::NotFound(format!(
            "plan {id} is {} ({}): it has not been drawn",
            plan.status.code(),
            plan.status.label()
        )));
    };
    let (members, roster) = frozen_inputs(conn, id)?;
    let roster = roster.within(&members);
    let stored = store::plans::selections(conn, id)?;
    let drawn = frozen::draw(
        &members,
        &roster,
        &facts.source_values,
        rules(&plan, facts.on),
    )
    .map_err(|e| ServiceError::internal(format!("plan {id} no longer draws: {e}")))?;
    // The teams are published as recorded (what the public plan shows and the inspections
    // follow), beside the recomputed picks: a recorded team that differs fails verification in
    // anyone's hands instead of being hidden. Only a count that differs is refused here.
    if stored.len() != drawn.teams.len() {
        return Err(ServiceError::internal(format!(
            "plan {id}: {} selections are stored for {} picks",
            stored.len(),
            drawn.teams.len()
        )));
    }
    let recorded: Vec<Recorded> = stored
        .iter()
        .map(|s| Recorded {
            credit_code: &s.credit_code,
            inspectors: &s.inspectors,
        })
        .collect();
    let Some(announcement) = plan.announcement.as_ref() else {
        return Err(ServiceError::internal(format!(
            "plan {id} was drawn without an announcement"
        )));
    };
    let sources: Vec<BundleSource> = plan
        .fields
        .sources
        .iter()
        .zip(&facts.source_values)
        .map(|(s, v)| BundleSource {
            description: s.description.clone(),
            available_on: s.available_on,
            values: v.clone(),
        })
        .collect();
    let head = BundlePlan {
        id,
        title: plan.fields.title.clone(),
        team_size: plan.fields.team_size as usize,
        load_cap: plan.fields.load_cap,
        draw_date: facts.on,
    };
    crate::domain::draw::bundle::to_json(Published {
        plan: &head,
        members: &members,
        roster: &roster,
        sources: &sources,
        drawn: &drawn,
        snapshot_sha256: &announcement.snapshot_sha256,
        stage2_sha256: announcement.stage2_sha256.as_deref(),
        recorded: Some(&recorded),
    })
    .map(BundleJson)
    .map_err(ServiceError::internal)
}

#[derive(Debug, Clone, Default)]
pub struct VoidBody {
    pub reason: Option<String>,
}

/// Voids a plan (reviewer) with a public reason; a drawn plan's draw stays public as it was.
pub fn void(
    app: &App,
    actor: &Actor,
    id: PlanId,
    body: &VoidBody,
) -> Result<PlanRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::ReviewInspections)?;
    let mut e = Errors::default();
    let reason = required_text(&mut e, "reason", body.reason.as_deref(), 500);
    // The void reason is published with the plan.
    crate::domain::private_data::check(&mut e, "reason", reason.as_deref());
    let Some(reason) = reason.filter(|_| e.is_empty()) else {
        return Err(ServiceError::Validation(e.into_vec()));
    };
    let now = app.now();
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        let before = find(conn, id)?;
        allowed(&before, Step::Void)?;
        let v = Void {
            at: now,
            by: actor.name.clone(),
            from: before.status,
            reason: reason.clone(),
        };
        if !store::plans::void(conn, id, &v)? {
            return Err(moved(id, Step::Void));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanVoid,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

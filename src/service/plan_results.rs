//! What happens after a draw: results per drawn entity (clerk), completion with its deadline
//! (clerk) and publication of the results (reviewer).

use crate::domain::ids::PlanId;
use std::collections::{HashMap, HashSet};

use super::deadlines::{deadline_on, late_by, moved_during_recompute, WorkingDays};
use super::events;
use super::plans::{allowed, detail, find, frozen_inputs, moved, PlanDetail};
use super::{Actor, App, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::deadline::DeadlineRule;
use crate::domain::field::Errors;
use crate::domain::plan::outcome::{RawResult, ResultContext, ResultFields};
use crate::domain::plan::record::{Completion, PlanRecord, ResultsPublication};
use crate::domain::plan::Step;
use crate::domain::policy::Action;
use crate::store::{self, write_tx, AnyConn};

/// Records (or corrects) results of selected entities (clerk); the first moves the plan to
/// in progress. All or nothing: one bad result refuses the request.
pub fn record_results(
    app: &App,
    actor: &Actor,
    id: PlanId,
    results: Option<&[RawResult]>,
) -> Result<PlanDetail, ServiceError> {
    let id = id.get();
    actor.require(Action::PlanInspections)?;
    let now = app.now();
    let today = app.today();
    let conn = &mut *app.conn()?;
    let plan = write_tx(conn, |conn| {
        let before = find(conn, id)?;
        let to = allowed(&before, Step::RecordResult)?;
        let raws = results.unwrap_or_default();
        if raws.is_empty() {
            return Err(ServiceError::invalid(
                "results",
                "required",
                "results lists at least one entity's result",
            ));
        }
        let selections = store::plans::selections(conn, id)?;
        let (_, roster) = frozen_inputs(conn, id)?;
        let selected: HashSet<&str> = selections.iter().map(|s| s.credit_code.as_str()).collect();
        let certs: HashSet<&str> = roster
            .inspectors
            .iter()
            .map(|i| i.certificate_no.as_str())
            .collect();
        let cx = ResultContext {
            draw_date: before.draw.as_ref().map_or(today, |d| d.on),
            today,
            selected: &selected,
            roster: &certs,
        };
        let pick_of: HashMap<&str, i32> = selections
            .iter()
            .map(|s| (s.credit_code.as_str(), s.pick))
            .collect();
        let mut e = Errors::default();
        let mut parsed: Vec<(i32, ResultFields)> = Vec::new();
        let mut seen: HashSet<i32> = HashSet::new();
        for (i, raw) in raws.iter().enumerate() {
            let prefix = format!("results[{i}]");
            if let Some(r) = ResultFields::parse(&mut e, &prefix, raw, &cx) {
                let pick = pick_of.get(r.credit_code.as_str()).copied().unwrap_or(0);
                if !seen.insert(pick) {
                    e.push(
                        &format!("{prefix}.credit_code"),
                        "duplicate",
                        format!("{} appears twice in this request", r.credit_code),
                    );
                } else {
                    parsed.push((pick, r));
                }
            }
        }
        if !e.is_empty() {
            return Err(ServiceError::Validation(e.into_vec()));
        }
        store::plans::save_results(conn, id, &parsed, &actor.name, now)?;
        if before.status != to && !store::plans::set_status(conn, id, before.status, to, now)? {
            return Err(moved(id, Step::RecordResult));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanResults,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })?;
    detail(conn, plan)
}

/// Completes a plan (clerk) once every selected entity has a result; the results are then due
/// within 20 working days (`inspection_result_publication`).
pub fn complete(app: &App, actor: &Actor, id: PlanId) -> Result<PlanRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::PlanInspections)?;
    let now = app.now();
    let today = app.today();
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        let before = find(conn, id)?;
        allowed(&before, Step::Complete)?;
        let selections = store::plans::selections(conn, id)?;
        let results = store::plans::results(conn, id)?;
        let done: HashSet<i32> = results.iter().map(|r| r.pick).collect();
        let missing: Vec<&str> = selections
            .iter()
            .filter(|s| !done.contains(&s.pick))
            .map(|s| s.credit_code.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(ServiceError::Unprocessable(vec![FieldError::new(
                "results",
                "incomplete",
                format!(
                    "{} selected entit{} have no result yet: {}",
                    missing.len(),
                    if missing.len() == 1 { "y" } else { "ies" },
                    missing
                        .iter()
                        .take(10)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )]));
        }
        let due = super::deadlines::deadline(
            app,
            conn,
            DeadlineRule::InspectionResultPublication,
            today,
        )?;
        let c = Completion {
            at: now,
            by: actor.name.clone(),
            on: today,
            deadline: due.date,
            provisional: due.provisional,
        };
        if !store::plans::complete(conn, id, &c)? {
            return Err(moved(id, Step::Complete));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanComplete,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// Publishes a completed plan's results (reviewer), noting working days past the deadline.
pub fn publish_results(app: &App, actor: &Actor, id: PlanId) -> Result<PlanRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::ReviewInspections)?;
    let now = app.now();
    let today = app.today();
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        let before = find(conn, id)?;
        allowed(&before, Step::PublishResults)?;
        let deadline = before
            .completion
            .as_ref()
            .map(|c| c.deadline)
            .ok_or_else(|| ServiceError::internal(format!("plan {id} completed without a date")))?;
        let days_late = super::deadlines::late_by(app.calendars(), conn, deadline, today)?;
        let p = ResultsPublication {
            at: now,
            by: actor.name.clone(),
            on: today,
            days_late,
        };
        if !store::plans::publish_results(conn, id, &p)? {
            return Err(moved(id, Step::PublishResults));
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanPublishResults,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// Recomputes the results deadline of every plan whose deadline was provisional (and the lateness
/// of results published against it) after a calendar year was loaded, in the loading
/// transaction: each changed plan gets a new version and an audit record
/// (`plan.deadline_recomputed`), as a penalty decision does. Returns how many changed.
pub(super) fn recompute_provisional(
    calendars: &dyn WorkingDays,
    conn: &mut AnyConn,
    actor: &Actor,
    now: chrono::NaiveDateTime,
) -> Result<usize, ServiceError> {
    let mut changed = 0;
    for before in store::plans::with_provisional_results_deadline(conn)? {
        let Some(c) = &before.completion else {
            continue;
        };
        let due = deadline_on(
            calendars,
            conn,
            DeadlineRule::InspectionResultPublication,
            c.on,
        )?;
        let days_late = match &before.results_publication {
            Some(p) => Some(late_by(calendars, conn, due.date, p.on)?),
            None => None,
        };
        let was_late = before.results_publication.as_ref().map(|p| p.days_late);
        if due.date == c.deadline && due.provisional == c.provisional && days_late == was_late {
            continue;
        }
        if !store::plans::set_results_deadline(
            conn,
            before.id,
            before.version,
            due.date,
            due.provisional,
            days_late,
            now,
        )? {
            return Err(moved_during_recompute(format!("plan {}", before.id)));
        }
        let after = find(conn, before.id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PlanDeadlineRecomputed,
            Some(&before),
            &after,
            now,
        )?;
        changed += 1;
    }
    Ok(changed)
}

//! 行政处罚决定: logging (clerk), review before publication (reviewer, 先审后发), the
//! 7-working-day publication deadline, withdrawal, 信用修复, and what the public may read.

use chrono::NaiveDate;

use super::deadlines::{
    deadline, deadline_on, late, late_by, sort_lines, standing, Watch, WorkingDays,
};
use super::events;
use super::paging::{PageRequest, Slice};
use super::{Actor, App, ConflictKind, FieldError, ServiceError};
use crate::domain::audit_action::AuditAction;
use crate::domain::calendar::Deadline;
use crate::domain::credit_code::CreditCode;
use crate::domain::deadline::DeadlineRule;
use crate::domain::field::{required_text, Errors};
use crate::domain::penalty::fields::{
    parse_date, Context, OfficerFacts, PenaltyFields, RawPenalty,
};
use crate::domain::penalty::kinds::PenaltyType;
use crate::domain::penalty::number::DecisionNumber;
use crate::domain::penalty::publicity::{publicity, publishable};
use crate::domain::penalty::record::{Authority, Life, PenaltyRecord, Workflow};
use crate::domain::penalty::workflow::{next, State, Step};
use crate::domain::policy::Action;
use crate::domain::text::search_form;
use crate::store::penalties::{NewPenalty, PenaltyQuery};
use crate::store::{self, write_tx, AnyConn};

/// Roster facts for the certificates `raw` names (unknown ones are simply absent).
fn officer_facts(conn: &mut AnyConn, raw: &RawPenalty) -> Result<Vec<OfficerFacts>, ServiceError> {
    let mut out = Vec::new();
    for given in raw.case_officers.iter().flatten() {
        let Ok(no) = crate::domain::inspector::CertificateNo::parse(given) else {
            continue;
        };
        let Some(r) = store::inspectors::by_certificate_no(conn, no.as_str())? else {
            continue;
        };
        let conflicts = store::inspectors::conflicts_of(conn, r.id, false)?;
        out.push(OfficerFacts {
            certificate_no: r.fields.certificate_no.clone(),
            status: r.fields.status,
            valid_from: r.fields.certificate_valid_from,
            valid_to: r.fields.certificate_valid_to,
            conflict_entities: conflicts
                .iter()
                .filter_map(|c| c.credit_code.clone())
                .collect(),
            conflict_categories: conflicts
                .iter()
                .filter_map(|c| c.category.clone())
                .map(crate::domain::category::CategoryCode::stored)
                .collect(),
        });
    }
    Ok(out)
}

/// Parses `raw` against the roster, the directory and today; also checks that a linked
/// directory entity exists. Every problem is a 422 naming its field.
fn parse(app: &App, conn: &mut AnyConn, raw: &RawPenalty) -> Result<PenaltyFields, ServiceError> {
    let officers = officer_facts(conn, raw)?;
    let party_code = raw
        .party_credit_code
        .as_deref()
        .and_then(|c| CreditCode::parse(c).ok());
    let party_entity = match &party_code {
        Some(c) => store::entities::by_credit_code(conn, c.as_str())?,
        None => None,
    };
    let ctx = Context {
        today: app.today(),
        officers: &officers,
        party_category: party_entity.as_ref().map(|e| e.fields.category.clone()),
        legacy: false,
    };
    let mut fields = PenaltyFields::parse(raw, &ctx).map_err(ServiceError::Unprocessable)?;
    if let Some(linked) = &fields.entity_credit_code {
        if store::entities::by_credit_code(conn, linked.as_str())?.is_none() {
            return Err(ServiceError::Unprocessable(vec![FieldError::new(
                "entity_credit_code",
                "unknown",
                format!("no entity with credit code {linked} is in the directory"),
            )]));
        }
    } else if party_entity.is_some() {
        // The party is in the directory: link it.
        fields.entity_credit_code = fields.party_credit_code.clone();
    }
    Ok(fields)
}

/// 422 when a public text field holds private data (see `PenaltyFields::private_in_public_text`).
fn private_text(fields: &PenaltyFields, authority: &Authority) -> Result<(), ServiceError> {
    let errors = fields.private_in_public_text(authority.fields.mask_natural_person_names);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Unprocessable(errors))
    }
}

/// Recomputes every provisional deadline (and the lateness of a decision published against one)
/// after a calendar year was loaded, in the loading transaction; each changed decision gets a
/// new version and an audit record. Returns how many changed.
pub(super) fn recompute_provisional(
    calendars: &dyn WorkingDays,
    conn: &mut AnyConn,
    actor: &Actor,
    now: chrono::NaiveDateTime,
) -> Result<usize, ServiceError> {
    let mut changed = 0;
    for before in store::penalties::with_provisional_deadlines(conn)? {
        let mut life = before.life.clone();
        if life.publication_deadline_provisional {
            let due = deadline_on(
                calendars,
                conn,
                DeadlineRule::PenaltyPublication,
                before.fields.decision_date,
            )?;
            life.publication_deadline = due.date;
            life.publication_deadline_provisional = due.provisional;
            if let Some(on) = life.published_on {
                life.working_days_late = Some(late_by(calendars, conn, due.date, on)?);
            }
        }
        if let (Some(event), Some(true)) = (
            life.withdrawal_event_date,
            life.withdrawal_deadline_provisional,
        ) {
            let due = deadline_on(calendars, conn, DeadlineRule::PenaltyWithdrawal, event)?;
            life.withdrawal_deadline = Some(due.date);
            life.withdrawal_deadline_provisional = Some(due.provisional);
        }
        if life == before.life {
            continue;
        }
        life.version += 1;
        life.updated_at = now;
        if !store::penalties::update_life_if_version(conn, before.id, before.life.version, &life)? {
            return Err(super::deadlines::moved_during_recompute(format!(
                "decision {}",
                before.id
            )));
        }
        let after = find(conn, before.id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PenaltyDeadlineRecomputed,
            Some(&before),
            &after,
            now,
        )?;
        changed += 1;
    }
    Ok(changed)
}

/// The stored life of new or edited draft fields: deadlines and publicity computed now.
fn fresh_life(
    app: &App,
    conn: &mut AnyConn,
    fields: &PenaltyFields,
    state: State,
    version: i32,
    workflow: Workflow,
) -> Result<Life, ServiceError> {
    let due = publication_deadline(app, conn, fields.decision_date)?;
    life_with(fields, state, version, workflow, due, app.now())
}

/// The publication deadline of a decision made on `decided` (rule `penalty_publication`).
pub(super) fn publication_deadline(
    app: &App,
    conn: &mut AnyConn,
    decided: NaiveDate,
) -> Result<Deadline, ServiceError> {
    deadline(app, conn, DeadlineRule::PenaltyPublication, decided)
}

/// A new life in `state` with the publication deadline `due` (see [`publication_deadline`])
/// and the publicity period of the fields' decision date and severity; nothing published or
/// withdrawn yet.
pub(super) fn life_with(
    fields: &PenaltyFields,
    state: State,
    version: i32,
    workflow: Workflow,
    due: Deadline,
    now: chrono::NaiveDateTime,
) -> Result<Life, ServiceError> {
    let period = publicity(fields.decision_date, fields.severity).ok_or_else(|| {
        ServiceError::Unprocessable(vec![FieldError::new(
            "decision_date",
            "no_publicity_rule",
            "no publicity rule covers this decision date",
        )])
    })?;
    Ok(Life {
        state,
        version,
        workflow,
        publication_deadline: due.date,
        publication_deadline_provisional: due.provisional,
        publicity_min_end: period.min_end,
        publicity_max_end: period.max_end,
        published_at: None,
        published_on: None,
        working_days_late: None,
        withdrawal_event_date: None,
        withdrawal_deadline: None,
        withdrawal_deadline_provisional: None,
        withdrawn_on: None,
        updated_at: now,
    })
}

/// Logs a new decision as a draft (clerk).
pub fn create(app: &App, actor: &Actor, raw: &RawPenalty) -> Result<PenaltyRecord, ServiceError> {
    actor.require(Action::DraftPenalties)?;
    let now = app.now();
    let conn = &mut *app.conn()?;
    write_tx(conn, |conn| {
        // A bound account logs for its own authority (which it need not name).
        let authority = super::authorities::resolve(conn, raw.authority_id.or(actor.authority_id));
        let fields = parse(app, conn, raw);
        // A missing or unknown authority is one more bad field, reported with the others.
        let (authority, fields) = match (authority, fields) {
            (Ok(a), Ok(f)) => (a, f),
            (a, f) => {
                let mut errors = Vec::new();
                for e in [a.err(), f.err()].into_iter().flatten() {
                    match e {
                        ServiceError::Validation(v) | ServiceError::Unprocessable(v) => {
                            errors.extend(v)
                        }
                        other => return Err(other),
                    }
                }
                return Err(ServiceError::Unprocessable(errors));
            }
        };
        if !actor.covers(authority.id) {
            return Err(ServiceError::Forbidden(format!(
                "{} may log decisions only for authority {}",
                actor.name,
                actor.authority_id.unwrap_or_default()
            )));
        }
        private_text(&fields, &authority)?;
        let allocating = fields.decision_number.is_none();
        let mut number = match &fields.decision_number {
            Some(n) => n.clone(),
            None => allocate(conn, &authority, fields.decision_date)?,
        };
        // A number given by hand must be free; an allocated one was checked by `allocate`, and
        // one taken since (by hand, in another transaction) is caught at the insert below.
        if !allocating && store::penalties::number_taken(conn, authority.id, &number, None)? {
            return Err(duplicate_number(&authority, &number));
        }
        let workflow = Workflow {
            drafters: vec![actor.name.clone()],
            ..Workflow::default()
        };
        let life = fresh_life(app, conn, &fields, State::Draft, 1, workflow)?;
        let public_name = authority
            .fields
            .public_name(fields.party_kind, &fields.party_name);
        let id = loop {
            let new = NewPenalty {
                authority_id: authority.id,
                number: &number,
                fields: &fields,
                public_name: &public_name,
                imported: false,
                created_by: &actor.name,
                life: &life,
            };
            match store::unless_taken(conn, |c| store::penalties::insert(c, new, now))? {
                Some(id) => break id,
                // Another transaction recorded this number by hand (in any spelling) after it
                // was allocated here: the next free one is taken instead.
                None if allocating => number = allocate(conn, &authority, fields.decision_date)?,
                None => return Err(duplicate_number(&authority, &number)),
            }
        };
        let record = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PenaltyCreate,
            None,
            &record,
            now,
        )?;
        Ok(record)
    })
}

fn duplicate_number(authority: &Authority, number: &DecisionNumber) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::Duplicate,
        format!(
            "{} already has a decision numbered {number}",
            authority.fields.name
        ),
    )
}

/// The next free number of `authority` for the year of `decided`. A number given by hand may
/// have taken the next one: it is skipped (no gap is left, since that number is in use).
fn allocate(
    conn: &mut AnyConn,
    authority: &Authority,
    decided: NaiveDate,
) -> Result<DecisionNumber, ServiceError> {
    let year = chrono::Datelike::year(&decided);
    loop {
        let n = store::authorities::allocate_number(conn, authority.id, year)?;
        let number = DecisionNumber::allocated(&authority.fields.number_prefix, year, n as u32);
        if !store::penalties::number_taken(conn, authority.id, &number, None)? {
            return Ok(number);
        }
    }
}

/// Changes a draft (clerk), against the version the caller last saw. The fields are replaced
/// whole by `raw` laid over the stored ones.
pub fn update(
    app: &App,
    actor: &Actor,
    id: i64,
    version: i32,
    raw: &RawPenalty,
) -> Result<PenaltyRecord, ServiceError> {
    actor.require(Action::DraftPenalties)?;
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let before = find_for(conn, actor, id)?;
        if before.life.state != State::Draft {
            return Err(ServiceError::conflict(
                ConflictKind::InvalidTransition,
                format!(
                    "a {} decision cannot be changed; only a draft can",
                    before.life.state.code()
                ),
            ));
        }
        if before.life.version != version {
            return Err(stale(id, before.life.version, version));
        }
        if raw.authority_id.is_some_and(|a| a != before.authority_id) {
            return Err(ServiceError::Unprocessable(vec![FieldError::new(
                "authority_id",
                "immutable",
                "a decision stays with the authority that made it",
            )]));
        }
        let authority = super::authorities::find(conn, before.authority_id)?;
        let merged = merge(&before, raw);
        let fields = parse(app, conn, &merged)?;
        private_text(&fields, &authority)?;
        let allocating =
            fields.decision_number.is_none() && raw.allocate_decision_number == Some(true);
        let mut number = match (&fields.decision_number, raw.allocate_decision_number) {
            // Asked for on a draft: a fresh number for the (possibly new) decision year.
            (None, Some(true)) => allocate(conn, &authority, fields.decision_date)?,
            (n, _) => n.clone().unwrap_or_else(|| before.decision_number.clone()),
        };
        if !allocating && store::penalties::number_taken(conn, authority.id, &number, Some(id))? {
            return Err(duplicate_number(&authority, &number));
        }
        let mut workflow = before.life.workflow.clone();
        if !workflow.drafters.contains(&actor.name) {
            workflow.drafters.push(actor.name.clone());
        }
        let life = fresh_life(app, conn, &fields, State::Draft, version + 1, workflow)?;
        if !store::penalties::update_life_if_version(conn, id, version, &life)? {
            return Err(stale(id, before.life.version, version));
        }
        let public_name = authority
            .fields
            .public_name(fields.party_kind, &fields.party_name);
        loop {
            let written = store::unless_taken(conn, |c| {
                store::penalties::update_fields(c, &before, &number, &fields, &public_name)
            })?;
            match written {
                Some(()) => break,
                // Taken by hand meanwhile (see create): the next free number instead.
                None if allocating => number = allocate(conn, &authority, fields.decision_date)?,
                None => return Err(duplicate_number(&authority, &number)),
            }
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::PenaltyUpdate,
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

/// A stored record's fields as raw input, with `patch`'s present fields laid over them.
fn merge(r: &PenaltyRecord, patch: &RawPenalty) -> RawPenalty {
    let f = &r.fields;
    let s = |v: &Option<String>, old: Option<String>| v.clone().or(old);
    let allocate = patch.allocate_decision_number == Some(true);
    RawPenalty {
        authority_id: Some(r.authority_id),
        decision_number: if allocate {
            None
        } else {
            s(&patch.decision_number, Some(r.decision_number.to_string()))
        },
        allocate_decision_number: allocate.then_some(true),
        party_kind: s(&patch.party_kind, Some(f.party_kind.code().into())),
        party_name: s(&patch.party_name, Some(f.party_name.clone())),
        party_credit_code: s(
            &patch.party_credit_code,
            f.party_credit_code.as_ref().map(|c| c.to_string()),
        ),
        party_other_codes: patch
            .party_other_codes
            .clone()
            .or_else(|| Some(f.party_other_codes.clone())),
        legal_representative: s(&patch.legal_representative, f.legal_representative.clone()),
        party_id_type: s(
            &patch.party_id_type,
            f.party_id_type.map(|t| t.code().to_string()),
        ),
        party_id_number: s(&patch.party_id_number, f.party_id_number.clone()),
        party_address: s(&patch.party_address, f.party_address.clone()),
        violation_type: s(&patch.violation_type, Some(f.violation_type.clone())),
        facts: s(&patch.facts, Some(f.facts.clone())),
        legal_basis: s(&patch.legal_basis, Some(f.legal_basis.clone())),
        penalty_types: patch.penalty_types.clone().or_else(|| {
            Some(
                f.penalty_types
                    .iter()
                    .map(|t| t.code().to_string())
                    .collect(),
            )
        }),
        content: s(&patch.content, Some(f.content.clone())),
        fine_fen: patch.fine_fen.clone().or(f.fine_fen.map(Into::into)),
        confiscation_fen: patch
            .confiscation_fen
            .clone()
            .or(f.confiscation_fen.map(Into::into)),
        licence_affected: s(&patch.licence_affected, f.licence_affected.clone()),
        decision_date: s(&patch.decision_date, Some(f.decision_date.to_string())),
        procedure: s(&patch.procedure, Some(f.procedure.code().into())),
        severity: s(&patch.severity, Some(f.severity.code().into())),
        severity_reason: s(&patch.severity_reason, f.severity_reason.clone()),
        case_officers: patch.case_officers.clone().or_else(|| {
            Some(
                f.case_officers
                    .iter()
                    .map(|c| c.as_str().to_string())
                    .collect(),
            )
        }),
        entity_credit_code: s(
            &patch.entity_credit_code,
            f.entity_credit_code.as_ref().map(|c| c.to_string()),
        ),
        internal_notes: s(&patch.internal_notes, f.internal_notes.clone()),
    }
}

/// What a workflow step carries besides the version.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    pub version: Option<i32>,
    /// reject: why (shown to the clerk); withdraw: why (shown to the public).
    pub reason: Option<String>,
    /// withdraw: the date the decision was revoked or changed (变更、撤销、确认违法或无效).
    pub event_date: Option<String>,
    /// repair (信用修复): who applied, their public commitment, the evidence obligations were met.
    pub applicant: Option<String>,
    pub commitment: Option<String>,
    pub evidence: Option<String>,
}

/// Moves a decision one step along its workflow, audited. Submit is a clerk's; every other step
/// a reviewer's, and the reviewer who approves must not have drafted it.
pub fn step(
    app: &App,
    actor: &Actor,
    id: i64,
    step: Step,
    body: &StepBody,
) -> Result<PenaltyRecord, ServiceError> {
    actor.require(step_action(step))?;
    let now = app.now();
    let today = app.today();
    let mut e = Errors::default();
    let reason = match step {
        Step::Reject | Step::Withdraw => {
            required_text(&mut e, "reason", body.reason.as_deref(), 500)
        }
        _ => None,
    };
    let event_date = match (step, body.event_date.as_deref().map(str::trim)) {
        (Step::Withdraw, None | Some("")) => {
            e.push(
                "event_date",
                "required",
                "event_date (the day the decision was revoked or changed) is required",
            );
            None
        }
        (Step::Withdraw, Some(v)) => match parse_date(v) {
            Some(d) if d > today => {
                e.push(
                    "event_date",
                    "future",
                    format!("event_date {d} is after today"),
                );
                None
            }
            Some(d) => Some(d),
            None => {
                e.push(
                    "event_date",
                    "format",
                    format!("{v:?} is not a date such as 2026-03-01"),
                );
                None
            }
        },
        _ => None,
    };
    let repair = if step == Step::Repair {
        let a = required_text(&mut e, "applicant", body.applicant.as_deref(), 200);
        let c = required_text(&mut e, "commitment", body.commitment.as_deref(), 4000);
        let v = required_text(&mut e, "evidence", body.evidence.as_deref(), 4000);
        Some((a, c, v))
    } else {
        None
    };
    let mut invalid = e.into_vec();
    write_tx(&mut *app.conn()?, |conn| {
        // Another authority's decision is not found (404) whatever the body says.
        let before = find_for(conn, actor, id)?;
        if let (Step::Withdraw, Some(reason)) = (step, reason.as_deref()) {
            // The withdrawal reason is published: the same check as the decision's own texts.
            let mask = super::authorities::find(conn, before.authority_id)?
                .fields
                .mask_natural_person_names;
            invalid.extend(crate::domain::private_data::refusal(
                "reason",
                reason,
                &before.fields.party_secrets(mask),
            ));
        }
        if !invalid.is_empty() {
            return Err(ServiceError::Unprocessable(std::mem::take(&mut invalid)));
        }
        if let Some(v) = body.version {
            if v != before.life.version {
                return Err(stale(id, before.life.version, v));
            }
        }
        if matches!(step, Step::Withdraw | Step::Repair)
            && before.shown_state(today) == crate::domain::penalty::record::Shown::Expired
        {
            return Err(ServiceError::conflict(
                ConflictKind::InvalidTransition,
                format!(
                    "an expired decision cannot be {}: its publicity ended on {}",
                    if step == Step::Withdraw {
                        "withdrawn"
                    } else {
                        "repaired"
                    },
                    before.life.publicity_max_end
                ),
            ));
        }
        if let (Step::Withdraw, Some(event)) = (step, event_date) {
            if event < before.fields.decision_date {
                return Err(ServiceError::Unprocessable(vec![FieldError::new(
                    "event_date",
                    "before_decision",
                    format!(
                        "event_date {event} is before the decision date {}",
                        before.fields.decision_date
                    ),
                )]));
            }
        }
        let to = next(before.life.state, step)
            .map_err(|t| ServiceError::conflict(ConflictKind::InvalidTransition, t.to_string()))?;
        let mut life = before.life.clone();
        life.state = to;
        life.version += 1;
        life.updated_at = now;
        let w = &mut life.workflow;
        match step {
            Step::Submit => {
                w.submitted_by = Some(actor.name.clone());
                w.submitted_at = Some(now);
                w.rejection_reason = None;
                w.rejected_by = None;
            }
            Step::Approve => {
                if w.drafters.contains(&actor.name) {
                    return Err(ServiceError::SeparationOfDuties(format!(
                        "{} drafted this decision and may not approve it (先审后发: the approver is not the drafter)",
                        actor.name
                    )));
                }
                w.approved_by = Some(actor.name.clone());
                w.approved_at = Some(now);
            }
            Step::Reject => {
                w.rejected_by = Some(actor.name.clone());
                w.rejection_reason = reason.clone();
                w.submitted_by = None;
                w.submitted_at = None;
            }
            Step::Publish => {
                let authority = super::authorities::find(conn, before.authority_id)?;
                let f = &before.fields;
                publishable(
                    authority.fields.settings,
                    f.procedure,
                    &f.penalty_types,
                    f.severity,
                )
                .map_err(|why| {
                    ServiceError::conflict(ConflictKind::NotPublishable, why.to_string())
                })?;
                w.published_by = Some(actor.name.clone());
                life.published_at = Some(now);
                life.published_on = Some(today);
                life.working_days_late =
                    Some(late(app, conn, before.life.publication_deadline, today)?);
                if authority.fields.settings.publish_minor
                    && f.severity == crate::domain::penalty::kinds::Severity::Minor
                {
                    // A minor decision an authority publishes shows at most 3 months.
                    let cap = f
                        .decision_date
                        .checked_add_months(chrono::Months::new(3))
                        .unwrap_or(life.publicity_max_end);
                    life.publicity_max_end = life.publicity_max_end.min(cap);
                }
            }
            Step::Withdraw => {
                let event = event_date.ok_or_else(|| ServiceError::internal("checked above"))?;
                let due = deadline(app, conn, DeadlineRule::PenaltyWithdrawal, event)?;
                w.withdrawn_by = Some(actor.name.clone());
                w.withdrawn_at = Some(now);
                w.withdrawal_reason = reason.clone();
                life.withdrawal_event_date = Some(event);
                life.withdrawal_deadline = Some(due.date);
                life.withdrawal_deadline_provisional = Some(due.provisional);
                life.withdrawn_on = Some(today);
            }
            Step::Repair => {
                if today <= before.life.publicity_min_end {
                    return Err(ServiceError::conflict(
                        ConflictKind::InvalidTransition,
                        format!(
                            "信用修复 is possible only after the minimum publicity period, which ends on {}",
                            before.life.publicity_min_end
                        ),
                    ));
                }
                let (a, c, v) = repair.clone().unwrap_or_default();
                w.repaired_by = Some(actor.name.clone());
                w.repaired_at = Some(now);
                w.repair_applicant = a;
                w.repair_commitment = c;
                w.repair_evidence = v;
            }
        }
        if !store::penalties::update_life_if_version(conn, id, before.life.version, &life)? {
            return Err(ServiceError::conflict(
                ConflictKind::StaleVersion,
                format!("decision {id} changed while this step was taken; reload and retry"),
            ));
        }
        if step == Step::Withdraw {
            store::penalties::search_by_number_only(conn, &before)?;
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::of_step(step),
            Some(&before),
            &after,
            now,
        )?;
        Ok(after)
    })
}

pub(super) fn find(conn: &mut AnyConn, id: i64) -> Result<PenaltyRecord, ServiceError> {
    store::penalties::by_id(conn, id)?
        .ok_or_else(|| ServiceError::NotFound(format!("no penalty decision with id {id}")))
}

/// A decision the actor may see: another authority's is not found for an account bound to one.
fn find_for(conn: &mut AnyConn, actor: &Actor, id: i64) -> Result<PenaltyRecord, ServiceError> {
    let r = find(conn, id)?;
    if actor.covers(r.authority_id) {
        Ok(r)
    } else {
        Err(ServiceError::NotFound(format!(
            "no penalty decision with id {id}"
        )))
    }
}

/// Who may take `step`: submit is a clerk's, every other step a reviewer's.
pub fn step_action(step: Step) -> Action {
    match step {
        Step::Submit => Action::DraftPenalties,
        _ => Action::ReviewPenalties,
    }
}

/// 404 unless `actor` may see decision `id` (it exists and, for an account bound to an authority,
/// is that authority's): asked before a request's body is read. Unbound accounts see every
/// decision, and are not asked the database.
pub fn ensure_visible(app: &App, actor: &Actor, id: i64) -> Result<(), ServiceError> {
    if actor.authority_id.is_none() {
        return Ok(());
    }
    find_for(&mut *app.conn()?, actor, id).map(drop)
}

/// One decision with every field (staff).
pub fn get(app: &App, actor: &Actor, id: i64) -> Result<PenaltyRecord, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    find_for(&mut *app.conn()?, actor, id)
}

/// A listing's parameters as they arrive (the query string).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyParams {
    pub q: Option<String>,
    pub credit_code: Option<String>,
    pub authority_id: Option<i64>,
    pub penalty_type: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub state: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

fn parse_params(
    p: &PenaltyParams,
    staff: bool,
) -> Result<(PenaltyQuery, PageRequest), ServiceError> {
    let mut errors = Vec::new();
    let page = PageRequest::parse(p.limit, p.cursor.as_deref(), &mut errors);
    let mut q = PenaltyQuery {
        after: page.after,
        limit: page.fetch(),
        authority_id: p.authority_id,
        ..PenaltyQuery::default()
    };
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    if let Some(text) = given(&p.q) {
        // A whole decision number finds that number in any spelling, by its key.
        q.number_key = crate::domain::penalty::number::whole_number_key(&text);
        q.text = search_form(&text);
        if q.text.is_empty() {
            errors.push(FieldError::new(
                "q",
                "format",
                "q has no letters or digits to search for",
            ));
        } else if q.text.len() > 50 {
            errors.push(FieldError::new(
                "q",
                "too_long",
                "q has at most 50 characters",
            ));
        }
    }
    if let Some(c) = given(&p.credit_code) {
        match CreditCode::parse(&c) {
            Ok(c) => q.credit_code = Some(c.to_string()),
            Err(e) => errors.push(FieldError::new("credit_code", e.reason(), e.to_string())),
        }
    }
    if let Some(t) = given(&p.penalty_type) {
        q.penalty_type = PenaltyType::parse(&t);
        if q.penalty_type.is_none() {
            errors.push(FieldError::new(
                "penalty_type",
                "unknown",
                format!("expected one of {}", PenaltyType::expected()),
            ));
        }
    }
    for (field, v, slot) in [("from", &p.from, &mut q.from), ("to", &p.to, &mut q.to)] {
        if let Some(v) = given(v) {
            match parse_date(&v) {
                Some(d) => *slot = Some(d),
                None => errors.push(FieldError::new(
                    field,
                    "format",
                    format!("{v:?} is not a date such as 2026-03-01"),
                )),
            }
        }
    }
    // `state=` empty is refused like any value outside the enum (issue 23).
    if let Some(s) = &p.state {
        if !staff {
            errors.push(FieldError::new(
                "state",
                "unknown",
                "the public list has no state filter",
            ));
        } else {
            match State::parse(s) {
                Some(s) => q.states = vec![s],
                None => errors.push(FieldError::new(
                    "state",
                    "unknown",
                    format!("expected one of {}", State::expected()),
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok((q, page))
    } else {
        Err(ServiceError::Validation(errors))
    }
}

/// Staff listing: every decision, in the order they were logged.
pub fn list(
    app: &App,
    actor: &Actor,
    p: &PenaltyParams,
) -> Result<Slice<PenaltyRecord>, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let (mut q, page) = parse_params(p, true)?;
    if let Some(bound) = actor.authority_id {
        if q.authority_id.is_some_and(|a| a != bound) {
            return Ok(Slice::of(Vec::new(), page, |r: &PenaltyRecord| r.id));
        }
        q.authority_id = Some(bound);
    }
    let items = store::penalties::search(&mut *app.conn()?, &q)?;
    Ok(Slice::of(items, page, |r| r.id))
}

/// A public answer: the decisions and the authorities they name.
pub struct Published {
    pub slice: Slice<PenaltyRecord>,
    pub authorities: Vec<Authority>,
    pub today: NaiveDate,
}

/// The public list (no token): published decisions within their publicity period today, and
/// withdrawal notices; the caller shows only their public views.
pub fn public_search(app: &App, p: &PenaltyParams) -> Result<Published, ServiceError> {
    let (mut q, page) = parse_params(p, false)?;
    let today = app.today();
    // A withdrawal notice shows only its number and authority, so only those may find it.
    let asks_hidden =
        q.credit_code.is_some() || q.penalty_type.is_some() || q.from.is_some() || q.to.is_some();
    q.states = if asks_hidden {
        vec![State::Published]
    } else {
        vec![State::Published, State::Withdrawn]
    };
    q.shown_on = Some(today);
    let conn = &mut *app.conn()?;
    let items = store::penalties::search(conn, &q)?;
    Ok(Published {
        slice: Slice::of(items, page, |r| r.id),
        authorities: store::authorities::list(conn)?,
        today,
    })
}

/// One decision for the public: 404 unless it is published (or withdrawn) and within its
/// publicity period today.
pub fn public_get(
    app: &App,
    id: i64,
) -> Result<(PenaltyRecord, Authority, NaiveDate), ServiceError> {
    let conn = &mut *app.conn()?;
    let today = app.today();
    let not_found =
        || ServiceError::NotFound(format!("no published penalty decision with id {id}"));
    let r = store::penalties::by_id(conn, id)?.ok_or_else(not_found)?;
    if r.public_on(today).is_none() {
        return Err(not_found());
    }
    let a = super::authorities::find(conn, r.authority_id)?;
    Ok((r, a, today))
}

fn stale(id: i64, current: i32, given: i32) -> ServiceError {
    ServiceError::conflict(
        ConflictKind::StaleVersion,
        format!("decision {id} is at version {current}, not {given}; reload and retry"),
    )
}

/// A deadline report's parameters as they arrive.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineParams {
    pub state: Option<String>,
    pub within: Option<u32>,
    pub authority_id: Option<i64>,
}

/// One line of a deadline report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineLine {
    pub record: PenaltyRecord,
    /// `publication` or `withdrawal`.
    pub deadline_of: &'static str,
    pub deadline: NaiveDate,
    pub provisional: bool,
    pub watch: Watch,
    /// Working days left (due), past the deadline (overdue) or late (published late).
    pub working_days: u32,
}

/// Decisions due within `within` (default 3) working days, overdue, or published late, most
/// urgent first (staff). Overdue and due count only decisions the authority publishes.
pub fn deadlines(
    app: &App,
    actor: &Actor,
    p: &DeadlineParams,
) -> Result<Vec<DeadlineLine>, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let watch = Watch::parse(p.state.as_deref())?;
    let within = p.within.unwrap_or(3);
    let authority = match (actor.authority_id, p.authority_id) {
        (Some(bound), Some(asked)) if bound != asked => return Ok(Vec::new()),
        (Some(bound), _) => Some(bound),
        (None, asked) => asked,
    };
    let today = app.today();
    let conn = &mut *app.conn()?;
    let region = app.calendars().default_region().clone();
    let authorities = store::authorities::list(conn)?;
    let mut out = Vec::new();
    if watch == Watch::PublishedLate {
        for r in store::penalties::late(conn, authority)? {
            if let (Some(on), Some(due)) = (r.life.withdrawn_on, r.life.withdrawal_deadline) {
                if on > due {
                    let (n, _) = app
                        .calendars()
                        .workdays_between(conn, &region, due, on, true)?;
                    out.push(DeadlineLine {
                        deadline_of: "withdrawal",
                        deadline: due,
                        provisional: r.life.withdrawal_deadline_provisional == Some(true),
                        watch,
                        working_days: n,
                        record: r.clone(),
                    });
                }
            }
            if let Some(late) = r.life.working_days_late.filter(|n| *n > 0) {
                out.push(DeadlineLine {
                    deadline_of: "publication",
                    deadline: r.life.publication_deadline,
                    provisional: r.life.publication_deadline_provisional,
                    watch,
                    working_days: late as u32,
                    record: r,
                });
            }
        }
        sort_lines(&mut out, watch, |l| {
            (l.working_days, l.deadline, l.record.id)
        });
        return Ok(out);
    }
    for r in store::penalties::unpublished(conn, authority)? {
        let Some(a) = authorities.iter().find(|a| a.id == r.authority_id) else {
            continue;
        };
        let f = &r.fields;
        if publishable(a.fields.settings, f.procedure, &f.penalty_types, f.severity).is_err() {
            continue;
        }
        let due = r.life.publication_deadline;
        let line = |working_days, watch| DeadlineLine {
            deadline_of: "publication",
            deadline: due,
            provisional: r.life.publication_deadline_provisional,
            watch,
            working_days,
            record: r.clone(),
        };
        if let Some(n) = standing(app, conn, watch, within, due, today)? {
            out.push(line(n, watch));
        }
    }
    sort_lines(&mut out, watch, |l| {
        (l.working_days, l.deadline, l.record.id)
    });
    Ok(out)
}

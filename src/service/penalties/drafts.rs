//! Logging a decision as a draft and editing it (clerks): parsing against the roster and the
//! directory, the private-data check, the decision number, the publication deadline.

use crate::domain::ids::PenaltyId;
use chrono::NaiveDate;

use super::{find, find_for, stale};
use crate::domain::audit_action::AuditAction;
use crate::domain::calendar::Deadline;
use crate::domain::credit_code::CreditCode;
use crate::domain::deadline::DeadlineRule;
use crate::domain::penalty::cautions::{
    cautions, fill_from_directory, parse_confirm, unconfirmed, DirectoryParty,
};
use crate::domain::penalty::fields::{Context, OfficerFacts, PenaltyFields, RawPenalty};
use crate::domain::penalty::number::DecisionNumber;
use crate::domain::penalty::publicity::publicity;
use crate::domain::penalty::record::{Authority, PenaltyRecord, Progress, Workflow};
use crate::domain::penalty::workflow::State;
use crate::domain::policy::Action;
use crate::service::deadlines::deadline;
use crate::service::{events, Actor, App, ConflictKind, FieldError, ServiceError};
use crate::store::penalties::NewPenalty;
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
        out.push(facts_of(conn, &r)?);
    }
    Ok(out)
}

/// What the rules need to know of one inspector: status, certificate, conflicts in force.
fn facts_of(
    conn: &mut AnyConn,
    r: &crate::domain::inspector::InspectorRecord,
) -> Result<OfficerFacts, ServiceError> {
    let conflicts = store::inspectors::conflicts_of(conn, r.id, false)?;
    Ok(OfficerFacts {
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
    })
}

/// An officer a decision may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibleOfficer {
    pub certificate_no: String,
    pub name: String,
    pub unit: String,
}

/// The officers who may act on a decision of `decided` about the party with credit code
/// `party` (if given): in post (在岗), certified that day, without a conflict of interest with
/// the party or its category; by the same rule a decision is checked with when it is saved
/// (`OfficerFacts::refusals`). For the console's case-officer picker (clerks draft decisions).
pub fn eligible_officers(
    app: &App,
    actor: &Actor,
    decided: chrono::NaiveDate,
    party: Option<&str>,
) -> Result<Vec<EligibleOfficer>, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let conn = &mut *app.conn()?;
    let party = party.and_then(|c| CreditCode::parse(c).ok());
    let category = match &party {
        Some(c) => store::entities::by_credit_code(conn, c.as_str())?.map(|e| e.fields.category),
        None => None,
    };
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = store::inspectors::page(
            conn,
            after,
            500,
            Some(crate::domain::inspector::InspectorStatus::Active),
        )?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for r in &page {
            if facts_of(conn, r)?
                .refusals(Some(decided), party.as_ref(), category.as_ref())
                .is_empty()
            {
                out.push(EligibleOfficer {
                    certificate_no: r.fields.certificate_no.as_str().to_string(),
                    name: r.fields.name.clone(),
                    unit: r.fields.unit.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Parses `raw` against the roster, the directory and today, the party's name and legal
/// representative filled from its directory entry where left out; also checks that a linked
/// directory entity exists. Every problem is a 422 naming its field. Returns the party's
/// directory entry too (for the soft rules).
fn parse(
    app: &App,
    conn: &mut AnyConn,
    raw: &RawPenalty,
) -> Result<(PenaltyFields, Option<DirectoryParty>), ServiceError> {
    let officers = officer_facts(conn, raw)?;
    let party_code = raw
        .party_credit_code
        .as_deref()
        .and_then(|c| CreditCode::parse(c).ok());
    let party_entity = match &party_code {
        Some(c) => store::entities::by_credit_code(conn, c.as_str())?,
        None => None,
    };
    let directory = party_entity.as_ref().map(|e| DirectoryParty {
        name: e.fields.name.clone(),
        legal_representative: e.fields.legal_representative.clone(),
    });
    let mut raw = raw.clone();
    if let Some(d) = &directory {
        fill_from_directory(&mut raw, d);
    }
    let raw = &raw;
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
            )
            .zh(format!(
                "市场主体名录库中没有统一社会信用代码为 {linked} 的主体"
            ))]));
        }
    } else if party_entity.is_some() {
        // The party is in the directory: link it.
        fields.entity_credit_code = fields.party_credit_code.clone();
    }
    Ok((fields, directory))
}

/// The soft rules `fields` trip that `confirm` does not cover are a 422 (each `confirmable`);
/// else the codes confirmed and needed, for the audit record. `before`: an edit's old fields.
fn confirmations(
    fields: &PenaltyFields,
    directory: Option<&DirectoryParty>,
    before: Option<&PenaltyFields>,
    confirm: Option<&[String]>,
) -> Result<Vec<String>, ServiceError> {
    let confirm = parse_confirm(confirm).map_err(|e| ServiceError::Unprocessable(vec![e]))?;
    unconfirmed(cautions(fields, directory, before), &confirm).map_err(ServiceError::Unprocessable)
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

/// The stored progress of new or edited draft fields: deadlines and publicity computed now.
fn fresh_progress(
    app: &App,
    conn: &mut AnyConn,
    fields: &PenaltyFields,
    state: State,
    version: i32,
    workflow: Workflow,
) -> Result<Progress, ServiceError> {
    let due = publication_deadline(app, conn, fields.decision_date)?;
    progress_with(fields, state, version, workflow, due, app.now())
}

/// The publication deadline of a decision made on `decided` (rule `penalty_publication`).
pub(crate) fn publication_deadline(
    app: &App,
    conn: &mut AnyConn,
    decided: NaiveDate,
) -> Result<Deadline, ServiceError> {
    deadline(app, conn, DeadlineRule::PenaltyPublication, decided)
}

/// A new progress in `state` with the publication deadline `due` (see [`publication_deadline`])
/// and the publicity period of the fields' decision date and severity; nothing published or
/// withdrawn yet.
pub(crate) fn progress_with(
    fields: &PenaltyFields,
    state: State,
    version: i32,
    workflow: Workflow,
    due: Deadline,
    now: chrono::NaiveDateTime,
) -> Result<Progress, ServiceError> {
    let period = publicity(fields.decision_date, fields.severity).ok_or_else(|| {
        ServiceError::Unprocessable(vec![FieldError::new(
            "decision_date",
            "no_publicity_rule",
            "no publicity rule covers this decision date",
        )])
    })?;
    Ok(Progress {
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
        let authority =
            crate::service::authorities::resolve(conn, raw.authority_id.or(actor.authority_id));
        let fields = parse(app, conn, raw);
        // A missing or unknown authority is one more bad field, reported with the others.
        let (authority, (fields, directory)) = match (authority, fields) {
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
            ))
            .zh(format!(
                "{} 只能登记本处罚机关（编号 {}）的决定",
                actor.name,
                actor.authority_id.unwrap_or_default()
            )));
        }
        private_text(&fields, &authority)?;
        let confirmed = confirmations(&fields, directory.as_ref(), None, raw.confirm.as_deref())?;
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
        let progress = fresh_progress(app, conn, &fields, State::Draft, 1, workflow)?;
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
                progress: &progress,
                import_id: None,
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
        events::record_confirmed(
            conn,
            &actor.name,
            AuditAction::PenaltyCreate,
            None,
            &record,
            &confirmed,
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
    .zh(format!(
        "{} 已有文号为 {number} 的处罚决定（括号、“第”和前导零不同也视为同一文号）",
        authority.fields.name
    ))
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
    id: PenaltyId,
    version: i32,
    raw: &RawPenalty,
) -> Result<PenaltyRecord, ServiceError> {
    let id = id.get();
    actor.require(Action::DraftPenalties)?;
    let now = app.now();
    write_tx(&mut *app.conn()?, |conn| {
        let before = find_for(conn, actor, id)?;
        if before.progress.state != State::Draft {
            return Err(ServiceError::conflict(
                ConflictKind::InvalidTransition,
                format!(
                    "a {} decision cannot be changed; only a draft can",
                    before.progress.state.code()
                ),
            )
            .zh(format!(
                "“{}”状态的处罚决定不能修改；只有草稿可以修改（已提交的请审核人退回后再改）",
                before.progress.state.label()
            )));
        }
        if before.progress.version != version {
            return Err(stale(id, before.progress.version, version));
        }
        if raw.authority_id.is_some_and(|a| a != before.authority_id) {
            return Err(ServiceError::Unprocessable(vec![FieldError::new(
                "authority_id",
                "immutable",
                "a decision stays with the authority that made it",
            )
            .zh("处罚决定属于作出它的处罚机关，不能改为其他机关")]));
        }
        let authority = crate::service::authorities::find(conn, before.authority_id)?;
        let merged = merge(&before, raw);
        let (fields, directory) = parse(app, conn, &merged)?;
        private_text(&fields, &authority)?;
        let confirmed = confirmations(
            &fields,
            directory.as_ref(),
            Some(&before.fields),
            raw.confirm.as_deref(),
        )?;
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
        let mut workflow = before.progress.workflow.clone();
        if !workflow.drafters.contains(&actor.name) {
            workflow.drafters.push(actor.name.clone());
        }
        let progress = fresh_progress(app, conn, &fields, State::Draft, version + 1, workflow)?;
        if !store::penalties::update_progress_if_version(conn, id, version, &progress)? {
            return Err(stale(id, before.progress.version, version));
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
        events::record_confirmed(
            conn,
            &actor.name,
            AuditAction::PenaltyUpdate,
            Some(&before),
            &after,
            &confirmed,
            now,
        )?;
        Ok(after)
    })
}

/// A stored record's fields as raw input, with `patch`'s present fields laid over them (the
/// decision number: a fresh one when the patch asks for it, else the stored one unless the patch
/// gives another).
fn merge(r: &PenaltyRecord, patch: &RawPenalty) -> RawPenalty {
    let mut stored = RawPenalty::of_fields(&r.fields);
    stored.authority_id = Some(r.authority_id);
    stored.decision_number = Some(r.decision_number.to_string());
    stored.overlay(patch.clone())
}

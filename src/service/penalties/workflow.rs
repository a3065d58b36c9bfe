//! Taking a workflow step (submit, approve, reject, publish, withdraw, repair, discard): the service checks
//! the request's values, loads the decision, looks up what the step needs (the authority's
//! settings, the calendar), asks the pure `domain::penalty::workflow::decide`, writes the new
//! progress and records the event, all in one transaction.

use super::{find, find_for, stale};
use crate::domain::audit_action::AuditAction;
use crate::domain::deadline::DeadlineRule;
use crate::domain::field::{required_text, Errors};
use crate::domain::ids::PenaltyId;
use crate::domain::penalty::fields::parse_date;
use crate::domain::penalty::publicity::publishable;
use crate::domain::penalty::record::PenaltyRecord;
use crate::domain::penalty::workflow::State;
use crate::domain::penalty::workflow::{decide, precheck, Command, Refusal, Step, Taker};
use crate::domain::policy::Action;
use crate::service::deadlines::{deadline, late};
use crate::service::{events, Actor, App, ConflictKind, FieldError, ServiceError};
use crate::store::{self, write_tx, AnyConn};

/// What a workflow step carries besides the version.
#[derive(Debug, Clone, Default)]
pub struct StepBody {
    pub version: Option<i32>,
    /// reject: why (shown to the clerk); withdraw: why (shown to the public); discard: why (staff
    /// and the number register).
    pub reason: Option<String>,
    /// withdraw: the date the decision was revoked or changed (变更、撤销、确认违法或无效).
    pub event_date: Option<String>,
    /// repair (信用修复): who applied, their public commitment, the evidence obligations were met.
    pub applicant: Option<String>,
    pub commitment: Option<String>,
    pub evidence: Option<String>,
}

/// A step's values from the body, checked: each bad one is a field error.
struct Checked {
    reason: Option<String>,
    event_date: Option<chrono::NaiveDate>,
    repair: Option<(String, String, String)>,
}

fn check(step: Step, body: &StepBody, today: chrono::NaiveDate, e: &mut Errors) -> Checked {
    let reason = match step {
        Step::Reject | Step::Withdraw | Step::Discard => {
            required_text(e, "reason", body.reason.as_deref(), 500)
        }
        _ => None,
    };
    let event_date = match (step, body.event_date.as_deref().map(str::trim)) {
        (Step::Withdraw, None | Some("")) => {
            e.say(
                "event_date",
                "required",
                "event_date (the day the decision was revoked or changed) is required",
                "请填写处罚决定被撤销或变更的日期",
            );
            None
        }
        (Step::Withdraw, Some(v)) => match parse_date(v) {
            Some(d) if d > today => {
                e.say(
                    "event_date",
                    "future",
                    format!("event_date {d} is after today"),
                    format!("撤销或变更日期 {d} 晚于今天"),
                );
                None
            }
            Some(d) => Some(d),
            None => {
                e.say(
                    "event_date",
                    "format",
                    format!("{v:?} is not a date such as 2026-03-01"),
                    format!("“{v}”不是有效日期，请按 2026-03-01 的格式填写"),
                );
                None
            }
        },
        _ => None,
    };
    let repair = if step == Step::Repair {
        let a = required_text(e, "applicant", body.applicant.as_deref(), 200);
        let c = required_text(e, "commitment", body.commitment.as_deref(), 4000);
        let v = required_text(e, "evidence", body.evidence.as_deref(), 4000);
        a.zip(c).zip(v).map(|((a, c), v)| (a, c, v))
    } else {
        None
    };
    Checked {
        reason,
        event_date,
        repair,
    }
}

/// A refusal of the workflow as the service's error (the same statuses and words as always),
/// with its Chinese.
fn refused(r: Refusal) -> ServiceError {
    let zh = r.zh();
    let e = match r {
        Refusal::Role { role, action } => crate::service::forbidden(role, action),
        Refusal::NotDrafter { .. } => ServiceError::Forbidden(r.to_string()),
        Refusal::EventBeforeDecision { .. } => ServiceError::Unprocessable(vec![FieldError::new(
            "event_date",
            "before_decision",
            r.to_string(),
        )]),
        Refusal::DrafterApproves { .. } => ServiceError::SeparationOfDuties(r.to_string()),
        Refusal::NotPublishable(_) => {
            ServiceError::conflict(ConflictKind::NotPublishable, r.to_string())
        }
        Refusal::Expired { .. } | Refusal::Transition(_) | Refusal::RepairTooEarly { .. } => {
            ServiceError::conflict(ConflictKind::InvalidTransition, r.to_string())
        }
    };
    match e {
        // A field error carries its own Chinese.
        ServiceError::Unprocessable(mut errors) => {
            for f in &mut errors {
                f.zh = zh.clone();
            }
            ServiceError::Unprocessable(errors)
        }
        e => e.zh(zh),
    }
}

/// Moves a decision one step along its workflow, audited. Submit is a clerk's; every other step
/// a reviewer's, and the reviewer who approves must not have drafted it.
pub fn step(
    app: &App,
    actor: &Actor,
    id: PenaltyId,
    step: Step,
    body: &StepBody,
) -> Result<PenaltyRecord, ServiceError> {
    let id = id.get();
    actor.require(step.action())?;
    let mut e = Errors::default();
    let checked = check(step, body, app.today(), &mut e);
    let mut invalid = e.into_vec();
    write_tx(&mut *app.conn()?, |conn| {
        // Another authority's decision is not found (404) whatever the body says.
        let before = find_for(conn, actor, id)?;
        if let (Step::Withdraw, Some(reason)) = (step, checked.reason.as_deref()) {
            // The withdrawal reason is published: the same check as the decision's own texts.
            let mask = crate::service::authorities::find(conn, before.authority_id)?
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
            if v != before.progress.version {
                return Err(stale(id, before.progress.version, v));
            }
        }
        take(app, conn, actor, &before, step, &checked)
    })
}

/// Takes `step` on `before` (found, visible, its version checked), in the caller's write
/// transaction: the pure decision, the new progress written, the event recorded.
fn take(
    app: &App,
    conn: &mut AnyConn,
    actor: &Actor,
    before: &PenaltyRecord,
    step: Step,
    checked: &Checked,
) -> Result<PenaltyRecord, ServiceError> {
    let id = before.id;
    let now = app.now();
    let today = app.today();
    let taker = Taker {
        name: &actor.name,
        role: actor.role,
    };
    {
        // What the step needs from the calendar and the authority is looked up only for a step
        // the decision can take (a refused step is refused before any lookup, as it always was).
        precheck(before, step, checked.event_date, taker, today).map_err(refused)?;
        let missing = || ServiceError::internal("checked above");
        let command = match step {
            Step::Submit => Command::Submit,
            Step::Approve => Command::Approve,
            Step::Reject => Command::Reject {
                reason: checked.reason.clone().ok_or_else(missing)?,
            },
            Step::Publish => Command::Publish {
                settings: crate::service::authorities::find(conn, before.authority_id)?
                    .fields
                    .settings,
                working_days_late: late(app, conn, before.progress.publication_deadline, today)?,
            },
            Step::Withdraw => {
                let event_date = checked.event_date.ok_or_else(missing)?;
                Command::Withdraw {
                    reason: checked.reason.clone().ok_or_else(missing)?,
                    event_date,
                    deadline: deadline(app, conn, DeadlineRule::PenaltyWithdrawal, event_date)?,
                }
            }
            Step::Discard => Command::Discard {
                reason: checked.reason.clone().ok_or_else(missing)?,
            },
            Step::Repair => {
                let (applicant, commitment, evidence) =
                    checked.repair.clone().ok_or_else(missing)?;
                Command::Repair {
                    applicant,
                    commitment,
                    evidence,
                }
            }
        };
        let progress = decide(before, &command, taker, today, now).map_err(refused)?;
        if !store::penalties::update_progress_if_version(
            conn,
            id,
            before.progress.version,
            &progress,
        )? {
            return Err(ServiceError::conflict(
                ConflictKind::StaleVersion,
                format!("decision {id} changed while this step was taken; reload and retry"),
            )
            .zh(format!("处理期间处罚决定 {id} 被他人修改，请刷新后重试")));
        }
        if step == Step::Withdraw {
            store::penalties::search_by_number_only(conn, before)?;
        }
        let after = find(conn, id)?;
        events::record(
            conn,
            &actor.name,
            AuditAction::of_step(step),
            Some(before),
            &after,
            now,
        )?;
        Ok(after)
    }
}

/// What approving and publishing an import did.
#[derive(Debug, Clone)]
pub struct ImportReview {
    pub import_id: String,
    pub approved: Vec<PenaltyRecord>,
    /// Approved and published (the rest are of a kind their authority does not publish, and
    /// stay approved).
    pub published: usize,
}

/// Approves and publishes every decision an import brought in that is still submitted
/// (reviewer; an account bound to an authority: that authority's), all in one transaction, each
/// step audited as if taken one by one: 先审后发 holds (the importer may not approve), and a
/// decision of a kind its authority does not publish is approved and stays so.
pub fn publish_import(
    app: &App,
    actor: &Actor,
    import_id: &str,
) -> Result<ImportReview, ServiceError> {
    actor.require(Action::ReviewPenalties)?;
    write_tx(&mut *app.conn()?, |conn| {
        let waiting =
            store::penalties::of_import(conn, import_id, State::Submitted, actor.authority_id)?;
        if waiting.is_empty() {
            return Err(ServiceError::NotFound(format!(
                "no decision of import {import_id} is waiting for review"
            ))
            .zh(format!("导入批次 {import_id} 没有待审核的处罚决定")));
        }
        let none = Checked {
            reason: None,
            event_date: None,
            repair: None,
        };
        let mut approved = Vec::with_capacity(waiting.len());
        let mut published = 0;
        for before in waiting {
            let after = take(app, conn, actor, &before, Step::Approve, &none)?;
            let settings = crate::service::authorities::find(conn, after.authority_id)?
                .fields
                .settings;
            let f = &after.fields;
            if publishable(settings, f.procedure, &f.penalty_types, f.severity).is_ok() {
                approved.push(take(app, conn, actor, &after, Step::Publish, &none)?);
                published += 1;
            } else {
                approved.push(after);
            }
        }
        Ok(ImportReview {
            import_id: import_id.to_string(),
            approved,
            published,
        })
    })
}

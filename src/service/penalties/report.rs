//! The deadline report (what is due, overdue or was published late) and the recompute of
//! provisional deadlines when a calendar year is loaded.

use chrono::NaiveDate;

use super::find;
use crate::domain::audit_action::AuditAction;
use crate::domain::deadline::DeadlineRule;
use crate::domain::penalty::publicity::publishable;
use crate::domain::penalty::record::PenaltyRecord;
use crate::domain::policy::Action;
use crate::service::deadlines::{
    deadline_on, late_by, sort_lines, standing, ReportKind, Standing, WorkingDays,
};
use crate::service::{events, Actor, App, ServiceError};
use crate::store::{self, AnyConn};

/// Recomputes every provisional deadline (and the lateness of a decision published against one)
/// after a calendar year was loaded, in the loading transaction; each changed decision gets a
/// new version and an audit record. Returns how many changed.
pub(crate) fn recompute_provisional(
    calendars: &dyn WorkingDays,
    conn: &mut AnyConn,
    actor: &Actor,
    now: chrono::NaiveDateTime,
) -> Result<usize, ServiceError> {
    let mut changed = 0;
    for before in store::penalties::with_provisional_deadlines(conn)? {
        let mut progress = before.progress.clone();
        if progress.publication_deadline_provisional {
            let due = deadline_on(
                calendars,
                conn,
                DeadlineRule::PenaltyPublication,
                before.fields.decision_date,
            )?;
            progress.publication_deadline = due.date;
            progress.publication_deadline_provisional = due.provisional;
            if let Some(on) = progress.published_on {
                progress.working_days_late = Some(late_by(calendars, conn, due.date, on)?);
            }
        }
        if let (Some(event), Some(true)) = (
            progress.withdrawal_event_date,
            progress.withdrawal_deadline_provisional,
        ) {
            let due = deadline_on(calendars, conn, DeadlineRule::PenaltyWithdrawal, event)?;
            progress.withdrawal_deadline = Some(due.date);
            progress.withdrawal_deadline_provisional = Some(due.provisional);
        }
        if progress == before.progress {
            continue;
        }
        progress.version += 1;
        progress.updated_at = now;
        if !store::penalties::update_progress_if_version(
            conn,
            before.id,
            before.progress.version,
            &progress,
        )? {
            return Err(crate::service::deadlines::moved_during_recompute(format!(
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

/// A deadline report's parameters as they arrive.
#[derive(Debug, Clone, Default)]
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
    pub kind: Standing,
    /// Working days left (due), past the deadline (overdue) or late (published late).
    pub working_days: u32,
}

/// Decisions still waiting for publication (the default: overdue first, then by working days
/// left), due within `within` working days, overdue, or published late, most urgent first
/// (staff). Only decisions the authority publishes are waiting.
pub fn deadlines(
    app: &App,
    actor: &Actor,
    p: &DeadlineParams,
) -> Result<Vec<DeadlineLine>, ServiceError> {
    actor.require(Action::ReadPenalties)?;
    let kind = ReportKind::parse(p.state.as_deref())?;
    let within = p.within;
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
    if kind == ReportKind::PublishedLate {
        for r in store::penalties::late(conn, authority)? {
            if let (Some(on), Some(due)) = (r.progress.withdrawn_on, r.progress.withdrawal_deadline)
            {
                if on > due {
                    let (n, _) = app
                        .calendars()
                        .workdays_between(conn, &region, due, on, true)?;
                    out.push(DeadlineLine {
                        deadline_of: "withdrawal",
                        deadline: due,
                        provisional: r.progress.withdrawal_deadline_provisional == Some(true),
                        kind: Standing::PublishedLate,
                        working_days: n,
                        record: r.clone(),
                    });
                }
            }
            if let Some(late) = r.progress.working_days_late.filter(|n| *n > 0) {
                out.push(DeadlineLine {
                    deadline_of: "publication",
                    deadline: r.progress.publication_deadline,
                    provisional: r.progress.publication_deadline_provisional,
                    kind: Standing::PublishedLate,
                    working_days: late as u32,
                    record: r,
                });
            }
        }
        sort_lines(&mut out, |l| {
            (l.kind, l.working_days, l.deadline, l.record.id)
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
        let due = r.progress.publication_deadline;
        let line = |working_days, kind| DeadlineLine {
            deadline_of: "publication",
            deadline: due,
            provisional: r.progress.publication_deadline_provisional,
            kind,
            working_days,
            record: r.clone(),
        };
        if let Some((standing, n)) = standing(app, conn, kind, within, due, today)? {
            out.push(line(n, standing));
        }
    }
    sort_lines(&mut out, |l| {
        (l.kind, l.working_days, l.deadline, l.record.id)
    });
    Ok(out)
}

//! The plans' deadline report: completed plans whose inspection results are due, overdue, or
//! were published late (`inspection_result_publication`, 20 working days after completion).

use super::deadlines::{sort_lines, standing, ReportKind, Standing};
use super::{Actor, App, ServiceError};
use crate::domain::plan::record::PlanRecord;
use crate::domain::policy::Action;
use crate::store;

/// A plan deadline report's parameters.
#[derive(Debug, Clone, Default)]
pub struct PlanDeadlineParams {
    pub state: Option<String>,
    pub within: Option<u32>,
}

/// One completed plan and its results deadline (`inspection_result_publication`).
#[derive(Debug, Clone)]
pub struct PlanDeadlineLine {
    pub plan: PlanRecord,
    pub deadline: chrono::NaiveDate,
    pub provisional: bool,
    pub kind: Standing,
    /// Working days left (due), past the deadline (overdue) or late (published late).
    pub working_days: u32,
}

/// Completed plans whose results are still waiting (the default), due within `within` working
/// days, overdue, or were published late, most urgent first (staff).
pub fn deadlines(
    app: &App,
    actor: &Actor,
    p: &PlanDeadlineParams,
) -> Result<Vec<PlanDeadlineLine>, ServiceError> {
    actor.require(Action::ReadPlans)?;
    let kind = ReportKind::parse(p.state.as_deref())?;
    let within = p.within;
    let today = app.today();
    let conn = &mut *app.conn()?;
    let mut out = Vec::new();
    if kind == ReportKind::PublishedLate {
        for plan in store::plans::published_late(conn)? {
            let (Some(c), Some(p)) = (plan.completion.clone(), plan.results_publication.clone())
            else {
                continue;
            };
            out.push(PlanDeadlineLine {
                deadline: c.deadline,
                provisional: c.provisional,
                kind: Standing::PublishedLate,
                working_days: p.days_late.max(0) as u32,
                plan,
            });
        }
    } else {
        for plan in store::plans::awaiting_results(conn)? {
            let Some(c) = plan.completion.clone() else {
                continue;
            };
            let line = |working_days, kind| PlanDeadlineLine {
                deadline: c.deadline,
                provisional: c.provisional,
                kind,
                working_days,
                plan: plan.clone(),
            };
            if let Some((standing, n)) = standing(app, conn, kind, within, c.deadline, today)? {
                out.push(line(n, standing));
            }
        }
    }
    sort_lines(&mut out, |l| {
        (l.kind, l.working_days, l.deadline, l.plan.id)
    });
    Ok(out)
}

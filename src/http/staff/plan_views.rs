//! Plans as staff see them: the public view plus who took each step, drafts, every recorded
//! result with its notes, and the version.

use serde::Serialize;

use crate::domain::plan::record::PlanRecord;
use crate::domain::shanghai::format_utc;
use crate::http::public::plan_views::{
    self, PublicExclusion, PublicPlan, PublicResult, PublicTeamMember,
};
use crate::service::plans::PlanDetail;

#[derive(Serialize)]
pub struct StaffPlan {
    #[serde(flatten)]
    pub public: PublicPlan,
    pub version: i32,
    pub created_at: String,
    pub created_by: String,
    pub announced_by: Option<String>,
    pub drawn_by: Option<String>,
    pub completed_by: Option<String>,
    pub results_deadline_provisional: Option<bool>,
    pub results_published_by: Option<String>,
    pub voided_by: Option<String>,
}

impl From<&PlanRecord> for StaffPlan {
    fn from(p: &PlanRecord) -> Self {
        StaffPlan {
            public: PublicPlan::from(p),
            version: p.version,
            created_at: format_utc(p.created_at),
            created_by: p.created_by.clone(),
            announced_by: p.announcement.as_ref().map(|a| a.by.clone()),
            drawn_by: p.draw.as_ref().map(|d| d.by.clone()),
            completed_by: p.completion.as_ref().map(|c| c.by.clone()),
            results_deadline_provisional: p.completion.as_ref().map(|c| c.provisional),
            results_published_by: p.results_publication.as_ref().map(|r| r.by.clone()),
            voided_by: p.void.as_ref().map(|v| v.by.clone()),
        }
    }
}

#[derive(Serialize)]
pub struct StaffResult {
    #[serde(flatten)]
    pub public: PublicResult,
    pub notes: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

#[derive(Serialize)]
pub struct StaffSelection {
    pub pick: i32,
    pub credit_code: String,
    pub name: Option<String>,
    pub inspectors: Vec<PublicTeamMember>,
    pub result: Option<StaffResult>,
}

#[derive(Serialize)]
pub struct StaffPlanDetail {
    #[serde(flatten)]
    pub plan: StaffPlan,
    pub exclusions: Vec<PublicExclusion>,
    pub selections: Vec<StaffSelection>,
}

impl From<&PlanDetail> for StaffPlanDetail {
    fn from(d: &PlanDetail) -> Self {
        StaffPlanDetail {
            plan: StaffPlan::from(&d.plan),
            exclusions: plan_views::exclusions(d),
            selections: d
                .selections
                .iter()
                .map(|s| StaffSelection {
                    pick: s.pick,
                    credit_code: s.credit_code.clone(),
                    name: d.entity_names.get(&s.credit_code).cloned(),
                    inspectors: s
                        .inspectors
                        .iter()
                        .map(|c| plan_views::member(d, c))
                        .collect(),
                    result: d.result_of(s.pick).map(|r| StaffResult {
                        public: plan_views::result(d, r),
                        notes: r.fields.notes.clone(),
                        recorded_at: format_utc(r.recorded_at),
                        recorded_by: r.recorded_by.clone(),
                    }),
                })
                .collect(),
        }
    }
}

/// One line of the plans' deadline report.
#[derive(Serialize)]
pub struct PlanDeadlineView {
    pub id: i64,
    pub title: String,
    pub completed_on: Option<chrono::NaiveDate>,
    pub deadline: chrono::NaiveDate,
    pub deadline_provisional: bool,
    /// `due`, `overdue` or `published_late`.
    pub status: &'static str,
    pub working_days_left: Option<u32>,
    pub working_days_exceeded: Option<u32>,
}

impl From<&crate::service::plan_deadlines::PlanDeadlineLine> for PlanDeadlineView {
    fn from(l: &crate::service::plan_deadlines::PlanDeadlineLine) -> Self {
        use crate::service::deadlines::Standing;
        let (status, left, exceeded) = match l.kind {
            Standing::Due => ("due", Some(l.working_days), None),
            Standing::Overdue => ("overdue", None, Some(l.working_days)),
            Standing::PublishedLate => ("published_late", None, Some(l.working_days)),
        };
        PlanDeadlineView {
            id: l.plan.id,
            title: l.plan.fields.title.clone(),
            completed_on: l.plan.completion.as_ref().map(|c| c.on),
            deadline: l.deadline,
            deadline_provisional: l.provisional,
            status,
            working_days_left: left,
            working_days_exceeded: exceeded,
        }
    }
}

//! What the public may see of a random-inspection plan (一公开): the plan, its snapshot's hash,
//! the sources and key, who was drawn and who inspects them, and the results once published.
//! No staff notes and no one at the bureau who took each step; of the 回避 declarations only the
//! pairs the draw depends on (certificate number × category or credit code), frozen at
//! announcement and committed to, never their reasons.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::draw::commitment::PublicRoster;
use crate::domain::plan::record::{PlanRecord, StoredResult};
use crate::domain::plan::{Outcome, PlanStatus};
use crate::domain::shanghai::format_utc;
use crate::service::plans::PlanDetail;

#[derive(Serialize)]
pub struct PublicItemRef {
    pub id: i64,
    pub version: i32,
}

#[derive(Serialize)]
pub struct PublicSource {
    pub description: String,
    pub available_on: NaiveDate,
    /// The values used, once drawn.
    pub values: Option<Vec<u64>>,
}

#[derive(Serialize)]
pub struct PublicSnapshot {
    pub sha256: String,
    pub size: i32,
}

#[derive(Serialize)]
pub struct PublicVoid {
    pub voided_at: String,
    pub reason: String,
    /// The status it was voided from.
    pub from: PlanStatus,
}

/// A plan as the public sees it (a list item, and the head of the detail).
#[derive(Serialize)]
pub struct PublicPlan {
    pub id: i64,
    pub title: String,
    pub status: PlanStatus,
    pub status_label: &'static str,
    pub items: Vec<PublicItemRef>,
    pub categories: Vec<String>,
    pub districts: Vec<String>,
    pub sample_size: Option<u32>,
    pub sample_ratio: Option<f64>,
    pub team_size: u32,
    pub load_cap: Option<u32>,
    pub random_sources: Vec<PublicSource>,
    pub planned_month: String,
    pub responsible_unit: String,
    pub announced_at: Option<String>,
    pub snapshot: Option<PublicSnapshot>,
    /// SHA-256 of the canonical text of every input of the team stage (the frozen roster, its
    /// 回避 pairs, the category tree, team size, load cap, members' categories), published at
    /// announcement (`api-spec/draw-verification.md` §5a).
    pub stage2_sha256: Option<String>,
    /// Entities the draw picks (fixed at announcement).
    pub sample: Option<i32>,
    pub frequency_cap: Option<i32>,
    pub drawn_on: Option<NaiveDate>,
    pub key: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub results_deadline: Option<NaiveDate>,
    pub results_published_on: Option<NaiveDate>,
    pub results_days_late: Option<i32>,
    pub void: Option<PublicVoid>,
    /// The draw attempt when it was refused (its teams could not be staffed): when, and why. Its
    /// values are in `random_sources` and bind; the plan is `draw_failed` until voided.
    pub draw_attempt: Option<PublicDrawAttempt>,
}

impl From<&PlanRecord> for PublicPlan {
    fn from(p: &PlanRecord) -> Self {
        let f = &p.fields;
        let values = p.draw.as_ref().map(|d| &d.source_values);
        PublicPlan {
            id: p.id,
            title: f.title.clone(),
            status: p.status,
            status_label: p.status.label(),
            items: f
                .items
                .iter()
                .map(|i| PublicItemRef {
                    id: i.id,
                    version: i.version,
                })
                .collect(),
            categories: f
                .categories
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            districts: f.districts.iter().map(|d| d.as_str().to_string()).collect(),
            sample_size: match f.sample {
                crate::domain::plan::Sample::Size(n) => Some(n),
                crate::domain::plan::Sample::Ratio(_) => None,
            },
            sample_ratio: f.sample.ratio_value(),
            team_size: f.team_size,
            load_cap: f.load_cap,
            random_sources: f
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| PublicSource {
                    description: s.description.clone(),
                    available_on: s.available_on,
                    values: values.and_then(|v| v.get(i).cloned()),
                })
                .collect(),
            planned_month: f.planned_month.to_string(),
            responsible_unit: f.responsible_unit.clone(),
            announced_at: p.announcement.as_ref().map(|a| format_utc(a.at)),
            snapshot: p.announcement.as_ref().map(|a| PublicSnapshot {
                sha256: a.snapshot_sha256.clone(),
                size: a.snapshot_size,
            }),
            stage2_sha256: p
                .announcement
                .as_ref()
                .and_then(|a| a.stage2_sha256.clone()),
            sample: p.announcement.as_ref().map(|a| a.sample),
            frequency_cap: p.announcement.as_ref().and_then(|a| a.frequency_cap),
            drawn_on: p.draw.as_ref().map(|d| d.on),
            key: p.draw.as_ref().map(|d| d.key.clone()),
            completed_on: p.completion.as_ref().map(|c| c.on),
            results_deadline: p.completion.as_ref().map(|c| c.deadline),
            results_published_on: p.results_publication.as_ref().map(|r| r.on),
            results_days_late: p.results_publication.as_ref().map(|r| r.days_late),
            void: p.void.as_ref().map(|v| PublicVoid {
                voided_at: format_utc(v.at),
                reason: v.reason.clone(),
                from: v.from,
            }),
            draw_attempt: p.draw.as_ref().and_then(|d| {
                d.refusal.as_ref().map(|why| PublicDrawAttempt {
                    attempted_at: format_utc(d.at),
                    refused: why.clone(),
                })
            }),
        }
    }
}

/// A refused draw attempt, as the public sees it.
#[derive(Serialize)]
pub struct PublicDrawAttempt {
    pub attempted_at: String,
    /// Why the teams could not be staffed.
    pub refused: String,
}

/// An inspector by the public roster's fields.
#[derive(Serialize)]
pub struct PublicTeamMember {
    pub certificate_no: String,
    pub name: Option<String>,
    pub unit: Option<String>,
}

#[derive(Serialize)]
pub struct PublicExclusion {
    pub credit_code: String,
    pub name: Option<String>,
    /// Random inspections it already had in the plan's year.
    pub inspections: i32,
}

#[derive(Serialize)]
pub struct PublicResult {
    pub outcome: Outcome,
    pub outcome_label: &'static str,
    pub inspected_on: NaiveDate,
    pub inspectors: Vec<PublicTeamMember>,
}

#[derive(Serialize)]
pub struct PublicSelection {
    pub pick: i32,
    pub credit_code: String,
    pub name: Option<String>,
    pub inspectors: Vec<PublicTeamMember>,
    /// Only once the plan's results are published.
    pub result: Option<PublicResult>,
}

#[derive(Serialize)]
pub struct PublicPlanDetail {
    #[serde(flatten)]
    pub plan: PublicPlan,
    /// The roster as the plan froze it at announcement, in the canonical order the stage-2
    /// commitment hashes: "was this certificate valid then?" has a public answer.
    pub frozen_roster: Option<PublicRoster>,
    pub exclusions: Vec<PublicExclusion>,
    pub selections: Vec<PublicSelection>,
}

pub(crate) fn member(d: &PlanDetail, no: &str) -> PublicTeamMember {
    let known = d.inspectors.get(no);
    PublicTeamMember {
        certificate_no: no.to_string(),
        name: known.map(|(n, _)| n.clone()),
        unit: known.map(|(_, u)| u.clone()),
    }
}

pub(crate) fn result(d: &PlanDetail, r: &StoredResult) -> PublicResult {
    PublicResult {
        outcome: r.fields.outcome,
        outcome_label: r.fields.outcome.label(),
        inspected_on: r.fields.inspected_on,
        inspectors: r.fields.inspectors.iter().map(|c| member(d, c)).collect(),
    }
}

/// The entities left out at the yearly cap (public).
pub(crate) fn exclusions(d: &PlanDetail) -> Vec<PublicExclusion> {
    d.exclusions
        .iter()
        .map(|e| PublicExclusion {
            credit_code: e.credit_code.clone(),
            name: d.entity_names.get(&e.credit_code).cloned(),
            inspections: e.inspections,
        })
        .collect()
}

impl From<&PlanDetail> for PublicPlanDetail {
    fn from(d: &PlanDetail) -> Self {
        PublicPlanDetail {
            plan: PublicPlan::from(&d.plan),
            frozen_roster: d.frozen_roster.clone(),
            exclusions: exclusions(d),
            selections: selections(d),
        }
    }
}

/// The detail's selections as the public sees them: each entity and its team, and its result
/// once the plan's results are published.
pub(crate) fn selections(d: &PlanDetail) -> Vec<PublicSelection> {
    let published = d.plan.status == PlanStatus::ResultsPublished;
    d.selections
        .iter()
        .map(|s| PublicSelection {
            pick: s.pick,
            credit_code: s.credit_code.clone(),
            name: d.entity_names.get(&s.credit_code).cloned(),
            inspectors: s.inspectors.iter().map(|c| member(d, c)).collect(),
            result: published
                .then(|| d.result_of(s.pick))
                .flatten()
                .map(|r| result(d, r)),
        })
        .collect()
}

//! The progress of a decision (DESIGN §7): draft → submitted → approved → published → withdrawn or
//! repaired; a reviewer's rejection returns it to draft; a decision logged by mistake is
//! discarded (draft, submitted or approved → discarded: never public, kept with its number and
//! the reason). Expiry is not a transition: a published decision is expired from the day after
//! its publicity ends (see `publicity`). Nothing is ever deleted.

use chrono::{NaiveDate, NaiveDateTime};

use super::kinds::Severity;
use super::publicity::{publishable, NotPublishable, PublicationSettings};
use super::record::{PenaltyRecord, Progress, Shown};
use crate::domain::calendar::Deadline;
use crate::domain::policy::{self, Action};
use crate::domain::role::Role;

pub use super::state::State;

/// What staff do to a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Reject,
    Publish,
    Withdraw,
    Repair,
    Discard,
}

impl Step {
    /// The step called `name` (`submit`, `approve`, …), as the API's and the console's paths
    /// name it.
    pub fn parse(name: &str) -> Option<Step> {
        STEPS.into_iter().find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::Reject => "reject",
            Step::Publish => "publish",
            Step::Withdraw => "withdraw",
            Step::Repair => "repair",
            Step::Discard => "discard",
        }
    }
}

/// A step the current state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {} decision cannot be {}; that is allowed only from {}", .from.code(), past(.step), allowed(.step))]
pub struct InvalidTransition {
    pub from: State,
    pub step: Step,
}

impl Step {
    /// The step as staff name it.
    pub fn zh(self) -> &'static str {
        match self {
            Step::Submit => "提交审核",
            Step::Approve => "审核通过",
            Step::Reject => "退回修改",
            Step::Publish => "公示",
            Step::Withdraw => "撤下公示",
            Step::Repair => "信用修复",
            Step::Discard => "作废",
        }
    }
}

impl InvalidTransition {
    /// The refusal in Chinese: the state, the step, and the states it is allowed from.
    pub fn zh(&self) -> String {
        let from: Vec<String> = State::ALL
            .iter()
            .filter(|s| next(**s, self.step).is_ok())
            .map(|s| format!("“{}”", s.label()))
            .collect();
        format!(
            "“{}”状态的处罚决定不能{}；只有{}状态的可以",
            self.from.label(),
            self.step.zh(),
            from.join("或")
        )
    }
}

impl Refusal {
    /// The refusal in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Refusal::Role { role, .. } => format!("“{}”角色不能执行此操作", role.label()),
            Refusal::Expired { step, ended } => {
                format!("此处罚决定的公示期已于 {ended} 届满，不能再{}", step.zh())
            }
            Refusal::EventBeforeDecision { event, decision } => {
                format!("撤销或变更日期 {event} 早于处罚决定日期 {decision}")
            }
            Refusal::Transition(t) => t.zh(),
            Refusal::DrafterApproves { name } => format!(
                "{name} 起草或修改过此处罚决定，不能审核通过（先审后发：审核人不能是起草人）"
            ),
            Refusal::NotDrafter { name } => {
                format!("{name} 不是此处罚决定的起草人：只有起草人或审核人可以作废它")
            }
            Refusal::NotPublishable(n) => n.zh().to_string(),
            Refusal::RepairTooEarly { min_end } => {
                format!("最短公示期届满（{min_end}）之后才能办理信用修复")
            }
        }
    }
}

fn past(step: &Step) -> &'static str {
    match step {
        Step::Submit => "submitted",
        Step::Approve => "approved",
        Step::Reject => "rejected",
        Step::Publish => "published",
        Step::Withdraw => "withdrawn",
        Step::Repair => "repaired",
        Step::Discard => "discarded",
    }
}

fn allowed(step: &Step) -> String {
    let from: Vec<&str> = State::ALL
        .iter()
        .filter(|s| next(**s, *step).is_ok())
        .map(|s| s.code())
        .collect();
    from.join(" or ")
}

/// The state after `step`, or why not.
pub fn next(from: State, step: Step) -> Result<State, InvalidTransition> {
    use State::*;
    let to = match (from, step) {
        (Draft, Step::Submit) => Submitted,
        (Submitted, Step::Approve) => Approved,
        (Submitted, Step::Reject) => Draft,
        (Approved, Step::Publish) => Published,
        (Published, Step::Withdraw) => Withdrawn,
        (Published, Step::Repair) => Repaired,
        (Draft | Submitted | Approved, Step::Discard) => Discarded,
        _ => return Err(InvalidTransition { from, step }),
    };
    Ok(to)
}

/// Who may take a step: submit is a clerk's (it is part of drafting), discard a drafter's or a
/// reviewer's ([`precheck`] checks that a clerk drafted it), every other step a reviewer's.
impl Step {
    pub fn action(self) -> Action {
        match self {
            Step::Submit => Action::DraftPenalties,
            Step::Discard => Action::DiscardPenalties,
            _ => Action::ReviewPenalties,
        }
    }
}

/// A step with its inputs checked, and the facts the step needs that only the service can look
/// up (the authority's settings, the calendar's answers), so that deciding it is pure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Submit,
    Approve,
    /// `reason` is shown to the clerk.
    Reject {
        reason: String,
    },
    /// `working_days_late`: working days after the publication deadline, today (0 when on time).
    Publish {
        settings: PublicationSettings,
        working_days_late: i32,
    },
    /// `reason` is shown to the public; `deadline` is the withdrawal's, from `event_date`.
    Withdraw {
        reason: String,
        event_date: NaiveDate,
        deadline: Deadline,
    },
    /// 信用修复: who applied, their public commitment, the evidence obligations were met.
    Repair {
        applicant: String,
        commitment: String,
        evidence: String,
    },
    /// A decision logged by mistake: `reason` is kept (staff only) and shown in the number
    /// register beside its number.
    Discard {
        reason: String,
    },
}

impl Command {
    pub fn step(&self) -> Step {
        match self {
            Command::Submit => Step::Submit,
            Command::Approve => Step::Approve,
            Command::Reject { .. } => Step::Reject,
            Command::Publish { .. } => Step::Publish,
            Command::Withdraw { .. } => Step::Withdraw,
            Command::Repair { .. } => Step::Repair,
            Command::Discard { .. } => Step::Discard,
        }
    }
}

/// Who takes a step: an account's name and role, or the operator at the command line (`None`:
/// may take any step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taker<'a> {
    pub name: &'a str,
    pub role: Option<Role>,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The role may not take this step.
    #[error("role '{role}' may not take this step")]
    Role { role: Role, action: Action },
    /// Withdrawing or repairing a decision whose publicity has ended.
    #[error("an expired decision cannot be {}: its publicity ended on {ended}", past(.step))]
    Expired { step: Step, ended: NaiveDate },
    /// The withdrawal's event is before the decision itself.
    #[error("event_date {event} is before the decision date {decision}")]
    EventBeforeDecision {
        event: NaiveDate,
        decision: NaiveDate,
    },
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    /// 先审后发: the approver is not one of the drafters.
    #[error("{name} drafted this decision and may not approve it (先审后发: the approver is not the drafter)")]
    DrafterApproves { name: String },
    /// The authority does not publish decisions of this kind.
    #[error(transparent)]
    NotPublishable(#[from] NotPublishable),
    /// A clerk discards only a decision they drafted (a reviewer any of their authority's).
    #[error(
        "{name} did not draft this decision: only one of its drafters or a reviewer may discard it"
    )]
    NotDrafter { name: String },
    /// 信用修复 only after the minimum publicity period.
    #[error(
        "信用修复 is possible only after the minimum publicity period, which ends on {min_end}"
    )]
    RepairTooEarly { min_end: NaiveDate },
}

/// Whether `taker` may take `step` on the decision today, before anything the step needs is
/// looked up: the role, expiry (withdraw, repair), the withdrawal's event date, the state.
/// [`decide`] asks it first.
pub fn precheck(
    before: &PenaltyRecord,
    step: Step,
    event_date: Option<NaiveDate>,
    taker: Taker<'_>,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if let Some(role) = taker.role {
        if !policy::permits(role, step.action()) {
            return Err(Refusal::Role {
                role,
                action: step.action(),
            });
        }
    }
    if matches!(step, Step::Withdraw | Step::Repair) && before.shown_state(today) == Shown::Expired
    {
        return Err(Refusal::Expired {
            step,
            ended: before.progress.publicity_max_end,
        });
    }
    if step == Step::Discard
        && taker.role == Some(Role::Clerk)
        && !before
            .progress
            .workflow
            .drafters
            .iter()
            .any(|d| d == taker.name)
    {
        return Err(Refusal::NotDrafter {
            name: taker.name.to_string(),
        });
    }
    if let (Step::Withdraw, Some(event)) = (step, event_date) {
        if event < before.fields.decision_date {
            return Err(Refusal::EventBeforeDecision {
                event,
                decision: before.fields.decision_date,
            });
        }
    }
    next(before.progress.state, step)?;
    Ok(())
}

/// Every step, in the order a decision meets them.
pub const STEPS: [Step; 7] = [
    Step::Submit,
    Step::Approve,
    Step::Reject,
    Step::Publish,
    Step::Withdraw,
    Step::Repair,
    Step::Discard,
];

/// The steps `taker` may offer on the decision today (the console shows exactly these): those
/// [`precheck`] allows, without the approval of a decision the taker drafted (先审后发). A
/// withdrawal's event date and a step's own rule (publishability, the minimum publicity period
/// of a repair) are judged when it is taken.
pub fn offered(before: &PenaltyRecord, taker: Taker<'_>, today: NaiveDate) -> Vec<Step> {
    STEPS
        .into_iter()
        .filter(|step| precheck(before, *step, None, taker, today).is_ok())
        .filter(|step| {
            *step != Step::Approve
                || !before
                    .progress
                    .workflow
                    .drafters
                    .iter()
                    .any(|d| d == taker.name)
        })
        .collect()
}

/// The decision's progress after `command`, taken by `taker` at `now` (on `today` in
/// Asia/Shanghai), or why the step is refused: [`precheck`], then the step's own rule
/// (separation of duties, publishability, the minimum publicity period). The version is the
/// caller's to check.
pub fn decide(
    before: &PenaltyRecord,
    command: &Command,
    taker: Taker<'_>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Progress, Refusal> {
    let step = command.step();
    let event_date = match command {
        Command::Withdraw { event_date, .. } => Some(*event_date),
        _ => None,
    };
    precheck(before, step, event_date, taker, today)?;
    let mut progress = before.progress.clone();
    progress.state = next(before.progress.state, step)?;
    progress.version += 1;
    progress.updated_at = now;
    let by = Some(taker.name.to_string());
    let w = &mut progress.workflow;
    match command {
        Command::Submit => {
            w.submitted_by = by;
            w.submitted_at = Some(now);
            w.rejection_reason = None;
            w.rejected_by = None;
        }
        Command::Approve => {
            if w.drafters.iter().any(|d| d == taker.name) {
                return Err(Refusal::DrafterApproves {
                    name: taker.name.to_string(),
                });
            }
            w.approved_by = by;
            w.approved_at = Some(now);
        }
        Command::Reject { reason } => {
            w.rejected_by = by;
            w.rejection_reason = Some(reason.clone());
            w.submitted_by = None;
            w.submitted_at = None;
        }
        Command::Publish {
            settings,
            working_days_late,
        } => {
            let f = &before.fields;
            publishable(*settings, f.procedure, &f.penalty_types, f.severity)?;
            w.published_by = by;
            progress.published_at = Some(now);
            progress.published_on = Some(today);
            progress.working_days_late = Some(*working_days_late);
            if settings.publish_minor && f.severity == Severity::Minor {
                // A minor decision an authority publishes shows at most 3 months.
                let cap = f
                    .decision_date
                    .checked_add_months(chrono::Months::new(3))
                    .unwrap_or(progress.publicity_max_end);
                progress.publicity_max_end = progress.publicity_max_end.min(cap);
            }
        }
        Command::Withdraw {
            reason,
            event_date,
            deadline,
        } => {
            w.withdrawn_by = by;
            w.withdrawn_at = Some(now);
            w.withdrawal_reason = Some(reason.clone());
            progress.withdrawal_event_date = Some(*event_date);
            progress.withdrawal_deadline = Some(deadline.date);
            progress.withdrawal_deadline_provisional = Some(deadline.provisional);
            progress.withdrawn_on = Some(today);
        }
        Command::Repair {
            applicant,
            commitment,
            evidence,
        } => {
            if today <= before.progress.publicity_min_end {
                return Err(Refusal::RepairTooEarly {
                    min_end: before.progress.publicity_min_end,
                });
            }
            w.repaired_by = by;
            w.repaired_at = Some(now);
            w.repair_applicant = Some(applicant.clone());
            w.repair_commitment = Some(commitment.clone());
            w.repair_evidence = Some(evidence.clone());
        }
        Command::Discard { reason } => {
            w.discarded_by = by;
            w.discarded_at = Some(now);
            w.discard_reason = Some(reason.clone());
        }
    }
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::penalty::fields::{OtherCodes, PenaltyFields};
    use crate::domain::penalty::kinds::{PartyKind, PenaltyType, Procedure};
    use crate::domain::penalty::number::DecisionNumber;
    use crate::domain::penalty::record::Workflow;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// A fine decided 2026-03-02 by an ordinary procedure, drafted by `wang`, in `state`; its
    /// publicity runs 3 months minimum, 3 years maximum.
    fn record(state: State, severity: Severity) -> PenaltyRecord {
        let number = DecisionNumber::allocated("银文旅罚", 2026, 12);
        PenaltyRecord {
            id: 7,
            authority_id: 1,
            decision_number: number.clone(),
            fields: PenaltyFields {
                decision_number: Some(number),
                party_kind: PartyKind::LegalPerson,
                party_name: "银川星光网吧有限公司".into(),
                party_credit_code: None,
                party_other_codes: OtherCodes::default(),
                legal_representative: None,
                party_id_type: None,
                party_id_number: None,
                party_address: None,
                violation_type: "擅自变更名称".into(),
                facts: "经查".into(),
                legal_basis: "《互联网上网服务营业场所管理条例》第二十七条".into(),
                penalty_types: [PenaltyType::Fine].into(),
                content: "罚款人民币五千元".into(),
                fine_fen: Some(500_000),
                confiscation_fen: None,
                licence_affected: None,
                decision_date: day("2026-03-02"),
                procedure: Procedure::Ordinary,
                severity,
                severity_reason: None,
                case_officers: vec![],
                entity_credit_code: None,
                internal_notes: None,
            },
            public_name: "银川星光网吧有限公司".into(),
            imported: false,
            created_by: "wang".into(),
            created_at: at("2026-03-02 01:00:00"),
            progress: Progress {
                state,
                version: 3,
                workflow: Workflow {
                    drafters: vec!["wang".into()],
                    ..Workflow::default()
                },
                publication_deadline: day("2026-03-11"),
                publication_deadline_provisional: false,
                publicity_min_end: day("2026-06-02"),
                publicity_max_end: day("2029-03-02"),
                published_at: None,
                published_on: None,
                working_days_late: None,
                withdrawal_event_date: None,
                withdrawal_deadline: None,
                withdrawal_deadline_provisional: None,
                withdrawn_on: None,
                updated_at: at("2026-03-02 01:00:00"),
            },
        }
    }

    const CLERK: Taker<'static> = Taker {
        name: "wang",
        role: Some(Role::Clerk),
    };
    const REVIEWER: Taker<'static> = Taker {
        name: "zhao",
        role: Some(Role::Reviewer),
    };

    fn publish() -> Command {
        Command::Publish {
            settings: PublicationSettings::default(),
            working_days_late: 2,
        }
    }

    fn withdraw(event: &str) -> Command {
        Command::Withdraw {
            reason: "复议撤销".into(),
            event_date: day(event),
            deadline: Deadline {
                date: day("2026-04-09"),
                provisional: false,
            },
        }
    }

    fn repair() -> Command {
        Command::Repair {
            applicant: "银川星光网吧有限公司".into(),
            commitment: "守法经营".into(),
            evidence: "已缴纳罚款".into(),
        }
    }

    #[test]
    fn each_role_is_offered_exactly_the_steps_it_may_take_in_each_state() {
        let today = day("2026-03-05");
        let other_clerk = Taker {
            name: "li",
            role: Some(Role::Clerk),
        };
        // A reviewer who edited the draft (so drafted it) may not approve it.
        let drafting_reviewer = Taker {
            name: "wang",
            role: Some(Role::Reviewer),
        };
        let admin = Taker {
            name: "root",
            role: Some(Role::Admin),
        };
        use Step::*;
        for (state, taker, steps) in [
            (State::Draft, CLERK, vec![Submit, Discard]),
            (State::Draft, other_clerk, vec![Submit]),
            (State::Draft, REVIEWER, vec![Discard]),
            (State::Submitted, CLERK, vec![Discard]),
            (State::Submitted, REVIEWER, vec![Approve, Reject, Discard]),
            (State::Submitted, drafting_reviewer, vec![Reject, Discard]),
            (State::Approved, CLERK, vec![Discard]),
            (State::Approved, REVIEWER, vec![Publish, Discard]),
            (State::Published, CLERK, vec![]),
            (State::Published, REVIEWER, vec![Withdraw, Repair]),
            (State::Withdrawn, REVIEWER, vec![]),
            (State::Repaired, REVIEWER, vec![]),
            (State::Discarded, REVIEWER, vec![]),
            (State::Discarded, CLERK, vec![]),
        ] {
            let r = record(state, Severity::General);
            let got = offered(&r, taker, today);
            assert_eq!(got, steps, "{state:?} as {} ({:?})", taker.name, taker.role);
            // Every step offered passes the check the step itself makes first.
            for s in &got {
                assert!(precheck(&r, *s, None, taker, today).is_ok());
            }
        }
        // An admin's role is checked by the policy like any other.
        for state in State::ALL {
            for s in offered(&record(*state, Severity::General), admin, today) {
                assert!(policy::permits(Role::Admin, s.action()), "{s:?}");
            }
        }
        // Past its publicity period a decision offers nothing more.
        let expired = record(State::Published, Severity::General);
        assert!(offered(&expired, REVIEWER, day("2029-03-03")).is_empty());
    }

    #[test]
    fn each_step_records_who_when_and_what_and_moves_the_version() {
        let today = day("2026-03-05");
        let now = at("2026-03-05 02:00:00");
        let p = decide(
            &record(State::Draft, Severity::General),
            &Command::Submit,
            CLERK,
            today,
            now,
        )
        .unwrap();
        assert_eq!(
            (p.state, p.version, p.updated_at),
            (State::Submitted, 4, now)
        );
        assert_eq!(p.workflow.submitted_by.as_deref(), Some("wang"));
        let p = decide(
            &record(State::Submitted, Severity::General),
            &Command::Approve,
            REVIEWER,
            today,
            now,
        )
        .unwrap();
        assert_eq!(p.workflow.approved_by.as_deref(), Some("zhao"));
        let mut submitted = record(State::Submitted, Severity::General);
        submitted.progress.workflow.submitted_by = Some("wang".into());
        let p = decide(
            &submitted,
            &Command::Reject {
                reason: "事实不清".into(),
            },
            REVIEWER,
            today,
            now,
        )
        .unwrap();
        assert_eq!(p.state, State::Draft);
        assert_eq!(p.workflow.rejection_reason.as_deref(), Some("事实不清"));
        assert_eq!(p.workflow.submitted_by, None);
        let p = decide(
            &record(State::Approved, Severity::General),
            &publish(),
            REVIEWER,
            today,
            now,
        )
        .unwrap();
        assert_eq!(p.state, State::Published);
        assert_eq!(
            (p.published_on, p.working_days_late),
            (Some(today), Some(2))
        );
        assert_eq!(p.publicity_max_end, day("2029-03-02"), "not minor: no cap");
        let p = decide(
            &record(State::Published, Severity::General),
            &withdraw("2026-03-04"),
            REVIEWER,
            today,
            now,
        )
        .unwrap();
        assert_eq!(p.state, State::Withdrawn);
        assert_eq!(p.withdrawal_deadline, Some(day("2026-04-09")));
        assert_eq!(p.withdrawal_event_date, Some(day("2026-03-04")));
        assert_eq!(p.withdrawn_on, Some(today));
        assert_eq!(p.workflow.withdrawal_reason.as_deref(), Some("复议撤销"));
    }

    #[test]
    fn a_minor_decision_an_authority_publishes_shows_at_most_three_months() {
        let settings = PublicationSettings {
            publish_minor: true,
            ..PublicationSettings::default()
        };
        let command = Command::Publish {
            settings,
            working_days_late: 0,
        };
        let p = decide(
            &record(State::Approved, Severity::Minor),
            &command,
            REVIEWER,
            day("2026-03-05"),
            at("2026-03-05 02:00:00"),
        )
        .unwrap();
        assert_eq!(p.publicity_max_end, day("2026-06-02"));
        // An authority that does not publish minor decisions refuses to.
        let refused = decide(
            &record(State::Approved, Severity::Minor),
            &publish(),
            REVIEWER,
            day("2026-03-05"),
            at("2026-03-05 02:00:00"),
        );
        assert_eq!(refused, Err(Refusal::NotPublishable(NotPublishable::Minor)));
    }

    #[test]
    fn refusals_name_what_stops_the_step() {
        let now = at("2026-03-05 02:00:00");
        let today = day("2026-03-05");
        let general = Severity::General;
        // The role.
        assert!(matches!(
            decide(
                &record(State::Approved, general),
                &publish(),
                CLERK,
                today,
                now
            ),
            Err(Refusal::Role {
                role: Role::Clerk,
                ..
            })
        ));
        assert!(matches!(
            decide(
                &record(State::Draft, general),
                &Command::Submit,
                REVIEWER,
                today,
                now
            ),
            Err(Refusal::Role {
                role: Role::Reviewer,
                ..
            })
        ));
        // The operator at the command line may take any step.
        let operator = Taker {
            name: "cli",
            role: None,
        };
        assert!(decide(
            &record(State::Draft, general),
            &Command::Submit,
            operator,
            today,
            now
        )
        .is_ok());
        // 先审后发: a reviewer who drafted it may not approve it.
        let mut drafted = record(State::Submitted, general);
        drafted.progress.workflow.drafters.push("zhao".into());
        let e = decide(&drafted, &Command::Approve, REVIEWER, today, now).unwrap_err();
        assert_eq!(
            e.to_string(),
            "zhao drafted this decision and may not approve it (先审后发: the approver is not the drafter)"
        );
        // The state.
        assert_eq!(
            decide(
                &record(State::Draft, general),
                &publish(),
                REVIEWER,
                today,
                now
            ),
            Err(Refusal::Transition(InvalidTransition {
                from: State::Draft,
                step: Step::Publish
            }))
        );
        // A withdrawal's event before the decision itself.
        let e = decide(
            &record(State::Published, general),
            &withdraw("2026-03-01"),
            REVIEWER,
            today,
            now,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "event_date 2026-03-01 is before the decision date 2026-03-02"
        );
        // 信用修复 before the minimum period ends (on its last day too), and after it.
        for (today, ok) in [("2026-06-02", false), ("2026-06-03", true)] {
            let result = decide(
                &record(State::Published, general),
                &repair(),
                REVIEWER,
                day(today),
                now,
            );
            assert_eq!(result.is_ok(), ok, "{today}");
            if !ok {
                assert_eq!(
                    result.unwrap_err(),
                    Refusal::RepairTooEarly {
                        min_end: day("2026-06-02")
                    }
                );
            }
        }
        // An expired decision is neither withdrawn nor repaired: the day after its publicity.
        for command in [withdraw("2026-03-04"), repair()] {
            let e = decide(
                &record(State::Published, general),
                &command,
                REVIEWER,
                day("2029-03-03"),
                now,
            )
            .unwrap_err();
            assert!(matches!(e, Refusal::Expired { .. }), "{e}");
            assert!(
                e.to_string().ends_with("its publicity ended on 2029-03-02"),
                "{e}"
            );
            assert!(
                decide(
                    &record(State::Published, general),
                    &command,
                    REVIEWER,
                    day("2029-03-02"),
                    now
                )
                .is_ok(),
                "its last day"
            );
        }
    }

    #[test]
    fn precheck_refuses_exactly_what_decide_refuses_before_the_steps_own_rule() {
        let now = at("2026-03-05 02:00:00");
        let today = day("2026-03-05");
        for state in State::ALL {
            for (command, taker) in [
                (Command::Submit, CLERK),
                (Command::Approve, REVIEWER),
                (Command::Reject { reason: "x".into() }, REVIEWER),
                (publish(), REVIEWER),
                (withdraw("2026-03-04"), REVIEWER),
                (repair(), REVIEWER),
                (publish(), CLERK),
                (Command::Discard { reason: "x".into() }, CLERK),
                (Command::Discard { reason: "x".into() }, REVIEWER),
                (Command::Discard { reason: "x".into() }, OTHER_CLERK),
            ] {
                let r = record(*state, Severity::General);
                let event = match &command {
                    Command::Withdraw { event_date, .. } => Some(*event_date),
                    _ => None,
                };
                let pre = precheck(&r, command.step(), event, taker, today);
                let full = decide(&r, &command, taker, today, now);
                if let Err(e) = pre {
                    assert_eq!(full, Err(e), "{state:?} {command:?}");
                }
            }
        }
    }

    const STEPS: [Step; 7] = [
        Step::Submit,
        Step::Approve,
        Step::Reject,
        Step::Publish,
        Step::Withdraw,
        Step::Repair,
        Step::Discard,
    ];

    const OTHER_CLERK: Taker<'static> = Taker {
        name: "li",
        role: Some(Role::Clerk),
    };

    /// A decision logged by mistake is discarded before it is public, by one of its drafters or
    /// a reviewer, and keeps who, when and why.
    #[test]
    fn a_drafter_or_a_reviewer_discards_what_is_not_yet_public() {
        let today = day("2026-03-05");
        let now = at("2026-03-05 02:00:00");
        let discard = Command::Discard {
            reason: "重复录入".into(),
        };
        for state in [State::Draft, State::Submitted, State::Approved] {
            for taker in [CLERK, REVIEWER] {
                let p = decide(
                    &record(state, Severity::General),
                    &discard,
                    taker,
                    today,
                    now,
                )
                .unwrap();
                assert_eq!(p.state, State::Discarded);
                assert_eq!(p.workflow.discarded_by.as_deref(), Some(taker.name));
                assert_eq!(p.workflow.discarded_at, Some(now));
                assert_eq!(p.workflow.discard_reason.as_deref(), Some("重复录入"));
            }
            assert_eq!(
                decide(
                    &record(state, Severity::General),
                    &discard,
                    OTHER_CLERK,
                    today,
                    now
                ),
                Err(Refusal::NotDrafter { name: "li".into() })
            );
        }
        for state in [
            State::Published,
            State::Withdrawn,
            State::Repaired,
            State::Discarded,
        ] {
            assert!(
                matches!(
                    decide(
                        &record(state, Severity::General),
                        &discard,
                        REVIEWER,
                        today,
                        now
                    ),
                    Err(Refusal::Transition(_))
                ),
                "{state:?}"
            );
        }
        // An admin's role does not discard; the operator at the command line may.
        let admin = Taker {
            name: "root",
            role: Some(Role::Admin),
        };
        assert!(matches!(
            decide(
                &record(State::Draft, Severity::General),
                &discard,
                admin,
                today,
                now
            ),
            Err(Refusal::Role { .. })
        ));
        let operator = Taker {
            name: "cli",
            role: None,
        };
        assert!(decide(
            &record(State::Draft, Severity::General),
            &discard,
            operator,
            today,
            now
        )
        .is_ok());
    }

    /// The whole table, written out: every (state, step) pair.
    #[test]
    fn the_transition_table() {
        use State::*;
        let allowed = [
            (Draft, Step::Submit, Submitted),
            (Submitted, Step::Approve, Approved),
            (Submitted, Step::Reject, Draft),
            (Approved, Step::Publish, Published),
            (Published, Step::Withdraw, Withdrawn),
            (Published, Step::Repair, Repaired),
            (Draft, Step::Discard, Discarded),
            (Submitted, Step::Discard, Discarded),
            (Approved, Step::Discard, Discarded),
        ];
        for from in State::ALL {
            for step in STEPS {
                let expected = allowed
                    .iter()
                    .find(|(f, s, _)| f == from && *s == step)
                    .map(|(_, _, to)| *to);
                assert_eq!(next(*from, step).ok(), expected, "{from:?} {step:?}");
            }
        }
    }

    #[test]
    fn a_refusal_names_both_states() {
        let e = next(State::Draft, Step::Publish).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a draft decision cannot be published; that is allowed only from approved"
        );
        let e = next(State::Withdrawn, Step::Withdraw).unwrap_err();
        assert!(e.to_string().contains("withdrawn"));
    }
}

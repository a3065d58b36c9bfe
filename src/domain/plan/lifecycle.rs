//! A plan's lifecycle: draft → announced → drawn → in progress → completed → results
//! published, and voided (with a public reason) from any state before its results are out. A
//! draw refused for want of inspectors leaves the plan `draw_failed`, its values public and
//! binding, until it is voided (issue 26): no second attempt.

use crate::domain::entity::labelled_enum;

labelled_enum! {
    PlanStatus {
        Draft = "draft", "草稿";
        Announced = "announced", "已公告";
        Drawn = "drawn", "已抽取";
        DrawFailed = "draw_failed", "抽取未成功";
        InProgress = "in_progress", "检查中";
        Completed = "completed", "已完成";
        ResultsPublished = "results_published", "结果已公示";
        Voided = "voided", "已作废";
    }
}

/// What moves a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Announce,
    Draw,
    /// A draw attempt whose teams could not be staffed.
    DrawRefused,
    /// Recording (or correcting) one entity's result.
    RecordResult,
    Complete,
    PublishResults,
    Void,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Announce => "announce",
            Step::Draw => "draw",
            Step::DrawRefused => "have a draw refused",
            Step::RecordResult => "record a result",
            Step::Complete => "complete",
            Step::PublishResults => "publish the results",
            Step::Void => "void",
        }
    }
}

/// The status `step` leads to from `from`, or `None` when it may not be taken there.
pub fn next(from: PlanStatus, step: Step) -> Option<PlanStatus> {
    use PlanStatus::*;
    match (from, step) {
        (Draft, Step::Announce) => Some(Announced),
        (Announced, Step::Draw) => Some(Drawn),
        (Announced, Step::DrawRefused) => Some(DrawFailed),
        (Drawn | InProgress, Step::RecordResult) => Some(InProgress),
        (InProgress, Step::Complete) => Some(Completed),
        (Completed, Step::PublishResults) => Some(ResultsPublished),
        (Draft | Announced | DrawFailed | Drawn | InProgress | Completed, Step::Void) => {
            Some(Voided)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table, written out.
    #[test]
    fn every_status_and_step() {
        use PlanStatus::*;
        let steps = [
            Step::Announce,
            Step::Draw,
            Step::DrawRefused,
            Step::RecordResult,
            Step::Complete,
            Step::PublishResults,
            Step::Void,
        ];
        let expected: &[(PlanStatus, [Option<PlanStatus>; 7])] = &[
            (
                Draft,
                [Some(Announced), None, None, None, None, None, Some(Voided)],
            ),
            (
                Announced,
                [
                    None,
                    Some(Drawn),
                    Some(DrawFailed),
                    None,
                    None,
                    None,
                    Some(Voided),
                ],
            ),
            (
                DrawFailed,
                [None, None, None, None, None, None, Some(Voided)],
            ),
            (
                Drawn,
                [None, None, None, Some(InProgress), None, None, Some(Voided)],
            ),
            (
                InProgress,
                [
                    None,
                    None,
                    None,
                    Some(InProgress),
                    Some(Completed),
                    None,
                    Some(Voided),
                ],
            ),
            (
                Completed,
                [
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(ResultsPublished),
                    Some(Voided),
                ],
            ),
            (ResultsPublished, [None; 7]),
            (Voided, [None; 7]),
        ];
        assert_eq!(expected.len(), PlanStatus::ALL.len());
        for (from, row) in expected {
            for (step, to) in steps.iter().zip(row) {
                assert_eq!(next(*from, *step), *to, "{from:?} {step:?}");
            }
        }
    }
}

//! The life of a decision (DESIGN §7): draft → submitted → approved → published → withdrawn or
//! repaired; a reviewer's rejection returns it to draft. Expiry is not a transition: a published
//! decision is expired from the day after its publicity ends (see `publicity`). Nothing is ever
//! deleted.

use crate::domain::entity::labelled_enum;

labelled_enum! {
    /// A decision's stored state.
    State {
        Draft = "draft", "草稿";
        Submitted = "submitted", "待审核";
        Approved = "approved", "已审核";
        Published = "published", "已公示";
        Withdrawn = "withdrawn", "已撤回";
        Repaired = "repaired", "已信用修复";
    }
}

/// What staff do to a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Reject,
    Publish,
    Withdraw,
    Repair,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::Reject => "reject",
            Step::Publish => "publish",
            Step::Withdraw => "withdraw",
            Step::Repair => "repair",
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

fn past(step: &Step) -> &'static str {
    match step {
        Step::Submit => "submitted",
        Step::Approve => "approved",
        Step::Reject => "rejected",
        Step::Publish => "published",
        Step::Withdraw => "withdrawn",
        Step::Repair => "repaired",
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
        _ => return Err(InvalidTransition { from, step }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: [Step; 6] = [
        Step::Submit,
        Step::Approve,
        Step::Reject,
        Step::Publish,
        Step::Withdraw,
        Step::Repair,
    ];

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

//! The publication events a feed announces (DESIGN §9, issue 14): a decision published, a
//! decision withdrawn (its notice carries the public reason), and a decision's publicity ended
//! (its period ran out at midnight Asia/Shanghai, or 信用修复 ended it early). Pure: the events
//! of records at an instant.

use chrono::NaiveDateTime;

use super::record::{PenaltyRecord, Progress};
use super::workflow::State;
use crate::domain::shanghai;

/// How many events a feed holds.
pub const LENGTH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Published,
    Withdrawn,
    PublicityEnded,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Published => "published",
            Kind::Withdrawn => "withdrawn",
            Kind::PublicityEnded => "publicity-ended",
        }
    }
}

/// One event: what happened to which decision, when (naive UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub penalty_id: i64,
    pub kind: Kind,
    pub at: NaiveDateTime,
}

impl Event {
    /// A stable id: the same event has the same id in every answer and on every instance.
    pub fn id(&self) -> String {
        format!(
            "urn:gongshi:penalty:{}:{}",
            self.penalty_id,
            self.kind.code()
        )
    }
}

/// The events of decision `id` with this `progress` that have happened by `now`. Once a decision's
/// publicity has ended, only that event remains: the public may no longer see what it was
/// published with.
pub fn events_of(id: i64, progress: &Progress, now: NaiveDateTime) -> Vec<Event> {
    let event = |kind, at| Event {
        penalty_id: id,
        kind,
        at,
    };
    let ended = match progress.state {
        State::Published | State::Withdrawn => {
            // The last day shown is publicity_max_end; it ends at the next midnight.
            progress
                .publicity_max_end
                .succ_opt()
                .map(shanghai::start_of_day_utc)
        }
        State::Repaired => progress.workflow.repaired_at,
        _ => None,
    }
    .filter(|at| *at <= now);
    if let Some(at) = ended {
        return vec![event(Kind::PublicityEnded, at)];
    }
    let mut out = Vec::new();
    if let (Some(at), State::Published | State::Withdrawn) = (progress.published_at, progress.state)
    {
        out.push(event(Kind::Published, at));
    }
    if let (Some(at), State::Withdrawn) = (progress.workflow.withdrawn_at, progress.state) {
        out.push(event(Kind::Withdrawn, at));
    }
    out.retain(|e| e.at <= now);
    out
}

/// The newest `n` events of `records` by `now`, newest first (ties: the later step first, then
/// the higher id), so the order is the same in every answer.
pub fn newest(records: &[PenaltyRecord], now: NaiveDateTime, n: usize) -> Vec<Event> {
    let mut all: Vec<Event> = records
        .iter()
        .flat_map(|r| events_of(r.id, &r.progress, now))
        .collect();
    all.sort_by_key(|e| std::cmp::Reverse((e.at, e.kind, e.penalty_id)));
    all.dedup();
    all.truncate(n);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::penalty::record::Workflow;
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// A decision published at 2026-03-02 02:00 UTC, shown until 2026-06-01 inclusive.
    fn progress(state: State) -> Progress {
        Progress {
            state,
            version: 1,
            workflow: Workflow::default(),
            publication_deadline: day("2026-03-10"),
            publication_deadline_provisional: false,
            publicity_min_end: day("2026-06-01"),
            publicity_max_end: day("2026-06-01"),
            published_at: Some(at("2026-03-02 02:00:00")),
            published_on: Some(day("2026-03-02")),
            working_days_late: Some(0),
            withdrawal_event_date: None,
            withdrawal_deadline: None,
            withdrawal_deadline_provisional: None,
            withdrawn_on: None,
            updated_at: at("2026-03-02 02:00:00"),
        }
    }

    fn kinds(id: i64, l: &Progress, now: &str) -> Vec<(Kind, String)> {
        events_of(id, l, at(now))
            .into_iter()
            .map(|e| (e.kind, e.at.to_string()))
            .collect()
    }

    #[test]
    fn a_draft_or_approved_decision_has_no_event() {
        for s in [State::Draft, State::Submitted, State::Approved] {
            let mut l = progress(s);
            l.published_at = None;
            assert!(kinds(1, &l, "2026-04-01 00:00:00").is_empty(), "{s:?}");
        }
    }

    #[test]
    fn publication_is_an_event_from_its_instant_on() {
        let l = progress(State::Published);
        assert!(kinds(1, &l, "2026-03-02 01:59:59").is_empty());
        assert_eq!(
            kinds(1, &l, "2026-03-02 02:00:00"),
            vec![(Kind::Published, "2026-03-02 02:00:00".into())]
        );
    }

    #[test]
    fn publicity_ends_at_midnight_in_shanghai_after_its_last_day_and_replaces_the_others() {
        let l = progress(State::Published);
        // 2026-06-01 23:59:59 in Shanghai: still shown.
        assert_eq!(kinds(7, &l, "2026-06-01 15:59:59")[0].0, Kind::Published);
        // 2026-06-02 00:00:00 in Shanghai.
        assert_eq!(
            kinds(7, &l, "2026-06-01 16:00:00"),
            vec![(Kind::PublicityEnded, "2026-06-01 16:00:00".into())]
        );
    }

    #[test]
    fn a_withdrawal_adds_its_event_and_a_repair_ends_publicity_at_once() {
        let mut l = progress(State::Withdrawn);
        l.workflow.withdrawn_at = Some(at("2026-04-01 03:00:00"));
        assert_eq!(
            kinds(2, &l, "2026-04-02 00:00:00"),
            vec![
                (Kind::Published, "2026-03-02 02:00:00".into()),
                (Kind::Withdrawn, "2026-04-01 03:00:00".into())
            ]
        );
        assert_eq!(
            kinds(2, &l, "2026-07-01 00:00:00")[0].0,
            Kind::PublicityEnded
        );
        let mut r = progress(State::Repaired);
        r.workflow.repaired_at = Some(at("2026-05-05 05:00:00"));
        assert_eq!(
            kinds(3, &r, "2026-05-06 00:00:00"),
            vec![(Kind::PublicityEnded, "2026-05-05 05:00:00".into())]
        );
    }

    #[test]
    fn ids_are_stable_and_name_the_decision_and_the_step() {
        let e = Event {
            penalty_id: 42,
            kind: Kind::PublicityEnded,
            at: at("2026-01-01 00:00:00"),
        };
        assert_eq!(e.id(), "urn:gongshi:penalty:42:publicity-ended");
    }
}

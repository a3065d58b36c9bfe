//! A decision as the public code reads it (issue 27): only what a public view shows or needs to
//! decide whether to show it. The public search reads these columns and no others, so the
//! party's ID number and address, the unmasked name of a natural person, internal notes, the
//! case officers and who took each step are never read to answer the public, let alone shown.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::kinds::{PartyKind, PenaltyType};
use super::number::DecisionNumber;
use super::record::{visible, PenaltyRecord, Visible};
use super::state::State;
use crate::domain::credit_code::CreditCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRecord {
    pub id: i64,
    pub authority_id: i64,
    pub decision_number: DecisionNumber,
    pub party_kind: PartyKind,
    /// The name as published (a natural person's masked when the authority masks names).
    pub public_name: String,
    pub party_credit_code: Option<CreditCode>,
    pub legal_representative: Option<String>,
    pub violation_type: String,
    pub facts: String,
    pub legal_basis: String,
    pub penalty_types: BTreeSet<PenaltyType>,
    pub content: String,
    pub fine_fen: Option<i64>,
    pub confiscation_fen: Option<i64>,
    pub licence_affected: Option<String>,
    pub decision_date: NaiveDate,
    pub state: State,
    pub published_on: Option<NaiveDate>,
    pub publicity_max_end: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    /// Public with a withdrawal notice.
    pub withdrawal_reason: Option<String>,
}

impl PublicRecord {
    /// What the public may see on `today` (as [`PenaltyRecord::public_on`]).
    pub fn public_on(&self, today: NaiveDate) -> Option<Visible> {
        visible(
            self.state,
            self.decision_date,
            self.publicity_max_end,
            today,
        )
    }
}

impl PenaltyRecord {
    /// The public part of a whole record (the exports and the detail read whole records).
    pub fn public(&self) -> PublicRecord {
        let f = &self.fields;
        PublicRecord {
            id: self.id,
            authority_id: self.authority_id,
            decision_number: self.decision_number.clone(),
            party_kind: f.party_kind,
            public_name: self.public_name.clone(),
            party_credit_code: f.party_credit_code.clone(),
            legal_representative: f.legal_representative.clone(),
            violation_type: f.violation_type.clone(),
            facts: f.facts.clone(),
            legal_basis: f.legal_basis.clone(),
            penalty_types: f.penalty_types.clone(),
            content: f.content.clone(),
            fine_fen: f.fine_fen,
            confiscation_fen: f.confiscation_fen,
            licence_affected: f.licence_affected.clone(),
            decision_date: f.decision_date,
            state: self.progress.state,
            published_on: self.progress.published_on,
            publicity_max_end: self.progress.publicity_max_end,
            withdrawn_on: self.progress.withdrawn_on,
            withdrawal_reason: self.progress.workflow.withdrawal_reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn visible_from_the_decision_day_to_the_end_of_publicity_and_only_when_public() {
        let (decided, end) = (day("2026-03-01"), day("2027-03-01"));
        let on = |state, today: &str| visible(state, decided, end, day(today));
        assert_eq!(on(State::Published, "2026-02-28"), None);
        assert_eq!(on(State::Published, "2026-03-01"), Some(Visible::Decision));
        assert_eq!(on(State::Published, "2027-03-01"), Some(Visible::Decision));
        assert_eq!(on(State::Published, "2027-03-02"), None);
        assert_eq!(
            on(State::Withdrawn, "2026-06-01"),
            Some(Visible::Withdrawal)
        );
        assert_eq!(on(State::Withdrawn, "2027-03-02"), None);
        for hidden in [
            State::Draft,
            State::Submitted,
            State::Approved,
            State::Repaired,
            State::Discarded,
        ] {
            assert_eq!(on(hidden, "2026-06-01"), None, "{hidden:?}");
        }
    }
}

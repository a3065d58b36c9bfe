//! A decision as gongshi keeps it (its fields and its progress), and the authority (处罚机关) that
//! made it.

use chrono::{NaiveDate, NaiveDateTime};

use super::fields::PenaltyFields;
use super::kinds::PartyKind;
use super::number::DecisionNumber;
use super::publicity::{PublicationSettings, Publicity};
use super::redact::mask_name;
use super::state::State;
use crate::domain::credit_code::CreditCode;
use crate::domain::field::{required_text, Errors, FieldError};

/// A 处罚机关 with its publication settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub id: i64,
    pub fields: AuthorityFields,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Authority {
    /// What a public view names of it.
    pub fn label(&self) -> AuthorityLabel {
        AuthorityLabel {
            id: self.id,
            name: self.fields.name.clone(),
            credit_code: self.fields.credit_code.clone(),
        }
    }
}

/// What a public view names of an authority: its name and credit code (read alone for a
/// public page, without the settings and timestamps a whole [`Authority`] carries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityLabel {
    pub id: i64,
    pub name: String,
    pub credit_code: CreditCode,
}

/// What an admin sets on an authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityFields {
    pub name: String,
    pub credit_code: CreditCode,
    /// The 代字 of allocated numbers, e.g. 银文旅 → 银文旅罚〔2026〕1号.
    pub number_prefix: String,
    pub settings: PublicationSettings,
    pub mask_natural_person_names: bool,
}

/// An authority as it arrives (create or patch: absent fields keep their value or default).
#[derive(Debug, Clone, Default)]
pub struct RawAuthority {
    pub name: Option<String>,
    pub credit_code: Option<String>,
    pub number_prefix: Option<String>,
    pub publish_simple_procedure: Option<bool>,
    pub publish_warning_only: Option<bool>,
    pub publish_minor: Option<bool>,
    pub mask_natural_person_names: Option<bool>,
}

impl AuthorityFields {
    /// A new authority's fields, or a change laid over `before`. Settings default to the safe
    /// side: nothing optional published, natural persons' names masked.
    pub fn parse(
        raw: &RawAuthority,
        before: Option<&AuthorityFields>,
    ) -> Result<AuthorityFields, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = match (&raw.name, before) {
            (None, Some(b)) => Some(b.name.clone()),
            (v, _) => required_text(&mut e, "name", v.as_deref(), 100),
        };
        let credit_code = match (&raw.credit_code, before) {
            (None, Some(b)) => Some(b.credit_code.clone()),
            (None, None) => {
                e.push("credit_code", "required", "credit_code is required");
                None
            }
            (Some(v), _) => e.take_said(
                "credit_code",
                CreditCode::parse(v),
                |err| err.reason(),
                |err| err.zh(),
            ),
        };
        let number_prefix = match (&raw.number_prefix, before) {
            (None, Some(b)) => Some(b.number_prefix.clone()),
            (v, _) => {
                let p = required_text(&mut e, "number_prefix", v.as_deref(), 20);
                if p.as_deref()
                    .is_some_and(|p| p.contains(['〔', '〕', '罚', ' ']))
                {
                    e.push(
                        "number_prefix",
                        "format",
                        "number_prefix is the 代字 alone, e.g. 银文旅 (罚〔年〕号 is added)",
                    );
                    None
                } else {
                    p
                }
            }
        };
        let old = before.map(|b| (b.settings, b.mask_natural_person_names));
        let flag = |v: Option<bool>, pick: fn(&(PublicationSettings, bool)) -> bool, default| {
            v.unwrap_or_else(|| old.as_ref().map_or(default, pick))
        };
        let settings = PublicationSettings {
            publish_simple_procedure: flag(
                raw.publish_simple_procedure,
                |o| o.0.publish_simple_procedure,
                false,
            ),
            publish_warning_only: flag(
                raw.publish_warning_only,
                |o| o.0.publish_warning_only,
                false,
            ),
            publish_minor: flag(raw.publish_minor, |o| o.0.publish_minor, false),
        };
        let mask = flag(raw.mask_natural_person_names, |o| o.1, true);
        match (name, credit_code, number_prefix) {
            (Some(name), Some(credit_code), Some(number_prefix)) if e.is_empty() => {
                Ok(AuthorityFields {
                    name,
                    credit_code,
                    number_prefix,
                    settings,
                    mask_natural_person_names: mask,
                })
            }
            _ => Err(e.into_vec()),
        }
    }

    /// The party name as the public sees it under these settings.
    pub fn public_name(&self, kind: PartyKind, name: &str) -> String {
        if kind == PartyKind::NaturalPerson && self.mask_natural_person_names {
            mask_name(name)
        } else {
            name.to_string()
        }
    }
}

/// Who did what to a decision, and why (kept whole; the public sees only the withdrawal
/// reason).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Workflow {
    /// Everyone who wrote the draft (its creator and later editors): none of them may approve.
    pub drafters: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::shanghai::offset_time"
    )]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::shanghai::offset_time"
    )]
    pub approved_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::shanghai::offset_time"
    )]
    pub withdrawn_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repaired_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::shanghai::offset_time"
    )]
    pub repaired_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_applicant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_commitment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded_by: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::shanghai::offset_time"
    )]
    pub discarded_at: Option<NaiveDateTime>,
    /// Why a decision logged by mistake was discarded (staff only; the number register shows it
    /// beside its number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discard_reason: Option<String>,
}

/// A decision's progress: its state, its deadlines and what happened when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub state: State,
    pub version: i32,
    pub workflow: Workflow,
    pub publication_deadline: NaiveDate,
    pub publication_deadline_provisional: bool,
    pub publicity_min_end: NaiveDate,
    pub publicity_max_end: NaiveDate,
    pub published_at: Option<NaiveDateTime>,
    /// The Asia/Shanghai day it was published.
    pub published_on: Option<NaiveDate>,
    /// Working days after the deadline it was published (0 when on time).
    pub working_days_late: Option<i32>,
    pub withdrawal_event_date: Option<NaiveDate>,
    pub withdrawal_deadline: Option<NaiveDate>,
    pub withdrawal_deadline_provisional: Option<bool>,
    pub withdrawn_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyRecord {
    pub id: i64,
    pub authority_id: i64,
    pub decision_number: DecisionNumber,
    /// Its fields; `fields.decision_number` is always `Some` once stored.
    pub fields: PenaltyFields,
    /// The party's name as the public view shows it (masked for natural persons when the
    /// authority masks them); also what the public name search indexes.
    pub public_name: String,
    pub imported: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub progress: Progress,
}

/// The state as readers see it: a published decision past its publicity period is expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    Stored(State),
    Expired,
}

impl Shown {
    pub fn code(self) -> &'static str {
        match self {
            Shown::Stored(s) => s.code(),
            Shown::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Shown::Stored(s) => s.label(),
            Shown::Expired => "已到期",
        }
    }
}

impl PenaltyRecord {
    pub fn publicity(&self) -> (NaiveDate, NaiveDate) {
        (
            self.progress.publicity_min_end,
            self.progress.publicity_max_end,
        )
    }

    /// The state on `today` (Asia/Shanghai).
    pub fn shown_state(&self, today: NaiveDate) -> Shown {
        if self.progress.state == State::Published && today > self.progress.publicity_max_end {
            Shown::Expired
        } else {
            Shown::Stored(self.progress.state)
        }
    }

    /// What the public may see on `today`: the decision while published and within its
    /// publicity period, a withdrawal notice for a withdrawn one (until the period it was
    /// published for ends), nothing otherwise.
    pub fn public_on(&self, today: NaiveDate) -> Option<Visible> {
        visible(
            self.progress.state,
            self.fields.decision_date,
            self.progress.publicity_max_end,
            today,
        )
    }
}

/// The decision while published and within its publicity period, a withdrawal notice for a
/// withdrawn one (until the period it was published for ends), nothing otherwise.
pub(super) fn visible(
    state: State,
    decision_date: NaiveDate,
    publicity_max_end: NaiveDate,
    today: NaiveDate,
) -> Option<Visible> {
    let within = decision_date <= today && today <= publicity_max_end;
    match state {
        State::Published if within => Some(Visible::Decision),
        State::Withdrawn if within => Some(Visible::Withdrawal),
        _ => None,
    }
}

/// Which public view a decision has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visible {
    Decision,
    Withdrawal,
}

/// The publicity period of `fields`, as stored on the record.
pub fn periods(fields: &PenaltyFields) -> Option<Publicity> {
    super::publicity::publicity(fields.decision_date, fields.severity)
}

//! Every request the API parses: JSON bodies and query strings (issue 24: requests are parsed in
//! the HTTP layer, not below it; `domain/` and `service/` hold no serde request types). Each lists
//! exactly the fields it takes (any other is refused naming it) and converts whole into what the
//! layer below takes: the domain's unparsed input (`domain::…::Raw…`, which a CSV row converts
//! into too, then parsed by the domain naming each bad field), or a service's parameters. A field
//! added to one side and not the other does not compile: the conversion names every field.

use crate::domain::category::RawCategory;
use crate::domain::entity::RawEntity;
use crate::domain::inspection_item::RawItem;
use crate::domain::inspector::RawInspector;
use crate::domain::penalty::fields::{GivenAmount, OtherCodes, RawPenalty};
use crate::domain::penalty::record::RawAuthority;
use crate::domain::plan::fields::{RawPopulation, RawSource};
use crate::domain::plan::{RawPlan, RawResult};

/// A body value into the domain's input: itself for plain values, element by element for
/// lists and options, through `From` for nested bodies.
pub trait IntoInput<T> {
    fn into_input(self) -> T;
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl IntoInput<$t> for $t {
            fn into_input(self) -> $t {
                self
            }
        }
    )*};
}
plain!(String, i32, i64, u32, u64, f64, bool, OtherCodes);

impl<T, U: IntoInput<T>> IntoInput<Option<T>> for Option<U> {
    fn into_input(self) -> Option<T> {
        self.map(IntoInput::into_input)
    }
}

impl<T, U: IntoInput<T>> IntoInput<Vec<T>> for Vec<U> {
    fn into_input(self) -> Vec<T> {
        self.into_iter().map(IntoInput::into_input).collect()
    }
}

/// An amount in 分 as JSON gives it: a whole number is one; a string is read as text (so `"5000"`
/// and a CSV cell are the same); a fraction, a boolean or a list is no amount (a field error
/// naming it, not a body error).
impl IntoInput<GivenAmount> for serde_json::Value {
    fn into_input(self) -> GivenAmount {
        match self {
            serde_json::Value::Null => GivenAmount::Absent,
            serde_json::Value::Number(n) => {
                n.as_i64().map_or(GivenAmount::NotWhole, GivenAmount::Whole)
            }
            serde_json::Value::String(s) => GivenAmount::Text(s),
            _ => GivenAmount::NotWhole,
        }
    }
}

/// A body: a serde struct with these fields, refusing any other, and its conversion into `$input`.
macro_rules! body {
    ($(#[$meta:meta])* $name:ident => $input:path { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl From<$name> for $input {
            fn from(b: $name) -> $input {
                $input {
                    $($field: b.$field.into_input(),)*
                }
            }
        }

        impl IntoInput<$input> for $name {
            fn into_input(self) -> $input {
                self.into()
            }
        }
    };
}

body! {
    /// `POST /api/v1/entities`.
    EntityBody => RawEntity {
        credit_code: Option<String>,
        name: Option<String>,
        kind: Option<String>,
        category: Option<String>,
        district: Option<String>,
        address: Option<String>,
        legal_representative: Option<String>,
        licence_numbers: Option<Vec<String>>,
        status: Option<String>,
        risk_tags: Option<Vec<String>>,
    }
}

body! {
    /// `POST /api/v1/inspectors`.
    InspectorBody => RawInspector {
        name: Option<String>,
        certificate_no: Option<String>,
        certificate_valid_from: Option<String>,
        certificate_valid_to: Option<String>,
        unit: Option<String>,
        fields: Option<Vec<String>>,
        id_number: Option<String>,
        phone: Option<String>,
        status: Option<String>,
    }
}

body! {
    /// `POST /api/v1/inspection-items` and its PATCH.
    ItemBody => RawItem {
        code: Option<String>,
        field: Option<String>,
        name: Option<String>,
        content: Option<String>,
        kind: Option<String>,
        basis: Option<String>,
        subject: Option<String>,
        categories: Option<Vec<String>>,
        methods: Option<Vec<String>>,
        ratio: Option<String>,
        frequency: Option<String>,
        effective_from: Option<String>,
        effective_to: Option<String>,
    }
}

body! {
    /// `POST /api/v1/categories`.
    CategoryBody => RawCategory {
        code: Option<String>,
        label: Option<String>,
        aliases: Option<Vec<String>>,
        parent: Option<String>,
        regulation: Option<String>,
    }
}

body! {
    /// `POST /api/v1/authorities` and (with its version) its PATCH.
    AuthorityBody => RawAuthority {
        name: Option<String>,
        credit_code: Option<String>,
        number_prefix: Option<String>,
        publish_simple_procedure: Option<bool>,
        publish_warning_only: Option<bool>,
        publish_minor: Option<bool>,
        mask_natural_person_names: Option<bool>,
    }
}

body! {
    /// `POST /api/v1/penalties` and (with its version) its PATCH.
    PenaltyBody => RawPenalty {
        authority_id: Option<i64>,
        decision_number: Option<String>,
        allocate_decision_number: Option<bool>,
        party_kind: Option<String>,
        party_name: Option<String>,
        party_credit_code: Option<String>,
        party_other_codes: Option<OtherCodes>,
        legal_representative: Option<String>,
        party_id_type: Option<String>,
        party_id_number: Option<String>,
        party_address: Option<String>,
        violation_type: Option<String>,
        facts: Option<String>,
        legal_basis: Option<String>,
        penalty_types: Option<Vec<String>>,
        content: Option<String>,
        /// Any JSON value, so that a string or a fraction is a field error, not a body error.
        fine_fen: Option<serde_json::Value>,
        confiscation_fen: Option<serde_json::Value>,
        licence_affected: Option<String>,
        decision_date: Option<String>,
        procedure: Option<String>,
        severity: Option<String>,
        severity_reason: Option<String>,
        case_officers: Option<Vec<String>>,
        entity_credit_code: Option<String>,
        internal_notes: Option<String>,
        /// Soft rules this request knowingly overrides (`party_name_differs`, `large_amount`).
        confirm: Option<Vec<String>>,
    }
}

body! {
    /// A plan's population filter.
    PopulationBody => RawPopulation {
        categories: Option<Vec<String>>,
        districts: Option<Vec<String>>,
    }
}

body! {
    /// One public random source of a plan.
    SourceBody => RawSource {
        description: Option<String>,
        available_on: Option<String>,
    }
}

body! {
    /// `POST /api/v1/plans`.
    PlanBody => RawPlan {
        title: Option<String>,
        item_ids: Option<Vec<i64>>,
        population: Option<PopulationBody>,
        sample_size: Option<u64>,
        sample_ratio: Option<f64>,
        team_size: Option<u64>,
        load_cap: Option<u64>,
        random_sources: Option<Vec<SourceBody>>,
        planned_month: Option<String>,
        responsible_unit: Option<String>,
    }
}

body! {
    /// One inspected entity's result, in `POST /api/v1/plans/{id}/results`.
    ResultBody => RawResult {
        credit_code: Option<String>,
        outcome: Option<String>,
        inspected_on: Option<String>,
        inspectors: Option<Vec<String>>,
        notes: Option<String>,
    }
}

/// `POST /api/v1/plans/{id}/results`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsBody {
    pub results: Option<Vec<ResultBody>>,
}

// The query strings and the small bodies of the use cases.

body! {
    /// As it arrives, for `crate::service::inspectors::RosterParams`.
    RosterParams => crate::service::inspectors::RosterParams {
        cursor: Option<String>,
        limit: Option<i64>,
        status: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::inspectors::RawConflict`.
    RawConflict => crate::service::inspectors::RawConflict {
        credit_code: Option<String>,
        category: Option<String>,
        reason: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::penalty_imports::ExportParams`.
    ExportParams => crate::service::penalty_imports::ExportParams {
        from: Option<String>,
        to: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::calendar::AddWorkdays`.
    AddWorkdays => crate::service::calendar::AddWorkdays {
        from: Option<String>,
        days: Option<i64>,
        rule: Option<String>,
        region: Option<String>,
        #[serde(default)]
        provisional: bool,
    }
}

body! {
    /// As it arrives, for `crate::service::entities::SearchParams`.
    SearchParams => crate::service::entities::SearchParams {
        q: Option<String>,
        credit_code: Option<String>,
        category: Option<String>,
        district: Option<String>,
        status: Option<String>,
        cursor: Option<String>,
        limit: Option<i64>,
    }
}

body! {
    /// As it arrives, for `crate::service::auth::Login`.
    Login => crate::service::auth::Login {
        name: String,
        password: String,
    }
}

body! {
    /// As it arrives, for `crate::service::plans::PlanParams`.
    PlanParams => crate::service::plans::PlanParams {
        status: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::plans::SelectionParams`.
    SelectionParams => crate::service::plans::SelectionParams {
        limit: Option<i64>,
        cursor: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::plans::DrawBody`.
    DrawBody => crate::service::plans::DrawBody {
        sources: Option<Vec<Vec<u64>>>,
    }
}

body! {
    /// As it arrives, for `crate::service::plans::VoidBody`.
    VoidBody => crate::service::plans::VoidBody {
        reason: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::plan_deadlines::PlanDeadlineParams`.
    PlanDeadlineParams => crate::service::plan_deadlines::PlanDeadlineParams {
        state: Option<String>,
        within: Option<u32>,
    }
}

body! {
    /// As it arrives, for `crate::service::users::RawUser`.
    RawUser => crate::service::users::RawUser {
        name: String,
        role: String,
        password: String,
        /// Bind the account to one 处罚机关.
        #[serde(default)]
        authority_id: Option<i64>,
    }
}

body! {
    /// As it arrives, for `crate::service::draws::Rfc3797Request`.
    Rfc3797Request => crate::service::draws::Rfc3797Request {
        pool_size: Option<u64>,
        pool: Option<Vec<String>>,
        picks: Option<u64>,
        sources: Option<Vec<Vec<u64>>>,
    }
}

body! {
    /// As it arrives, for `crate::service::penalties::PenaltyParams`.
    PenaltyParams => crate::service::penalties::PenaltyParams {
        q: Option<String>,
        credit_code: Option<String>,
        authority_id: Option<i64>,
        penalty_type: Option<String>,
        from: Option<String>,
        to: Option<String>,
        state: Option<String>,
        cursor: Option<String>,
        limit: Option<i64>,
    }
}

body! {
    /// As it arrives, for `crate::service::penalties::StepBody`.
    StepBody => crate::service::penalties::StepBody {
        version: Option<i32>,
        /// reject: why (shown to the clerk); withdraw: why (shown to the public); discard: why
        /// (staff, and the number register).
        reason: Option<String>,
        /// withdraw: the date the decision was revoked or changed (变更、撤销、确认违法或无效).
        event_date: Option<String>,
        /// repair (信用修复): who applied, their public commitment, the evidence obligations were met.
        applicant: Option<String>,
        commitment: Option<String>,
        evidence: Option<String>,
    }
}

body! {
    /// As it arrives, for `crate::service::penalties::DeadlineParams`.
    DeadlineParams => crate::service::penalties::DeadlineParams {
        state: Option<String>,
        within: Option<u32>,
        authority_id: Option<i64>,
    }
}

/// `GET /api/v1/authorities/{id}/numbers`: the year (this year when absent).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberRegisterParams {
    pub year: Option<i32>,
}

body! {
    /// As it arrives, for `crate::service::open_data::OpenDataParams`.
    OpenDataParams => crate::service::open_data::OpenDataParams {
        from: Option<String>,
        to: Option<String>,
        authority_id: Option<i64>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_arrive_as_whole_numbers_text_or_neither() {
        use serde_json::json;
        let given = |v: serde_json::Value| -> GivenAmount { v.into_input() };
        assert_eq!(given(json!(500000)), GivenAmount::Whole(500000));
        assert_eq!(given(json!("5000")), GivenAmount::Text("5000".into()));
        assert_eq!(given(json!(null)), GivenAmount::Absent);
        for not_whole in [json!(1.5), json!(true), json!([1]), json!(u64::MAX)] {
            assert_eq!(
                given(not_whole.clone()),
                GivenAmount::NotWhole,
                "{not_whole}"
            );
        }
    }

    #[test]
    fn a_body_refuses_a_field_it_does_not_list() {
        let e = serde_json::from_str::<EntityBody>(r#"{"name":"x","nmae":"y"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `nmae`"), "{e}");
        let plan: RawPlan = serde_json::from_str::<PlanBody>(
            r#"{"title":"t","population":{"categories":["A"]},"random_sources":[{"description":"d"}]}"#,
        )
        .unwrap()
        .into();
        assert_eq!(
            plan.population.unwrap().categories,
            Some(vec!["A".to_string()])
        );
        assert_eq!(
            plan.random_sources.unwrap()[0].description.as_deref(),
            Some("d")
        );
    }
}

//! The new-decision form (`/console/penalties/new`, posted to `/console/penalties`): the party
//! looked up in the directory by credit code or name (its name and legal representative filled
//! in), case officers offered only when eligible on the decision date for that party, the
//! conditional amount and licence fields, the publication deadline of the decision date, every
//! refusal next to its field and each soft rule offered as a checkbox with its text. It creates
//! the draft through `service::penalties::create`, as the API does.

use std::sync::Arc;

use askama::Template;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::form::{checked, Form};
use super::page::{error_page, render, Nav, Shell};
use super::penalties::Choice;
use super::{see_other, signed_in, Session};
use crate::domain::ids::PenaltyId;
use crate::domain::penalty::fields::{GivenAmount, RawPenalty};
use crate::domain::penalty::kinds::{IdType, PartyKind, PenaltyType, Procedure, Severity};
use crate::domain::penalty::money::yuan_to_fen;
use crate::domain::penalty::record::PenaltyRecord;
use crate::domain::policy::Action;
use crate::http::filters::{get, with_state};
use crate::http::AppState;
use crate::service::calendar::AddWorkdays;
use crate::service::entities::SearchParams;
use crate::service::penalties::{self, EligibleOfficer};
use crate::service::{authorities, calendar, entities, FieldError, ServiceError};

/// A directory entry offered by the party lookup.
pub struct Found {
    pub credit_code: String,
    pub name: String,
    pub legal_representative: String,
}

/// A checkbox of a group.
pub struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A soft rule the last submission tripped, offered to be confirmed.
pub struct Caution {
    pub code: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "new_penalty.html")]
struct NewPage {
    shell: Shell,
    values: Form,
    errors: Vec<FieldError>,
    lookup: String,
    found: Vec<Found>,
    authorities: Vec<Choice>,
    party_kinds: Vec<Check>,
    id_types: Vec<Choice>,
    penalty_types: Vec<Check>,
    procedures: Vec<Check>,
    severities: Vec<Choice>,
    officers: Vec<Check>,
    officers_on: String,
    deadline: Option<(String, bool)>,
    cautions: Vec<Caution>,
    /// A draft being changed (its page's address, number and version), not a new decision.
    editing: Option<Editing>,
}

/// The draft the form changes.
pub struct Editing {
    pub id: i64,
    pub number: String,
    pub version: i32,
}

impl NewPage {
    /// Where the form posts (and the party lookup comes back to).
    pub fn action(&self) -> String {
        match &self.editing {
            Some(e) => format!("/console/penalties/{}/edit", e.id),
            None => "/console/penalties".to_string(),
        }
    }

    pub fn lookup_action(&self) -> String {
        match &self.editing {
            Some(e) => format!("/console/penalties/{}/edit", e.id),
            None => "/console/penalties/new".to_string(),
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).unwrap_or_default()
    }

    /// The Chinese of every error of `field` (the form's amount fields answer for the
    /// decision's `_fen` fields), one sentence after another.
    pub fn error_of(&self, field: &str) -> Option<String> {
        let field = match field {
            "fine_yuan" => "fine_fen",
            "confiscation_yuan" => "confiscation_fen",
            f => f,
        };
        let said: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == field && !e.confirmable)
            .map(|e| e.zh.as_str())
            .collect();
        (!said.is_empty()).then(|| said.join("；"))
    }

    /// Errors of fields the form has no place for (shown at the top).
    pub fn other_errors(&self) -> Vec<&str> {
        const FIELDS: &[&str] = &[
            "authority_id",
            "decision_number",
            "party_kind",
            "party_name",
            "party_credit_code",
            "legal_representative",
            "party_id_type",
            "party_id_number",
            "party_address",
            "violation_type",
            "facts",
            "legal_basis",
            "penalty_types",
            "content",
            "fine_fen",
            "confiscation_fen",
            "licence_affected",
            "decision_date",
            "procedure",
            "severity",
            "severity_reason",
            "case_officers",
            "internal_notes",
        ];
        self.errors
            .iter()
            .filter(|e| !e.confirmable && !FIELDS.contains(&e.field.as_str()))
            .map(|e| e.zh.as_str())
            .collect()
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
struct NewQuery {
    /// The party lookup: a credit code or part of a name.
    party: Option<String>,
    /// A directory entry chosen from the lookup.
    credit_code: Option<String>,
    decision_date: Option<String>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let page = warp::path!("console" / "penalties" / "new")
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state.clone()))
        .and(
            warp::query::<NewQuery>()
                .or(warp::any().map(NewQuery::default))
                .unify(),
        )
        .and_then(|state: Arc<AppState>, s: Session, q: NewQuery| async move {
            let mut values = Form::default();
            if let Some(code) = q.credit_code.clone().filter(|c| !c.trim().is_empty()) {
                values.0.push(("party_credit_code".into(), code));
            }
            if let Some(d) = q.decision_date.clone().filter(|d| !d.trim().is_empty()) {
                values.0.push(("decision_date".into(), d));
            }
            Ok::<_, std::convert::Infallible>(
                new_page(state, s, values, Vec::new(), q.party, StatusCode::OK).await,
            )
        });
    let create = warp::path!("console" / "penalties")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(checked(state.clone()))
        .and_then(create);
    let edit_page = warp::path!("console" / "penalties" / PenaltyId / "edit")
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state.clone()))
        .and(
            warp::query::<NewQuery>()
                .or(warp::any().map(NewQuery::default))
                .unify(),
        )
        .and_then(edit_page);
    let edit = warp::path!("console" / "penalties" / PenaltyId / "edit")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(checked(state))
        .and_then(edit);
    page.or(create)
        .unify()
        .or(edit_page)
        .unify()
        .or(edit)
        .unify()
        .boxed()
}

/// A stored draft's fields as the form shows them (amounts in 元).
fn values_of(r: &PenaltyRecord) -> Form {
    let raw = RawPenalty::of_fields(&r.fields);
    let mut v: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, x: Option<String>| {
        if let Some(x) = x {
            v.push((k.to_string(), x));
        }
    };
    let plain = |a: Option<GivenAmount>| match a {
        Some(GivenAmount::Whole(fen)) => Some(format!("{}.{:02}", fen / 100, fen % 100)),
        _ => None,
    };
    put("authority_id", Some(r.authority_id.to_string()));
    put("decision_number", Some(r.decision_number.to_string()));
    put("party_kind", raw.party_kind);
    put("party_name", raw.party_name);
    put("party_credit_code", raw.party_credit_code);
    put("legal_representative", raw.legal_representative);
    put("party_id_type", raw.party_id_type);
    put("party_id_number", raw.party_id_number);
    put("party_address", raw.party_address);
    put("violation_type", raw.violation_type);
    put("facts", raw.facts);
    put("legal_basis", raw.legal_basis);
    put("content", raw.content);
    put("fine_yuan", plain(raw.fine_fen));
    put("confiscation_yuan", plain(raw.confiscation_fen));
    put("licence_affected", raw.licence_affected);
    put("decision_date", raw.decision_date);
    put("procedure", raw.procedure);
    put("severity", raw.severity);
    put("severity_reason", raw.severity_reason);
    put("internal_notes", raw.internal_notes);
    for t in raw.penalty_types.unwrap_or_default() {
        v.push(("penalty_types".into(), t));
    }
    for c in raw.case_officers.unwrap_or_default() {
        v.push(("case_officers".into(), c));
    }
    Form(v)
}

/// The form to change a draft, filled with what is stored (a directory entry chosen by the
/// lookup replaces the party's code).
async fn edit_page(
    id: PenaltyId,
    state: Arc<AppState>,
    s: Session,
    q: NewQuery,
) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| penalties::get(app, &actor, id))
        .await;
    let r = match found {
        Ok(r) => r,
        Err(e) => return Ok(error_page(&s, e)),
    };
    if r.progress.state != crate::domain::penalty::workflow::State::Draft {
        let e = ServiceError::conflict(
            crate::service::ConflictKind::InvalidTransition,
            "only a draft can be changed",
        )
        .zh("只有草稿可以修改；已提交的决定请审核人退回后再改");
        return Ok(error_page(&s, e));
    }
    let mut values = values_of(&r);
    if let Some(code) = q.credit_code.filter(|c| !c.trim().is_empty()) {
        // The chosen entry's name and representative replace the stored party's.
        values.0.retain(|(k, _)| {
            !matches!(
                k.as_str(),
                "party_credit_code" | "party_name" | "legal_representative" | "party_kind"
            )
        });
        values.0.push(("party_credit_code".into(), code));
    }
    let editing = editing_of(&r);
    Ok(form_page(
        state,
        s,
        values,
        Vec::new(),
        q.party,
        StatusCode::OK,
        editing,
    )
    .await)
}

fn editing_of(r: &PenaltyRecord) -> Option<Editing> {
    Some(Editing {
        id: r.id,
        number: r.decision_number.to_string(),
        version: r.progress.version,
    })
}

/// Saves a changed draft (`service::penalties::update`, as the API's PATCH), or with `refresh`
/// shows the form again with the case officers eligible on its date for its party.
async fn edit(
    id: PenaltyId,
    state: Arc<AppState>,
    s: Session,
    f: Form,
) -> Result<Response, std::convert::Infallible> {
    let editing = Some(Editing {
        id: id.get(),
        number: f.text("editing_number").unwrap_or_default(),
        version: f
            .text("version")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0),
    });
    if f.get("refresh").is_some() {
        return Ok(form_page(state, s, f, Vec::new(), None, StatusCode::OK, editing).await);
    }
    let version = editing.as_ref().map_or(0, |e| e.version);
    let raw = raw_of(&f);
    let actor = s.actor.clone();
    let saved = state
        .app
        .blocking(move |app| penalties::update(app, &actor, id, version, &raw))
        .await;
    Ok(match saved {
        Ok(r) => see_other(&format!("/console/penalties/{}?done=saved", r.id)),
        Err(e) => refused_form(state, s, f, e, editing).await,
    })
}

/// The form's fields as the decision's input: amounts in 元 become 分 exactly (an amount that
/// is not one is passed on as such, so the service names it with every other error).
///
/// A field the form sent blank is given as blank, so that a draft's change clears it (the
/// service reads a blank text as none); a checkbox group the form marks as present (a hidden
/// empty value of its name) with nothing ticked is given as an empty list.
fn raw_of(f: &Form) -> RawPenalty {
    let text = |name: &str| f.get(name).map(|v| v.trim().to_string());
    let amount = |name: &str| {
        f.get(name).map(|t| {
            if t.trim().is_empty() {
                GivenAmount::Absent
            } else {
                match yuan_to_fen(t) {
                    Some(fen) => GivenAmount::Whole(fen),
                    None => GivenAmount::NotWhole,
                }
            }
        })
    };
    let list = |name: &str| {
        f.0.iter().any(|(k, _)| k == name).then(|| {
            f.0.iter()
                .filter(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.clone())
                .collect::<Vec<String>>()
        })
    };
    RawPenalty {
        authority_id: f.text("authority_id").and_then(|a| a.trim().parse().ok()),
        decision_number: f.text("decision_number"),
        allocate_decision_number: Some(f.text("decision_number").is_none()),
        party_kind: f.text("party_kind"),
        party_name: text("party_name"),
        party_credit_code: text("party_credit_code"),
        legal_representative: text("legal_representative"),
        party_id_type: text("party_id_type"),
        party_id_number: text("party_id_number"),
        party_address: text("party_address"),
        violation_type: text("violation_type"),
        facts: text("facts"),
        legal_basis: text("legal_basis"),
        penalty_types: list("penalty_types"),
        content: text("content"),
        fine_fen: amount("fine_yuan"),
        confiscation_fen: amount("confiscation_yuan"),
        licence_affected: text("licence_affected"),
        decision_date: text("decision_date"),
        procedure: f.text("procedure"),
        severity: text("severity"),
        severity_reason: text("severity_reason"),
        case_officers: list("case_officers"),
        internal_notes: text("internal_notes"),
        confirm: list("confirm").filter(|c| !c.is_empty()),
        ..RawPenalty::default()
    }
}

/// An amount field that is not an amount in 元, in the console's words.
fn amount_errors(f: &Form) -> Vec<FieldError> {
    [
        ("fine_yuan", "fine_fen"),
        ("confiscation_yuan", "confiscation_fen"),
    ]
    .into_iter()
    .filter_map(|(input, field)| {
        let t = f.text(input)?;
        yuan_to_fen(&t).is_none().then(|| {
            FieldError::new(field, "format", format!("{t:?} is not an amount in yuan")).zh(format!(
                "“{t}”不是以元为单位的金额：请只填数字，最多两位小数，例如 5000 或 1234.50"
            ))
        })
    })
    .collect()
}

/// Creates the draft, or with `refresh` shows the form again with the case officers eligible
/// on its date for its party.
async fn create(
    state: Arc<AppState>,
    s: Session,
    f: Form,
) -> Result<Response, std::convert::Infallible> {
    if f.get("refresh").is_some() {
        return Ok(new_page(state, s, f, Vec::new(), None, StatusCode::OK).await);
    }
    let raw = raw_of(&f);
    let actor = s.actor.clone();
    let created = state
        .app
        .blocking(move |app| penalties::create(app, &actor, &raw))
        .await;
    Ok(match created {
        Ok(r) => see_other(&format!("/console/penalties/{}?done=created", r.id)),
        Err(e) => refused_form(state, s, f, e, None).await,
    })
}

/// The form again after the service refused it: every error next to its field, what was typed
/// kept.
async fn refused_form(
    state: Arc<AppState>,
    s: Session,
    f: Form,
    e: ServiceError,
    editing: Option<Editing>,
) -> Response {
    let problem = crate::http::problem::Problem::from(e);
    let status = problem.status();
    let mut errors = problem.errors;
    if errors.is_empty() {
        errors
            .push(FieldError::new("form", "refused", problem.detail.clone()).zh(problem.detail_zh));
    }
    // The console's own words for an amount not in 元 replace the service's.
    let own = amount_errors(&f);
    errors.retain(|e| {
        !own.iter()
            .any(|o| o.field == e.field && e.code != "large_amount")
    });
    errors.extend(own);
    form_page(state, s, f, errors, None, status, editing).await
}

async fn new_page(
    state: Arc<AppState>,
    s: Session,
    values: Form,
    errors: Vec<FieldError>,
    lookup: Option<String>,
    status: StatusCode,
) -> Response {
    form_page(state, s, values, errors, lookup, status, None).await
}

async fn form_page(
    state: Arc<AppState>,
    s: Session,
    values: Form,
    errors: Vec<FieldError>,
    lookup: Option<String>,
    status: StatusCode,
    editing: Option<Editing>,
) -> Response {
    if let Err(e) = s.actor.require(Action::DraftPenalties) {
        return error_page(&s, e);
    }
    let actor = s.actor.clone();
    let given = values.clone();
    let looked = lookup.clone();
    let found = state
        .app
        .blocking(move |app| {
            let today = app.today();
            let decided = given
                .text("decision_date")
                .and_then(|d| crate::domain::penalty::fields::parse_date(&d));
            let on = decided.unwrap_or(today);
            let code = given.text("party_credit_code");
            let officers = penalties::eligible_officers(app, &actor, on, code.as_deref())?;
            let entry = match &code {
                Some(c) => entities::staff_get(app, &actor, c).ok().map(|l| l.value),
                None => None,
            };
            let found = match looked.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
                None => Vec::new(),
                Some(l) => {
                    let by_code = crate::domain::credit_code::CreditCode::parse(l).is_ok();
                    let p = SearchParams {
                        q: (!by_code).then(|| l.to_string()),
                        credit_code: by_code.then(|| l.to_string()),
                        limit: Some(10),
                        ..SearchParams::default()
                    };
                    match entities::staff_search(app, &actor, &p) {
                        Ok(l) => l.value.items,
                        Err(_) => Vec::new(),
                    }
                }
            };
            let deadline = decided.and_then(|d| {
                calendar::add_workdays(
                    app,
                    &AddWorkdays {
                        from: Some(d.to_string()),
                        rule: Some("penalty_publication".into()),
                        provisional: true,
                        ..AddWorkdays::default()
                    },
                )
                .ok()
                .map(|a| (a.deadline.date.to_string(), a.deadline.provisional))
            });
            Ok::<_, ServiceError>((
                officers,
                entry,
                found,
                deadline,
                on,
                authorities::list(app)?,
            ))
        })
        .await;
    let (officers, entry, found, deadline, on, all_authorities) = match found {
        Ok(f) => f,
        Err(e) => return error_page(&s, e),
    };
    let mut values = values;
    // A directory entry chosen: its kind, name and legal representative unless typed already.
    if let Some(e) = &entry {
        let kind = match e.fields.kind {
            crate::domain::entity::EntityKind::IndividualBusiness => "individual_business",
            crate::domain::entity::EntityKind::NaturalPerson => "natural_person",
            _ => "legal_person",
        };
        for (name, v) in [
            ("party_kind", Some(kind.to_string())),
            ("party_name", Some(e.fields.name.clone())),
            (
                "legal_representative",
                e.fields.legal_representative.clone(),
            ),
        ] {
            if values.text(name).is_none() {
                if let Some(v) = v {
                    values.0.retain(|(k, _)| k != name);
                    values.0.push((name.to_string(), v));
                }
            }
        }
    }
    let has = |name: &str, v: &str| values.0.iter().any(|(k, x)| k == name && x == v);
    let one = |name: &str| values.get(name).unwrap_or_default().to_string();
    let checks = |name: &str, all: Vec<(&str, &str)>, default: &str| -> Vec<Check> {
        let any = values.0.iter().any(|(k, _)| k == name);
        all.into_iter()
            .map(|(v, l)| Check {
                value: v.into(),
                label: l.into(),
                checked: if any { has(name, v) } else { v == default },
            })
            .collect()
    };
    let choices = |name: &str, all: Vec<(String, String)>, blank: &str| -> Vec<Choice> {
        let now = one(name);
        let mut out = vec![Choice {
            value: String::new(),
            label: blank.into(),
            selected: now.is_empty(),
        }];
        out.extend(all.into_iter().map(|(v, l)| Choice {
            selected: now == v,
            value: v,
            label: l,
        }));
        out
    };
    let (title, here) = match &editing {
        Some(e) => (
            format!("修改草稿 {}", e.number),
            format!("/console/penalties/{}/edit", e.id),
        ),
        None => (
            "登记处罚决定".to_string(),
            "/console/penalties/new".to_string(),
        ),
    };
    let page = NewPage {
        shell: s.shell(&title, Nav::Penalties).at(&here),
        editing,
        lookup: lookup.unwrap_or_default(),
        found: found
            .iter()
            .map(|e| Found {
                credit_code: e.fields.credit_code.to_string(),
                name: e.fields.name.clone(),
                legal_representative: e.fields.legal_representative.clone().unwrap_or_default(),
            })
            .collect(),
        authorities: choices(
            "authority_id",
            all_authorities
                .iter()
                .filter(|a| s.actor.authority_id.is_none_or(|b| b == a.id))
                .map(|a| (a.id.to_string(), a.fields.name.clone()))
                .collect(),
            "（账号所属机关）",
        ),
        party_kinds: checks(
            "party_kind",
            PartyKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            "legal_person",
        ),
        id_types: choices(
            "party_id_type",
            IdType::ALL
                .iter()
                .map(|t| (t.code().to_string(), t.label().to_string()))
                .collect(),
            "（请选择）",
        ),
        penalty_types: checks(
            "penalty_types",
            PenaltyType::ALL
                .iter()
                .map(|t| (t.code(), t.label()))
                .collect(),
            "",
        ),
        procedures: checks(
            "procedure",
            Procedure::ALL
                .iter()
                .map(|p| (p.code(), p.label()))
                .collect(),
            "ordinary",
        ),
        severities: choices(
            "severity",
            Severity::ALL
                .iter()
                .map(|v| (v.code().to_string(), v.label().to_string()))
                .collect(),
            "（按处罚类别和程序默认）",
        ),
        officers: officers_checks(&officers, &values),
        officers_on: on.to_string(),
        deadline,
        cautions: errors
            .iter()
            .filter(|e| e.confirmable)
            .map(|e| Caution {
                code: e.code.clone(),
                text: e.zh.clone(),
            })
            .collect(),
        errors,
        values,
    };
    render(status, &page)
}

fn officers_checks(officers: &[EligibleOfficer], values: &Form) -> Vec<Check> {
    officers
        .iter()
        .map(|o| Check {
            checked: values
                .0
                .iter()
                .any(|(k, v)| k == "case_officers" && *v == o.certificate_no),
            label: format!("{}（{}，执法证号 {}）", o.name, o.unit, o.certificate_no),
            value: o.certificate_no.clone(),
        })
        .collect()
}

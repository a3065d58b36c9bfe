//! The inspector roster in the console (issue 29, admin): every inspector with the certificate's
//! standing said plainly (在岗, 执法证已过期, 30 天内到期), and an inspector's page with every
//! field (the private ones marked 不公示), the 回避 declarations with their reasons (staff only),
//! removed ones included, and the history. Each calls the service function the API calls
//! (`service::inspectors`).

use std::sync::Arc;

use askama::Template;
use chrono::NaiveDate;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::page::{error_page, render, Nav, Shell};
use super::penalties::{HistoryLine, Row};
use super::{signed_in, Session};
use crate::domain::category::Vocabulary;
use crate::domain::ids::InspectorId;
use crate::domain::inspector::{Duty, InspectorRecord};
use crate::domain::shanghai::format_minute;
use crate::http::filters::{get, with_state};
use crate::http::AppState;
use crate::service::inspectors::{self, RosterParams};
use crate::service::ServiceError;

/// A certificate ending within this many days is flagged.
const EXPIRING_DAYS: i64 = 30;

/// The certificate's standing on `today`, in words: the duty, and the days left when it ends
/// soon. `warn` marks what needs attention (expired, ending soon, not yet valid).
fn standing(r: &InspectorRecord, today: NaiveDate) -> (String, bool) {
    let f = &r.fields;
    let duty = f.duty_on(today);
    match f.expires_within(today, EXPIRING_DAYS) {
        Some(0) => ("在岗；执法证今天到期".to_string(), true),
        Some(n) => (
            format!("在岗；执法证 {n} 天后到期（{}）", f.certificate_valid_to),
            true,
        ),
        None => (
            duty.label().to_string(),
            matches!(duty, Duty::Expired | Duty::NotYetValid),
        ),
    }
}

/// One inspector in the list.
pub struct InspectorLine {
    pub id: i64,
    pub name: String,
    pub certificate_no: String,
    pub unit: String,
    pub valid: String,
    pub standing: String,
    pub warn: bool,
}

#[derive(Template)]
#[template(path = "inspectors.html")]
struct ListPage {
    shell: Shell,
    lines: Vec<InspectorLine>,
    next: Option<String>,
}

/// One 回避 declaration on an inspector's page.
pub struct ConflictLine {
    pub with: String,
    pub reason: String,
    pub declared: String,
    /// Who removed it, when and why; `None` while in force.
    pub removed: Option<String>,
}

#[derive(Template)]
#[template(path = "inspector.html")]
struct InspectorPage {
    shell: Shell,
    name: String,
    standing: String,
    warn: bool,
    rows: Vec<Row>,
    private_rows: Vec<Row>,
    conflicts: Vec<ConflictLine>,
    history: Vec<HistoryLine>,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let list = warp::path!("console" / "inspectors")
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state.clone()))
        .and(
            warp::query::<ListQuery>()
                .or(warp::any().map(ListQuery::default))
                .unify(),
        )
        .and_then(list);
    let one = warp::path!("console" / "inspectors" / InspectorId)
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state))
        .and_then(one);
    list.or(one).unify().boxed()
}

fn fields_of(r: &InspectorRecord, categories: &Vocabulary) -> String {
    let labels: Vec<&str> = r
        .fields
        .fields
        .iter()
        .map(|c| categories.label(c))
        .collect();
    if labels.is_empty() {
        "—".into()
    } else {
        labels.join("、")
    }
}

async fn list(
    state: Arc<AppState>,
    s: Session,
    q: ListQuery,
) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let p = RosterParams {
        cursor: q.cursor.filter(|c| !c.is_empty()),
        limit: Some(100),
        status: None,
    };
    let found = state
        .app
        .blocking(move |app| inspectors::list(app, &actor, &p))
        .await;
    let l = match found {
        Ok(l) => l,
        Err(e) => return Ok(error_page(&s, e)),
    };
    let lines = l
        .value
        .items
        .iter()
        .map(|r| {
            let (standing, warn) = standing(r, l.today);
            InspectorLine {
                id: r.id,
                name: r.fields.name.clone(),
                certificate_no: r.fields.certificate_no.as_str().to_string(),
                unit: r.fields.unit.clone(),
                valid: format!(
                    "{} 至 {}",
                    r.fields.certificate_valid_from, r.fields.certificate_valid_to
                ),
                standing,
                warn,
            }
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            shell: s
                .shell("执法检查人员名录", Nav::Roster)
                .at("/console/inspectors"),
            lines,
            next: l
                .value
                .next_cursor
                .map(|c| format!("/console/inspectors?cursor={c}")),
        },
    ))
}

async fn one(
    id: InspectorId,
    state: Arc<AppState>,
    s: Session,
) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| {
            let r = inspectors::get(app, &actor, id)?;
            let conflicts = inspectors::conflicts(app, &actor, id, true)?;
            let history = inspectors::history(app, &actor, id)?;
            Ok::<_, ServiceError>((r, conflicts, history))
        })
        .await;
    let (l, conflicts, history) = match found {
        Ok(f) => f,
        Err(e) => return Ok(error_page(&s, e)),
    };
    let r = &l.value;
    let f = &r.fields;
    let (standing, warn) = standing(r, l.today);
    let rows = vec![
        Row {
            label: "姓名",
            value: f.name.clone(),
        },
        Row {
            label: "执法证号",
            value: f.certificate_no.as_str().to_string(),
        },
        Row {
            label: "执法证有效期",
            value: format!("{} 至 {}", f.certificate_valid_from, f.certificate_valid_to),
        },
        Row {
            label: "所在单位",
            value: f.unit.clone(),
        },
        Row {
            label: "执法领域",
            value: fields_of(r, &l.categories),
        },
        Row {
            label: "在岗状态（名录）",
            value: f.status.label().into(),
        },
    ];
    let private_rows = vec![
        Row {
            label: "身份证号",
            value: f
                .id_number
                .as_ref()
                .map_or("—".into(), |n| n.as_str().to_string()),
        },
        Row {
            label: "联系电话",
            value: f.phone.clone().unwrap_or_else(|| "—".into()),
        },
    ];
    let conflicts = conflicts
        .iter()
        .map(|c| ConflictLine {
            with: match (&c.credit_code, &c.category) {
                (Some(code), _) => format!("市场主体 {code}"),
                (None, Some(cat)) => format!("行业类别 {cat}"),
                (None, None) => "—".into(),
            },
            reason: c.reason.clone(),
            declared: format!("{}，{}", c.declared_by, format_minute(c.declared_at)),
            removed: c.removed_at.map(|at| {
                format!(
                    "已撤销：{}，{}{}",
                    c.removed_by.clone().unwrap_or_default(),
                    format_minute(at),
                    c.removal_reason
                        .as_deref()
                        .map(|w| format!("（{w}）"))
                        .unwrap_or_default()
                )
            }),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &InspectorPage {
            shell: s
                .shell(&f.name, Nav::Roster)
                .at(&format!("/console/inspectors/{}", r.id)),
            name: f.name.clone(),
            standing,
            warn,
            rows,
            private_rows,
            conflicts,
            history: history.iter().map(HistoryLine::of).collect(),
        },
    ))
}

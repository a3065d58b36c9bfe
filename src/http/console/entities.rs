//! The market-entity directory in the console (issue 29, first slice): the search (a name
//! fragment of two or more Chinese characters, or a credit code) with its filters, and an
//! entity's page with every field and its history. Both call the service functions the API
//! calls (`service::entities`).

use std::sync::Arc;

use askama::Template;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::page::{error_page, query_string, render, Nav, Shell};
use super::penalties::{Choice, HistoryLine, Row};
use super::{signed_in, Session};
use crate::domain::category::Vocabulary;
use crate::domain::credit_code::CreditCode;
use crate::domain::entity::{EntityRecord, EntityStatus};
use crate::http::filters::{get, with_state};
use crate::http::AppState;
use crate::service::entities::{self, SearchParams};
use crate::service::{FieldError, ServiceError};

/// The list's filters as they arrive.
#[derive(Debug, Default, Clone, serde::Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    district: Option<String>,
    cursor: Option<String>,
}

impl ListQuery {
    /// The query string of these filters (without the cursor), for the next page's link.
    fn without_cursor(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("status", &self.status),
            ("district", &self.district),
        ])
    }
}

/// One entity in the list.
pub struct EntityLine {
    pub credit_code: String,
    pub name: String,
    pub category: String,
    pub district: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "entities.html")]
struct ListPage {
    shell: Shell,
    q: String,
    district: String,
    statuses: Vec<Choice>,
    lines: Vec<EntityLine>,
    /// Whether a search was made (an empty result then says so).
    searched: bool,
    next: Option<String>,
    errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage {
    shell: Shell,
    name: String,
    status: &'static str,
    rows: Vec<Row>,
    history: Vec<HistoryLine>,
}

/// The most entities a page lists.
const PAGE: i64 = 50;

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let list = warp::path!("console" / "entities")
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state.clone()))
        .and(
            warp::query::<ListQuery>()
                .or(warp::any().map(ListQuery::default))
                .unify(),
        )
        .and_then(list);
    let one = warp::path!("console" / "entities" / String)
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state))
        .and_then(one);
    list.or(one).unify().boxed()
}

fn line(r: &EntityRecord, categories: &Vocabulary) -> EntityLine {
    let f = &r.fields;
    EntityLine {
        credit_code: f.credit_code.to_string(),
        name: f.name.clone(),
        category: categories.label(&f.category).to_string(),
        district: f.district.as_str().to_string(),
        status: f.status.label(),
    }
}

async fn list(
    state: Arc<AppState>,
    s: Session,
    q: ListQuery,
) -> Result<Response, std::convert::Infallible> {
    let given = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
    let text = given(&q.q);
    // A whole credit code finds its entity by code; anything else is a name fragment.
    let by_code = text
        .as_deref()
        .is_some_and(|t| CreditCode::parse(t).is_ok());
    let p = SearchParams {
        q: text.clone().filter(|_| !by_code),
        credit_code: text.clone().filter(|_| by_code),
        status: given(&q.status),
        district: given(&q.district),
        cursor: given(&q.cursor),
        limit: Some(PAGE),
        ..SearchParams::default()
    };
    let searched = text.is_some() || p.status.is_some() || p.district.is_some();
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| entities::staff_search(app, &actor, &p))
        .await;
    let (lines, next, errors, status) = match found {
        Ok(l) => {
            let lines = l
                .value
                .items
                .iter()
                .map(|r| line(r, &l.categories))
                .collect();
            let next = l.value.next_cursor.map(|c| {
                let filters = q.without_cursor();
                let sep = if filters.is_empty() { "" } else { "&" };
                format!("/console/entities?{filters}{sep}cursor={c}")
            });
            (lines, next, Vec::new(), StatusCode::OK)
        }
        Err(ServiceError::Validation(errors)) => {
            (Vec::new(), None, errors, StatusCode::BAD_REQUEST)
        }
        Err(e) => return Ok(error_page(&s, e)),
    };
    let current = q.status.clone().unwrap_or_default();
    let mut statuses = vec![Choice {
        value: String::new(),
        label: "（全部）".into(),
        selected: current.is_empty(),
    }];
    statuses.extend(EntityStatus::ALL.iter().map(|st| Choice {
        value: st.code().to_string(),
        label: st.label().to_string(),
        selected: current == st.code(),
    }));
    let here = match q.without_cursor() {
        f if f.is_empty() => "/console/entities".to_string(),
        f => format!("/console/entities?{f}"),
    };
    Ok(render(
        status,
        &ListPage {
            shell: s.shell("市场主体名录", Nav::Directory).at(&here),
            q: q.q.unwrap_or_default(),
            district: q.district.unwrap_or_default(),
            statuses,
            lines,
            searched,
            next,
            errors,
        },
    ))
}

async fn one(
    code: String,
    state: Arc<AppState>,
    s: Session,
) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| {
            let e = entities::staff_get(app, &actor, &code)?;
            let history = entities::history(app, &actor, &code)?;
            Ok::<_, ServiceError>((e, history))
        })
        .await;
    let (e, history) = match found {
        Ok(f) => f,
        Err(e) => return Ok(error_page(&s, e)),
    };
    let r = &e.value;
    let f = &r.fields;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let list = |v: &[String]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join("、")
        }
    };
    let rows = vec![
        Row {
            label: "统一社会信用代码",
            value: f.credit_code.to_string(),
        },
        Row {
            label: "名称",
            value: f.name.clone(),
        },
        Row {
            label: "主体类型",
            value: f.kind.label().into(),
        },
        Row {
            label: "行业类别",
            value: e.categories.label(&f.category).to_string(),
        },
        Row {
            label: "所在区县（行政区划代码）",
            value: f.district.as_str().to_string(),
        },
        Row {
            label: "法定代表人（负责人）",
            value: opt(&f.legal_representative),
        },
        Row {
            label: "住所",
            value: opt(&f.address),
        },
        Row {
            label: "许可证号",
            value: list(&f.licence_numbers),
        },
        Row {
            label: "风险标签（不公示）",
            value: list(&f.risk_tags),
        },
        Row {
            label: "状态",
            value: f.status.label().into(),
        },
        Row {
            label: "登记入库时间",
            value: crate::domain::shanghai::format_minute(r.created_at),
        },
        Row {
            label: "最后修改时间",
            value: crate::domain::shanghai::format_minute(r.updated_at),
        },
    ];
    let code = f.credit_code.to_string();
    Ok(render(
        StatusCode::OK,
        &EntityPage {
            shell: s
                .shell(&f.name, Nav::Directory)
                .at(&format!("/console/entities/{code}")),
            name: f.name.clone(),
            status: f.status.label(),
            rows,
            history: history.iter().map(HistoryLine::of).collect(),
        },
    ))
}

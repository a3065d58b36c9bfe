//! What every console page shares: the frame (`Shell`: title, navigation, who is signed in,
//! the CSRF token for its forms, 大字), rendering a template into an answer, and the plain
//! message page (errors, refusals).

use askama::Template;
use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;

use super::Session;
use crate::service::ServiceError;

/// Which part of the console a page belongs to (its navigation link is marked current).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    None,
    Today,
    Penalties,
    Directory,
    Roster,
}

/// The frame of a page.
pub struct Shell {
    pub title: String,
    pub nav: Nav,
    /// The signed-in member of staff: name and role label.
    pub user: Option<(String, &'static str)>,
    /// The session's CSRF token (empty without a session).
    pub csrf: String,
    /// The signed-in member of staff manages the roster (the navigation offers it).
    pub admin: bool,
    pub large_text: bool,
    /// The style sheet's and the script's versioned addresses.
    pub css: String,
    pub js: String,
    /// Where the 大字 switch comes back to.
    pub here: String,
}

impl Shell {
    pub fn new(title: &str, nav: Nav, session: Option<&Session>, large_text: bool) -> Shell {
        Shell {
            title: title.to_string(),
            nav,
            user: session.map(|s| (s.actor.name.clone(), s.actor.role.map_or("", |r| r.label()))),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
            admin: session.is_some_and(|s| {
                s.actor
                    .require(crate::domain::policy::Action::ManageRoster)
                    .is_ok()
            }),
            large_text,
            css: super::asset_url("console.css"),
            js: super::asset_url("console.js"),
            here: String::new(),
        }
    }

    /// The page's own address, for the 大字 switch to come back to.
    pub fn at(mut self, here: &str) -> Shell {
        self.here = encode(here);
        self
    }

    pub fn is(&self, nav: Nav) -> bool {
        self.nav == nav
    }
}

/// A template rendered as an HTML answer with `status`.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => html(status, body),
        Err(e) => {
            tracing::error!(error = %e, "a console page failed to render");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!doctype html><html lang=\"zh-CN\"><title>出错了</title><p>页面生成失败，请稍后再试。</p></html>"
                    .to_string(),
            )
        }
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut res = Response::new(body.into());
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

/// A page with a heading and one paragraph (a refusal, a missing record, a failure).
#[derive(Template)]
#[template(path = "message.html")]
pub struct Message {
    pub shell: Shell,
    pub heading: String,
    pub text: String,
}

/// A message page without a session's frame.
pub fn message(status: StatusCode, heading: &str, text: &str) -> Response {
    render(
        status,
        &Message {
            shell: Shell::new(heading, Nav::None, None, false),
            heading: heading.to_string(),
            text: text.to_string(),
        },
    )
}

/// A service error as a page in Chinese, in the signed-in frame: the status the API would give,
/// the Chinese text the API gives (`zh`), or a general one.
pub fn error_page(session: &Session, e: ServiceError) -> Response {
    let problem = crate::http::problem::Problem::from(e);
    let status = problem.status();
    let heading = match status {
        StatusCode::NOT_FOUND => "没有找到",
        StatusCode::FORBIDDEN => "无权操作",
        StatusCode::CONFLICT => "不能这样操作",
        StatusCode::TOO_MANY_REQUESTS => "请稍后再试",
        s if s.is_server_error() => "系统出错",
        _ => "请求有误",
    };
    let text = problem.detail_zh;
    render(
        status,
        &Message {
            shell: session.shell(heading, Nav::None),
            heading: heading.to_string(),
            text,
        },
    )
}

/// A query string of the given filters, leaving out the blank ones (a next page's link keeps
/// the filters it was asked with).
pub fn query_string(filters: &[(&str, &Option<String>)]) -> String {
    filters
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes text for a query string value.
pub fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

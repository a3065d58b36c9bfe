//! The staff console (issue 28): Chinese pages for clerks and reviewers under `/console/`,
//! rendered on the server from compiled templates (`web/console/templates/`, askama) with one
//! style sheet and one small script of its own (`web/console/`), embedded in the binary.
//!
//! Every page calls the same service functions as the JSON API, so it is authorised by the same
//! policy, checked by the same rules and leaves the same audit record; the console only turns
//! forms into service calls and results into pages. Sign-in gives a session cookie
//! (`service::sessions`); every form that writes carries that session's CSRF token. The
//! pipeline gives every console answer `no-store`, a strict content-security policy and
//! `X-Frame-Options: DENY` (`Audience::Console`).

mod assets;
mod drafting;
mod entities;
mod form;
mod imports;
mod inspectors;
mod page;
mod penalties;
mod sign_in;
mod today;

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::AppState;
use crate::service::{self, Actor};

pub use assets::asset_url;
pub use page::Shell;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "gongshi_session";
/// The sign-in form's own cookie (its CSRF token before there is a session).
pub const SIGN_IN_COOKIE: &str = "gongshi_sign_in";
/// The 大字 (large text) preference, per browser.
pub const LARGE_TEXT_COOKIE: &str = "gongshi_large_text";

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let home = warp::path::end()
        .and(super::filters::get())
        .map(|| see_other("/console/"));
    home.or(sign_in::routes(state.clone()))
        .unify()
        .or(today::routes(state.clone()))
        .unify()
        .or(drafting::routes(state.clone()))
        .unify()
        .or(imports::routes(state.clone()))
        .unify()
        .or(entities::routes(state.clone()))
        .unify()
        .or(inspectors::routes(state.clone()))
        .unify()
        .or(penalties::routes(state))
        .unify()
        .or(assets::routes())
        .unify()
        .boxed()
}

/// A signed-in member of staff on a console request.
#[derive(Clone)]
pub struct Session {
    pub actor: Actor,
    /// The session cookie's value (to sign out and to derive the CSRF token).
    pub cookie: String,
    /// The CSRF token every form that writes carries.
    pub csrf: String,
    /// The 大字 preference of this browser.
    pub large_text: bool,
}

impl Session {
    /// The frame of every page for this member of staff.
    pub fn shell(&self, title: &str, nav: page::Nav) -> Shell {
        Shell::new(title, nav, Some(self), self.large_text)
    }
}

/// The request's session, if it has a live one.
pub fn session(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Option<Session>,), Error = std::convert::Infallible> + Clone {
    warp::cookie::optional::<String>(SESSION_COOKIE)
        .and(large_text())
        .and_then(move |cookie: Option<String>, large_text: bool| {
            let state = state.clone();
            async move {
                let Some(cookie) = cookie.filter(|c| !c.is_empty() && c.len() <= 128) else {
                    return Ok::<_, std::convert::Infallible>(None);
                };
                let presented = cookie.clone();
                let actor = state
                    .app
                    .blocking(move |app| service::sessions::actor_for(app, &presented))
                    .await;
                Ok(match actor {
                    Ok(Some(actor)) => Some(Session {
                        csrf: service::sessions::csrf_token(&cookie),
                        actor,
                        cookie,
                        large_text,
                    }),
                    Ok(None) => None,
                    Err(e) => {
                        tracing::error!(error = %e, "console session lookup failed");
                        None
                    }
                })
            }
        })
}

/// The request's live session, or a redirect to the sign-in page that comes back here.
pub fn signed_in(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Session,), Error = Rejection> + Clone {
    session(state)
        .and(warp::path::full())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(
            |s: Option<Session>, path: warp::path::FullPath, query: String| async move {
                match s {
                    Some(s) => Ok(s),
                    None => {
                        let back = if query.is_empty() {
                            path.as_str().to_string()
                        } else {
                            format!("{}?{query}", path.as_str())
                        };
                        Err(warp::reject::custom(SignInFirst(back)))
                    }
                }
            },
        )
}

/// A console page asked for without a live session: answered by a redirect to the sign-in page.
#[derive(Debug)]
pub struct SignInFirst(pub String);
impl warp::reject::Reject for SignInFirst {}

/// A console form whose CSRF token is not its session's: answered by a page saying so.
#[derive(Debug)]
pub struct StaleForm;
impl warp::reject::Reject for StaleForm {}

/// Turns the console's own rejections into pages; every other one goes on to the root
/// `recover` (problem+json), so a path the console does not serve is an ordinary 404.
pub async fn recover(r: Rejection) -> Result<Response, Rejection> {
    if let Some(SignInFirst(back)) = r.find() {
        let to = format!("/console/login?next={}", page::encode(back));
        return Ok(see_other(&to));
    }
    if r.find::<StaleForm>().is_some() {
        return Ok(page::message(
            StatusCode::FORBIDDEN,
            "页面已过期",
            "这个表单已失效（登录已过期，或页面打开太久）。请返回，刷新页面后再提交一次；未做任何修改。",
        ));
    }
    Err(r)
}

/// A 303 See Other to a path of this site (after a form, or to sign in).
pub fn see_other(to: &str) -> Response {
    let mut res = Response::new(Default::default());
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The 大字 preference of this browser.
fn large_text() -> impl Filter<Extract = (bool,), Error = std::convert::Infallible> + Clone {
    warp::cookie::optional::<String>(LARGE_TEXT_COOKIE)
        .map(|c: Option<String>| c.as_deref() == Some("1"))
}

/// Whether the request came over TLS (as a proxy in front says): cookies are then `Secure`.
pub fn over_tls() -> impl Filter<Extract = (bool,), Error = std::convert::Infallible> + Clone {
    super::filters::text_header("x-forwarded-proto").map(|p: Option<String>| {
        p.is_some_and(|p| {
            p.split(',')
                .next()
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
        })
    })
}

/// A `Set-Cookie` value for the console: `HttpOnly`, `SameSite=Strict`, sent only to
/// `/console`, `Secure` behind TLS; `max_age` seconds, or `None` for a
/// cookie that ends with the browser (a session's own end is the server's).
pub fn cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/console; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Adds a `Set-Cookie` to an answer.
pub fn with_cookie(mut res: Response, set_cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(set_cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A path of this console to come back to after signing in; anything else (another site, a
/// scheme-relative `//host`, a path outside the console) becomes the Today page.
pub fn safe_back(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n == "/console" || n.starts_with("/console/"))
                && !n.contains("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/console/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_comes_back_only_to_a_console_page() {
        assert_eq!(
            safe_back(Some("/console/penalties?state=draft")),
            "/console/penalties?state=draft"
        );
        assert_eq!(safe_back(Some("/console")), "/console");
        for bad in [
            "https://evil.example/",
            "//evil.example/console/",
            "/console//evil.example",
            "/console/\\evil",
            "/api/v1/users",
            "/consolex",
            "/console/\n",
            "",
        ] {
            assert_eq!(safe_back(Some(bad)), "/console/", "{bad:?}");
        }
        assert_eq!(safe_back(None), "/console/");
    }

    #[test]
    fn console_cookies_are_http_only_strict_and_secure_behind_tls() {
        let c = cookie(SESSION_COOKIE, "abc", None, false);
        assert_eq!(
            c,
            "gongshi_session=abc; Path=/console; HttpOnly; SameSite=Strict"
        );
        let c = cookie(SESSION_COOKIE, "", Some(0), true);
        assert!(c.ends_with("; Max-Age=0; Secure"), "{c}");
    }
}

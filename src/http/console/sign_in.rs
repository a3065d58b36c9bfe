//! Signing in and out, and the 大字 switch.
//!
//! The sign-in form is protected like every other form: its page sets a random cookie of its
//! own and puts the same value in the form, and a sign-in whose two differ is refused (so no
//! other site can sign a browser in to an account of its choosing). The name and password go
//! through the API login's own check (`service::sessions::sign_in`): the same throttle, the
//! same answer for an unknown name and a wrong password, the same audit of each refusal.

use std::sync::Arc;

use askama::Template;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::form::{form, Form};
use super::page::{render, Nav, Shell};
use super::{
    cookie, over_tls, safe_back, see_other, session, with_cookie, Session, LARGE_TEXT_COOKIE,
    SESSION_COOKIE, SIGN_IN_COOKIE,
};
use crate::domain::client::ClientKey;
use crate::http::filters::{client, get, with_state};
use crate::http::AppState;
use crate::service::auth::Login;
use crate::service::{sessions, ServiceError};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    token: String,
    next: String,
    name: String,
    error: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct TextSizeQuery {
    large: Option<String>,
    back: Option<String>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let page = warp::path!("console" / "login")
        .and(get())
        .and(session(state.clone()))
        .and(warp::cookie::optional::<String>(SIGN_IN_COOKIE))
        .and(
            warp::query::<LoginQuery>()
                .or(warp::any().map(LoginQuery::default))
                .unify(),
        )
        .and(super::large_text())
        .and(over_tls())
        .map(
            |s: Option<Session>, token: Option<String>, q: LoginQuery, large: bool, tls: bool| {
                let next = safe_back(q.next.as_deref());
                if s.is_some() {
                    return see_other(&next);
                }
                login_page(StatusCode::OK, token, next, String::new(), None, large, tls)
            },
        );
    let submit = warp::path!("console" / "login")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(warp::cookie::optional::<String>(SIGN_IN_COOKIE))
        .and(form())
        .and(client())
        .and(super::large_text())
        .and(over_tls())
        .and_then(submit);
    let logout = warp::path!("console" / "logout")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(super::form::checked(state))
        .and(over_tls())
        .and_then(logout);
    let text_size = warp::path!("console" / "text-size")
        .and(get())
        .and(
            warp::query::<TextSizeQuery>()
                .or(warp::any().map(TextSizeQuery::default))
                .unify(),
        )
        .and(over_tls())
        .map(|q: TextSizeQuery, tls: bool| {
            let on = q.large.as_deref() == Some("1");
            let back = safe_back(q.back.as_deref());
            // A preference, kept a year in this browser.
            let c = cookie(
                LARGE_TEXT_COOKIE,
                if on { "1" } else { "0" },
                Some(31_536_000),
                tls,
            );
            with_cookie(see_other(&back), &c)
        });
    page.or(submit)
        .unify()
        .or(logout)
        .unify()
        .or(text_size)
        .unify()
        .boxed()
}

/// The sign-in page; its form token is the browser's sign-in cookie, set when it has none.
fn login_page(
    status: StatusCode,
    token: Option<String>,
    next: String,
    name: String,
    error: Option<String>,
    large: bool,
    tls: bool,
) -> Response {
    let (token, fresh) = match token.filter(|t| t.len() == 64) {
        Some(t) => (t, false),
        None => (sessions::random_secret(), true),
    };
    let res = render(
        status,
        &LoginPage {
            shell: Shell::new("登录", Nav::None, None, large).at("/console/login"),
            token: token.clone(),
            next,
            name,
            error,
        },
    );
    if fresh {
        with_cookie(res, &cookie(SIGN_IN_COOKIE, &token, None, tls))
    } else {
        res
    }
}

/// Why a sign-in failed, as the page says it.
enum Refused {
    Throttled(u64),
    Wrong,
    Failed,
}

async fn submit(
    state: Arc<AppState>,
    token: Option<String>,
    f: Form,
    client: Option<ClientKey>,
    large: bool,
    tls: bool,
) -> Result<Response, std::convert::Infallible> {
    let next = safe_back(f.get("next"));
    let name = f.get("name").unwrap_or_default().to_string();
    let given = f.get("token").unwrap_or_default();
    let Some(token) = token.filter(|t| sessions::same_secret(t, given)) else {
        return Ok(login_page(
            StatusCode::FORBIDDEN,
            None,
            next,
            name,
            Some("登录页面已过期，请重新输入账号名和密码后登录。".into()),
            large,
            tls,
        ));
    };
    let login = Login {
        name: name.clone(),
        password: f.get("password").unwrap_or_default().to_string(),
    };
    let signed = state
        .app
        .blocking(move |app| sessions::sign_in(app, &login, client))
        .await;
    let signed = signed.map_err(|e| match e.unsaid() {
        ServiceError::TooManyAttempts { retry_after } => Refused::Throttled(*retry_after),
        ServiceError::Unauthorized(_) => Refused::Wrong,
        _ => {
            tracing::error!(error = %e, "console sign-in failed");
            Refused::Failed
        }
    });
    Ok(match signed {
        Ok(new) => {
            // A new cookie value at every sign-in (no session fixation); the sign-in cookie is
            // spent.
            let res = with_cookie(
                see_other(&next),
                &cookie(SESSION_COOKIE, &new.cookie, None, tls),
            );
            with_cookie(res, &cookie(SIGN_IN_COOKIE, "", Some(0), tls))
        }
        Err(Refused::Throttled(retry_after)) => login_page(
            StatusCode::TOO_MANY_REQUESTS,
            Some(token),
            next,
            name,
            Some(format!(
                "登录失败次数过多，请 {} 秒后再试。",
                retry_after.max(1)
            )),
            large,
            tls,
        ),
        Err(Refused::Wrong) => login_page(
            StatusCode::UNAUTHORIZED,
            Some(token),
            next,
            name,
            Some("账号名或密码错误，或账号已停用。".into()),
            large,
            tls,
        ),
        Err(Refused::Failed) => login_page(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(token),
            next,
            name,
            Some("系统暂时无法登录，请稍后再试。".into()),
            large,
            tls,
        ),
    })
}

async fn logout(
    state: Arc<AppState>,
    s: Session,
    _form: Form,
    tls: bool,
) -> Result<Response, std::convert::Infallible> {
    let (actor, cookie_value) = (s.actor.clone(), s.cookie.clone());
    if let Err(e) = state
        .app
        .blocking(move |app| sessions::sign_out(app, &actor, &cookie_value))
        .await
    {
        tracing::error!(error = %e, "console sign-out failed");
    }
    Ok(with_cookie(
        see_other("/console/login"),
        &cookie(SESSION_COOKIE, "", Some(0), tls),
    ))
}

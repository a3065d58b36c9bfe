//! CORS (issue 14): public answers, problems included, may be read by any site's pages (or the
//! configured ones); staff answers never carry a CORS header; public preflights are answered.

use reqwest::Method;

use crate::helpers::{spawn_app, spawn_app_tuned, TestApp};

const PORTAL: &str = "https://www.yinchuan.gov.cn";

async fn with_origin(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method, app.url(path))
        .header("origin", PORTAL);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

async fn preflight(app: &TestApp, path: &str, method: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header("origin", PORTAL)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap()
}

fn acao(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn public_answers_and_their_problems_allow_any_site_and_staff_answers_none() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/public/categories",
        "/api/v1/calendar/days/2026-10-01",
        "/api/v1/credit-codes/91640100MA76A1B2C3",
        "/api/v1/public/penalties/999999",
        "/api/v1/public/entities?limit=0",
    ] {
        let res = with_origin(&app, Method::GET, path, None).await;
        assert_eq!(
            acao(&res).as_deref(),
            Some("*"),
            "GET {path} ({})",
            res.status()
        );
    }
    let res = app
        .client
        .post(app.url("/api/v1/public/draws/rfc3797"))
        .header("origin", PORTAL)
        .json(&serde_json::json!({"pool_size": 25, "picks": 2, "sources": [[9319]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(acao(&res).as_deref(), Some("*"));
    for (method, path, token) in [
        (Method::GET, "/api/v1/users", Some(app.admin_token.as_str())),
        (Method::GET, "/api/v1/penalties", None),
        (Method::GET, "/api/v1/plans", Some(app.admin_token.as_str())),
        (Method::PUT, "/api/v1/calendar/CN/2027", None),
        (Method::POST, "/api/v1/auth/tokens", None),
    ] {
        let res = with_origin(&app, method.clone(), path, token).await;
        assert_eq!(acao(&res), None, "{method} {path} ({})", res.status());
    }
    app.stop().await;
}

#[tokio::test]
async fn a_public_preflight_is_answered_and_a_staff_one_is_not() {
    let app = spawn_app().await;
    let res = preflight(&app, "/api/v1/public/penalties", "GET").await;
    assert_eq!(res.status(), 204);
    assert_eq!(acao(&res).as_deref(), Some("*"));
    let h = res.headers();
    assert_eq!(h["access-control-allow-methods"], "GET, HEAD");
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("content-type"));
    assert_eq!(h["access-control-max-age"], "86400");
    let res = preflight(&app, "/api/v1/public/draws/rfc3797", "POST").await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["access-control-allow-methods"], "POST");
    for (path, method) in [
        ("/api/v1/users", "GET"),
        ("/api/v1/penalties/1/publish", "POST"),
        ("/api/v1/calendar/CN/2027", "PUT"),
        ("/api/v1/public/penalties", "DELETE"),
        ("/api/v1/public/nothing-here", "GET"),
    ] {
        let res = preflight(&app, path, method).await;
        assert_ne!(res.status(), 204, "{method} {path}");
        assert_eq!(acao(&res), None, "{method} {path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_allow_list_echoes_a_listed_origin_and_nothing_else() {
    let app = spawn_app_tuned(|s| {
        s.cors_origins = gongshi::http::middleware::cors::Origins::parse(&format!(
            "{PORTAL}, https://credit.nx.gov.cn"
        ))
        .unwrap();
    })
    .await;
    let res = with_origin(&app, Method::GET, "/api/v1/public/categories", None).await;
    assert_eq!(acao(&res).as_deref(), Some(PORTAL));
    assert!(res.headers().get_all("vary").iter().any(|v| v == "Origin"));
    let other = app
        .client
        .get(app.url("/api/v1/public/categories"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "the answer itself is public");
    assert_eq!(acao(&other), None);
    let res = preflight(&app, "/api/v1/public/plans", "GET").await;
    assert_eq!(res.status(), 204);
    assert_eq!(acao(&res).as_deref(), Some(PORTAL));
    app.stop().await;
}

/// Issue 24: the authorities' list is public by the route table. It was routed with the staff
/// routes, given `no-store`, then a public `Cache-Control` on top; now it has exactly one, with
/// its ETag and CORS, while writing authorities stays a staff answer.
#[tokio::test]
async fn the_authorities_list_is_public_with_exactly_one_cache_control() {
    let app = spawn_app().await;
    let res = with_origin(&app, Method::GET, "/api/v1/authorities", None).await;
    assert_eq!(res.status(), 200);
    let cache: Vec<_> = res.headers().get_all("cache-control").iter().collect();
    assert_eq!(cache, ["public, max-age=60"]);
    assert_eq!(acao(&res).as_deref(), Some("*"));
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let again = app
        .client
        .get(app.url("/api/v1/authorities"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let res = preflight(&app, "/api/v1/authorities", "GET").await;
    assert_eq!(res.status(), 204);
    for (method, path) in [
        (Method::POST, "/api/v1/authorities"),
        (Method::PATCH, "/api/v1/authorities/1"),
    ] {
        let res = with_origin(&app, method.clone(), path, Some(&app.admin_token)).await;
        assert_eq!(acao(&res), None, "{method} {path} ({})", res.status());
        let cache: Vec<_> = res.headers().get_all("cache-control").iter().collect();
        assert_eq!(cache, ["no-store"], "{method} {path}");
    }
    app.stop().await;
}

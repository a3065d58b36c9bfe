//! Per-client rate limits on the public group (issue 14): 429 problem+json with Retry-After,
//! before any work; staff routes and loopback clients (unless asked) are not limited.

use chrono::{Duration, TimeZone, Utc};
use gongshi::domain::rate::Rate;
use gongshi::http::rate_limit::RateSettings;

use crate::helpers::{assert_problem, spawn_app, spawn_app_tuned, TestApp};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

async fn limited(trust_forwarded_for: bool) -> TestApp {
    spawn_app_tuned(|s| {
        s.clock = gongshi::clock::Clock::fixed(at());
        s.rate = RateSettings {
            rate: Some(Rate {
                per_second: 1.0,
                burst: 3,
            }),
            limit_loopback: !trust_forwarded_for,
            trust_forwarded_for,
        };
    })
    .await
}

async fn get_from(app: &TestApp, path: &str, forwarded: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_and_then_is_served_again() {
    let app = limited(false).await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/public/categories").await.status(), 200);
    }
    let res = app.get("/api/v1/public/penalties").await;
    assert_eq!(res.headers()["retry-after"], "1");
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let body = assert_problem(res, 429, "rate-limited").await;
    assert!(body["detail"].as_str().unwrap().contains("1 s"));
    // Staff routes are not limited.
    let staff = app.get_as(&app.admin_token, "/api/v1/users").await;
    assert_eq!(staff.status(), 200);
    // A second later one more request is allowed.
    app.clock().set(at() + Duration::seconds(1)).unwrap();
    assert_eq!(app.get("/api/v1/public/categories").await.status(), 200);
    assert_eq!(app.get("/api/v1/public/categories").await.status(), 429);
    app.stop().await;
}

#[tokio::test]
async fn behind_a_proxy_each_forwarded_client_has_its_own_bucket() {
    let app = limited(true).await;
    for _ in 0..3 {
        let res = get_from(&app, "/api/v1/public/categories", Some("203.0.113.7")).await;
        assert_eq!(res.status(), 200);
    }
    // The proxy appends the client it saw: the last address counts, not one the client forged.
    let forged = get_from(
        &app,
        "/api/v1/public/categories",
        Some("198.51.100.1, 203.0.113.7"),
    )
    .await;
    assert_eq!(forged.status(), 429);
    let other = get_from(&app, "/api/v1/public/categories", Some("203.0.113.8")).await;
    assert_eq!(other.status(), 200);
    // The proxy's own loopback address is not limited when no client is named.
    for _ in 0..5 {
        assert_eq!(app.get("/api/v1/public/categories").await.status(), 200);
    }
    app.stop().await;
}

#[tokio::test]
async fn loopback_clients_are_not_limited_by_default() {
    let app = spawn_app().await;
    for _ in 0..60 {
        assert_eq!(app.get("/api/v1/public/categories").await.status(), 200);
    }
    app.stop().await;
}

//! Per-client rate limits on the public group (issue 14): 429 problem+json with Retry-After,
//! before any work; staff routes and loopback clients (unless asked) are not limited.

use chrono::{Duration, TimeZone, Utc};
use gongshi::domain::rate::Rate;
use gongshi::http::middleware::rate_limit::RateSettings;

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
            ipv6_prefix: 64,
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

/// Issue 23, finding 5: addresses of one IPv6 /64 are one client, an IPv4-mapped address is its
/// IPv4 client, and a forwarded entry that cannot be read or names a loopback address is one
/// shared client that is limited (not the proxy's exempt loopback).
#[tokio::test]
async fn behind_a_proxy_a_client_cannot_spread_over_spellings_or_hide_as_loopback() {
    let app = limited(true).await;
    let statuses = |forwarded: Vec<String>| {
        let app = &app;
        async move {
            let mut out = Vec::new();
            for f in forwarded {
                out.push(
                    get_from(app, "/api/v1/public/categories", Some(&f))
                        .await
                        .status()
                        .as_u16(),
                );
            }
            out
        }
    };
    // Five addresses of one /64: three through, then limited.
    let v6: Vec<String> = (1..=5).map(|i| format!("2001:db8:1:2::{i:x}")).collect();
    assert_eq!(statuses(v6).await, [200, 200, 200, 429, 429]);
    // Another /64 is another client, in the bracket-and-port form too.
    assert_eq!(statuses(vec!["[2001:db8:1:3::1]:443".into()]).await, [200]);
    // IPv4 and its mapped form are one client; ports do not make new ones.
    let v4 = vec![
        "203.0.113.9".to_string(),
        "::ffff:203.0.113.9".into(),
        "203.0.113.9:5555".into(),
        "[::ffff:203.0.113.9]:80".into(),
    ];
    assert_eq!(statuses(v4).await, [200, 200, 200, 429]);
    // Unreadable or loopback entries share one bucket, which is limited.
    let unknown = vec![
        "unknown".to_string(),
        "1.2.3.4,".into(),
        "127.0.0.1".into(),
        "::1".into(),
    ];
    assert_eq!(statuses(unknown).await, [200, 200, 200, 429]);
    app.stop().await;
}

/// Issue 23, finding 7: the open verifier charges a large draw more of the client's rate.
#[tokio::test]
async fn a_large_verifier_draw_costs_more_of_the_rate_than_a_small_one() {
    let app = spawn_app_tuned(|s| {
        s.clock = gongshi::clock::Clock::fixed(at());
        s.rate = RateSettings {
            rate: Some(Rate {
                per_second: 1.0,
                burst: 40,
            }),
            limit_loopback: true,
            trust_forwarded_for: false,
            ipv6_prefix: 64,
        };
    })
    .await;
    let draw = |pool: u64, picks: u64| serde_json::json!({"pool_size": pool, "picks": picks, "sources": [[1, 2, 3]]});
    // 20,000 picks from a million: 1 + 9 + 15 = 25 requests' worth of the burst of 40.
    let res = app
        .post_json(
            None,
            "/api/v1/public/draws/rfc3797",
            &draw(1_000_000, 20_000),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_json(
            None,
            "/api/v1/public/draws/rfc3797",
            &draw(1_000_000, 20_000),
        )
        .await;
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_problem(res, 429, "rate-limited").await;
    assert_eq!(
        wait, 10,
        "15 left, one taken at the gate, 24 more wanted at 1/s"
    );
    // A small draw costs one request, like any other.
    app.clock().set(at() + Duration::seconds(40)).unwrap();
    for _ in 0..40 {
        let res = app
            .post_json(None, "/api/v1/public/draws/rfc3797", &draw(100, 5))
            .await;
        assert_eq!(res.status(), 200);
    }
    app.stop().await;
}

/// Issue 23, finding 5 (and issue 24's "one answer to who the client is"): behind a trusted proxy
/// the login throttle counts the forwarded client, not the proxy, so one client's failures do not
/// lock everyone out.
#[tokio::test]
async fn behind_a_proxy_failed_logins_lock_the_forwarded_client_only() {
    let app = limited(true).await;
    let login = |name: String, client: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/auth/tokens"))
                .header("x-forwarded-for", client)
                .json(&serde_json::json!({"name": name, "password": "wrong password!"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for i in 0..20 {
        assert_eq!(login(format!("nobody{i}"), "203.0.113.20").await, 401);
    }
    assert_eq!(login("nobody-else".into(), "203.0.113.20").await, 429);
    assert_eq!(login("nobody-else".into(), "203.0.113.21").await, 401);
    app.stop().await;
}

//! Public answers kept in memory per data version (issue 14): a write through this instance is
//! seen by its writer's next answer, a write through another instance on the same database (or
//! any other connection) within moments, through the watch; a kept answer is byte-identical to a
//! computed one, its conditional requests get 304, and CORS follows each request's Origin.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{credit_code, spawn_app_on, spawn_app_tuned, TestApp};

const LIST: &str = "/api/v1/public/entities?limit=100";

async fn names(app: &TestApp) -> (Vec<String>, String) {
    let res = app.get(LIST).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let v: Value = res.json().await.unwrap();
    let names = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    (names, etag)
}

/// The list once it holds `n` names, asked again until then: a write through another connection
/// reaches this instance's answers through its watch (every 2 ms); five seconds is for a loaded
/// CI machine. Returns the answer and how long it took to show the write.
async fn names_once(app: &TestApp, n: usize) -> ((Vec<String>, String), Duration) {
    let start = Instant::now();
    loop {
        let answer = names(app).await;
        if answer.0.len() == n || start.elapsed() > Duration::from_secs(5) {
            return (answer, start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The list asked for with `If-None-Match: tag`.
async fn held(app: &TestApp, tag: &str) -> reqwest::Response {
    app.client
        .get(app.url(LIST))
        .header("if-none-match", tag)
        .send()
        .await
        .unwrap()
}

async fn add(app: &TestApp, n: u32, name: &str) {
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": credit_code("640104", n), "name": name,
                    "category": "互联网上网服务营业场所", "district": "640104"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_through_another_instance_is_seen_within_moments_and_ones_own_at_once() {
    let first = crate::helpers::spawn_app().await;
    let second = spawn_app_on(Arc::clone(&first.test_db)).await;
    add(&first, 1, "银川星光网吧").await;
    let (before, tag) = names(&first).await;
    assert_eq!(before, ["银川星光网吧"]);
    // Asked again: the same answer (now from memory), the same tag, 304 when held.
    assert_eq!(names(&first).await, (before.clone(), tag.clone()));
    let res = held(&first, &tag).await;
    assert_eq!(res.status(), 304);
    assert!(res.bytes().await.unwrap().is_empty());
    // Writes through the other instance: the first one's watch sees each within moments (the
    // version is also read again once a second, which alone would take 500 ms on average).
    for n in 2..=7 {
        add(&second, n, &format!("银川月光{n}号网咖")).await;
        let ((after, new_tag), took) = names_once(&first, n as usize).await;
        assert_eq!(
            after.len(),
            n as usize,
            "the first instance shows it: {after:?}"
        );
        assert!(
            took < Duration::from_millis(300),
            "seen through the watch, not the once-a-second reread: {took:?}"
        );
        assert_ne!(new_tag, tag);
    }
    let res = held(&first, &tag).await;
    assert_eq!(res.status(), 200, "an old tag gets the new answer");
    // And the other way round.
    add(&first, 8, "银川日光网吧").await;
    assert_eq!(names_once(&second, 8).await.0 .0.len(), 8);
    // A writer's own next answer shows its write at once, without waiting for the watch.
    for n in 9..13 {
        add(&second, n, &format!("银川星光{n}号网吧")).await;
        assert_eq!(names(&second).await.0.len(), n as usize);
    }
    second.stop().await;
    first.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_answer_carries_the_same_bytes_and_headers_and_cors_follows_each_origin() {
    let app = spawn_app_tuned(|s| {
        s.cors_origins =
            gongshi::http::middleware::cors::Origins::parse("https://a.gov.cn,https://b.gov.cn")
                .unwrap();
    })
    .await;
    add(&app, 1, "银川星光网吧").await;
    let ask = |origin: &'static str| {
        app.client
            .get(app.url(LIST))
            .header("origin", origin)
            .send()
    };
    let first = ask("https://a.gov.cn").await.unwrap();
    let second = ask("https://b.gov.cn").await.unwrap();
    let third = ask("https://evil.example").await.unwrap();
    for (res, allowed) in [
        (&first, Some("https://a.gov.cn")),
        (&second, Some("https://b.gov.cn")),
        (&third, None),
    ] {
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap()),
            allowed
        );
        assert_eq!(res.headers()["vary"], "Origin");
        assert_eq!(res.headers()["cache-control"], "public, max-age=60");
        assert_eq!(res.headers()["content-type"], "application/json");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    }
    assert_eq!(first.headers()["etag"], second.headers()["etag"]);
    let (a, b) = (first.bytes().await.unwrap(), second.bytes().await.unwrap());
    assert_eq!(a, b);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_sees_a_commit_by_any_other_connection_and_no_read() {
    let app = crate::helpers::spawn_app().await;
    let mut watch = app.db.watch().unwrap();
    let changed = |w: &mut gongshi::store::changes::CommitListener| w.changed().unwrap();
    assert!(
        !changed(&mut watch),
        "nothing was committed since it opened"
    );
    names(&app).await;
    app.get("/api/v1/public/penalties").await;
    assert!(!changed(&mut watch), "reads commit nothing");
    add(&app, 1, "银川星光网吧").await;
    // PostgreSQL delivers the notice asynchronously: it may take a moment to arrive.
    let start = Instant::now();
    while !changed(&mut watch) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "a committed write is never noticed"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!changed(&mut watch), "one write is noticed once");
    app.stop().await;
}

//! Failed logins are throttled per account name and per client address, and audited without
//! the password (hardening #3).

use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app_at};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_the_name_for_fifteen_minutes_and_each_is_audited() {
    use chrono::TimeZone;
    let start = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap();
    let app = spawn_app_at(start).await;
    app.user_with_role("zhang", "clerk").await;
    for _ in 0..5 {
        let res = app.login("zhang", "not the password!").await;
        assert_problem(res, 401, "unauthorized").await;
    }
    // Locked now, even with the right password; the answer says how long to wait.
    let res = app.login("zhang", "a long test password").await;
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry_after, 15 * 60);
    let p = assert_problem(res, 429, "too-many-attempts").await;
    assert!(p["detail"].as_str().unwrap().contains("900 s"), "{p}");
    // Another name from the same address is not locked (5 < 20 failures from it).
    app.user_with_role("wang", "clerk").await;
    assert_eq!(
        app.login("wang", "a long test password").await.status(),
        201
    );

    // The failures are in the audit log, with the client's address and without the password.
    let log: Value = app
        .get_as(&app.admin_token, "/api/v1/audit?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let failed: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "login.failed")
        .collect();
    assert_eq!(failed.len(), 5);
    assert_eq!(failed[0]["after"]["name"], "zhang");
    assert_eq!(failed[0]["after"]["client"], "127.0.0.1");
    assert_eq!(failed[0]["after"]["reason"], "wrong_password");
    assert!(!log.to_string().contains("not the password!"));

    // Fifteen minutes after the first failure the name may try again.
    app.clock()
        .set(start + chrono::Duration::minutes(15))
        .unwrap();
    assert_eq!(
        app.login("zhang", "a long test password").await.status(),
        201
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_failures_from_one_address_lock_the_address() {
    use chrono::TimeZone;
    let app = spawn_app_at(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap()).await;
    app.user_with_role("real", "clerk").await;
    for i in 0..20 {
        let res = app.login(&format!("guess{i}"), "whatever it is").await;
        assert_problem(res, 401, "unauthorized").await;
    }
    let res = app.login("real", "a long test password").await;
    assert_problem(res, 429, "too-many-attempts").await;
    app.stop().await;
}

//! A busy SQLite database answers 503 `database-busy` with Retry-After, never 500 (hardening #5).
//! SQLite only: PostgreSQL has no database-wide write lock.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::json;

use crate::helpers::{assert_problem, credit_code, spawn_app_tuned, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_cannot_get_the_lock_is_a_503_and_writes_nothing() {
    let app = spawn_app_tuned(|s| s.sqlite_busy_timeout = Duration::from_millis(200)).await;
    let TestDb::Sqlite { url, .. } = &*app.test_db else {
        return;
    };
    let path = match url {
        gongshi::config::DatabaseUrl::Sqlite(p) => p.clone(),
        other => panic!("{other:?}"),
    };
    // Another process's long import: it holds the write lock.
    let mut other = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    other.batch_execute("BEGIN IMMEDIATE").unwrap();

    let body = json!({"credit_code": credit_code("640104", 5), "name": "银川星光网吧",
                      "category": "网吧", "district": "640104"});
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/entities", &body)
        .await;
    assert_eq!(res.headers()["retry-after"], "5");
    assert_problem(res, 503, "database-busy").await;

    other.batch_execute("ROLLBACK").unwrap();
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/entities", &body)
        .await;
    assert_eq!(
        res.status(),
        201,
        "nothing was half-written: the same entity is new"
    );
    app.stop().await;
}

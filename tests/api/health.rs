use crate::helpers::{assert_problem, spawn_app, TestDb};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_the_backend_after_a_real_query() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.test_db.url().backend());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_reports_version_and_backend() {
    let app = spawn_app().await;
    let body: Value = app.get("/api/v1/meta").await.json().await.unwrap();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["api_version"], "v1");
    assert_eq!(body["database"], app.test_db.url().backend());
    let cn = body["calendar"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region"] == "CN")
        .unwrap()
        .clone();
    assert_eq!(
        (
            cn["first_year"].as_i64(),
            cn["last_year"].as_i64(),
            cn["years"].as_i64()
        ),
        (Some(2007), Some(2026), Some(20))
    );
    assert_eq!(body["calendar"]["default_region"], "CN");
    app.stop().await;
}

/// PostgreSQL only: dropping the database under the running server is a real outage.
/// (An open SQLite file cannot be taken away from a process that holds it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_is_503_problem_when_the_database_is_gone() {
    let app = spawn_app().await;
    let TestDb::Postgres {
        admin_url, name, ..
    } = &*app.test_db
    else {
        eprintln!("skipped on SQLite: runs in the PostgreSQL pass of .ci/run");
        return;
    };
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut admin = diesel::PgConnection::establish(admin_url).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();
    let body = assert_problem(app.get("/healthz").await, 503, "database-unavailable").await;
    assert!(
        !body["detail"].as_str().unwrap().contains(name.as_str()),
        "no internals in the body: {body}"
    );
    app.stop().await;
}

//! PostgreSQL connections the server drops (a restart, an administrator's `pg_terminate_backend`,
//! an idle timeout on the way) are replaced without restarting gongshi. A connection that
//! answered within the last 500 ms is handed out without a ping (`store::liveness`), so a drop
//! inside that window may fail the next request on it, as a retryable 503, never a 500; an idler
//! connection is pinged and replaced before any request uses it. SQLite's connections are files
//! in this process and cannot be dropped from outside: on SQLite these tests have nothing to do.

use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use gongshi::config::DatabaseUrl;

use crate::helpers::{spawn_app_tuned, TestApp};

const POOL: u32 = 3;

/// Terminates every connection to the app's database but this one (the pool's and the change
/// watch's); waits until they are gone. `None` on SQLite.
fn drop_connections(app: &TestApp) -> Option<i64> {
    let DatabaseUrl::Postgres(url) = app.test_db.url() else {
        return None;
    };
    #[derive(diesel::QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = PgConnection::establish(url).expect("connect");
    let ended: Ended = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS n \
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .get_result(&mut c)
    .expect("terminate");
    Some(ended.n)
}

async fn staff_list(app: &TestApp) -> reqwest::Response {
    app.get_as(&app.admin_token, "/api/v1/entities?limit=5")
        .await
}

/// A server with a pool of [`POOL`] whose connections have all just answered, then were dropped;
/// `None` on SQLite (the server is stopped then).
async fn busy_then_dropped() -> Option<TestApp> {
    let app = spawn_app_tuned(|s| s.pool_size = POOL).await;
    for _ in 0..3 {
        assert_eq!(staff_list(&app).await.status(), 200);
    }
    let Some(ended) = drop_connections(&app) else {
        app.stop().await;
        return None;
    };
    assert!(ended >= 1, "the pool's connections were open");
    Some(app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_while_idle_are_replaced_before_any_request_uses_them() {
    let Some(app) = busy_then_dropped().await else {
        return;
    };
    // Past the window in which a connection is trusted without a ping.
    tokio::time::sleep(Duration::from_millis(700)).await;
    for i in 0..10 {
        let res = staff_list(&app).await;
        assert_eq!(res.status(), 200, "request {i} after the drop");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_while_busy_fail_at_most_one_request_each_and_only_as_a_503() {
    let Some(app) = busy_then_dropped().await else {
        return;
    };
    let mut failed = 0;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let res = staff_list(&app).await;
        let status = res.status().as_u16();
        statuses.push(status);
        if status != 200 {
            assert_eq!(
                status, 503,
                "a lost connection is a retryable failure: {statuses:?}"
            );
            let body: serde_json::Value = res.json().await.unwrap();
            assert!(
                body["type"]
                    .as_str()
                    .unwrap()
                    .ends_with("database-unavailable"),
                "{body}"
            );
            failed += 1;
        }
    }
    // Each request checks out two connections at most (the token, then the list): a lost one
    // is discarded, never handed out again.
    assert!(failed <= POOL as usize, "{statuses:?}");
    assert!(
        statuses[statuses.len() - 10..].iter().all(|s| *s == 200),
        "recovered: {statuses:?}"
    );
    app.stop().await;
}

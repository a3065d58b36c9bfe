//! PostgreSQL connections the server drops (a restart, an administrator's `pg_terminate_backend`,
//! an idle timeout on the way) are replaced without restarting gongshi. A connection that
//! answered within the last 500 ms is handed out without a ping (`store::liveness`), so a drop
//! inside that window fails the next query on it, as a retryable 503, never a 500, and the
//! connection is then replaced; an idler connection is pinged and replaced before any request
//! uses it. SQLite's connections are files
//! in this process and cannot be dropped from outside: on SQLite these tests have nothing to do.

use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use gongshi::config::DatabaseUrl;

use crate::helpers::{spawn_app_tuned, TestApp};

const POOL: u32 = 3;

/// Terminates every client connection to the app's database (the pool's and the change
/// watch's); waits until they are gone. `None` on SQLite.
fn drop_connections(app: &TestApp) -> Option<i64> {
    let DatabaseUrl::Postgres(url) = app.test_db.url() else {
        return None;
    };
    Some(terminate_others(url))
}

async fn staff_list(app: &TestApp) -> reqwest::Response {
    app.get_as(&app.admin_token, "/api/v1/entities?limit=5")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_while_idle_are_replaced_before_any_request_uses_them() {
    let app = spawn_app_tuned(|s| s.pool_size = POOL).await;
    for _ in 0..3 {
        assert_eq!(staff_list(&app).await.status(), 200);
    }
    let Some(ended) = drop_connections(&app) else {
        return app.stop().await;
    };
    assert!(ended >= 1, "the pool's connections were open");
    // Past the window in which a connection is trusted without a ping.
    tokio::time::sleep(Duration::from_millis(700)).await;
    for i in 0..10 {
        let res = staff_list(&app).await;
        assert_eq!(res.status(), 200, "request {i} after the drop");
    }
    app.stop().await;
}

/// The window itself, on the pool: a connection dropped right after it answered is handed out
/// unpinged, fails its query as a lost connection (503), and is never handed out again.
#[test]
fn a_connection_dropped_right_after_it_answered_fails_once_then_is_replaced() {
    use gongshi::service::ServiceError;
    use gongshi::store::{ping, Db};
    let test_db = crate::helpers::TestDb::new();
    let DatabaseUrl::Postgres(url) = test_db.url() else {
        return;
    };
    let db = Db::open(test_db.url(), 1).unwrap();
    // The drop must land inside the 500 ms window; a machine too busy for that gets more tries.
    let mut tries = 0;
    let failure = loop {
        tries += 1;
        ping(&mut db.get().unwrap()).expect("a fresh connection answers");
        let answered = std::time::Instant::now();
        assert_eq!(terminate_others(url), 1, "the pool's one connection");
        let mut conn = db.get().expect("handed out without a ping");
        let result = ping(&mut conn);
        drop(conn);
        if answered.elapsed() < Duration::from_millis(400) || tries == 5 {
            break result.expect_err("the dropped connection was handed out unpinged");
        }
    };
    assert!(
        matches!(ServiceError::from(failure), ServiceError::Unavailable(_)),
        "a lost connection answers 503"
    );
    // Discarded on its return: the next checkout opens a new one, which answers.
    ping(&mut db.get().unwrap()).expect("replaced");
    assert_eq!(terminate_others(url), 1, "one live connection, the new one");
}

/// Terminates every other client connection to the database at `url`; how many ended.
fn terminate_others(url: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = PgConnection::establish(url).expect("connect");
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS n \
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND backend_type = 'client backend'",
    )
    .get_result::<Ended>(&mut c)
    .expect("terminate")
    .n
}

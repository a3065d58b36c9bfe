//! Starts the real server on port 0 with a fresh database: a temporary SQLite file, or, when
//! GONGSHI_TEST_POSTGRES_URL is set, a fresh PostgreSQL database created (and dropped) through it.

use std::net::SocketAddr;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use gongshi::clock::Clock;
use gongshi::config::DatabaseUrl;
use gongshi::http::server::{Running, Settings};
use gongshi::service::calendar::Calendars;
use gongshi::service::{self, users::NewUser, Actor, App};
use gongshi::store::Db;
use serde_json::Value;

pub const POSTGRES_ENV: &str = "GONGSHI_TEST_POSTGRES_URL";

/// A database that exists for one test and is removed after it.
pub enum TestDb {
    /// The folder is kept only to be deleted when the test ends.
    Sqlite {
        _dir: tempfile::TempDir,
        url: DatabaseUrl,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: DatabaseUrl,
    },
}

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var(POSTGRES_ENV) {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                let name = format!("gongshi_test_{}", random_suffix());
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin_url} is not reachable: {e}"));
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let mut url =
                    url::Url::parse(&admin_url).expect("GONGSHI_TEST_POSTGRES_URL is a URL");
                url.set_path(&format!("/{name}"));
                TestDb::Postgres {
                    admin_url,
                    name,
                    url: DatabaseUrl::Postgres(url.to_string()),
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = DatabaseUrl::Sqlite(dir.path().join("gongshi.db"));
                TestDb::Sqlite { _dir: dir, url }
            }
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// A copy of this database as an operator moves it to another machine: `VACUUM INTO` a new
    /// file (SQLite), `pg_dump | psql` into a new database (PostgreSQL).
    pub fn copy(&self) -> TestDb {
        match self {
            TestDb::Sqlite { url, .. } => {
                let dir = tempfile::tempdir().expect("temp dir");
                let target = dir.path().join("gongshi.db");
                let DatabaseUrl::Sqlite(source) = url else {
                    unreachable!()
                };
                let mut c = diesel::SqliteConnection::establish(&source.display().to_string())
                    .expect("open the SQLite database");
                c.batch_execute(&format!("VACUUM INTO '{}'", target.display()))
                    .expect("VACUUM INTO");
                TestDb::Sqlite {
                    _dir: dir,
                    url: DatabaseUrl::Sqlite(target),
                }
            }
            TestDb::Postgres { admin_url, .. } => {
                let name = format!("gongshi_copy_{}", random_suffix());
                let mut admin = diesel::PgConnection::establish(admin_url).expect("admin");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the copy");
                let mut target = url::Url::parse(admin_url).expect("a URL");
                target.set_path(&format!("/{name}"));
                let target = target.to_string();
                let source = self.url_string();
                let status = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(format!(
                        "pg_dump --no-owner '{source}' | psql -q -v ON_ERROR_STOP=1 '{target}' >/dev/null"
                    ))
                    .status()
                    .expect("run pg_dump | psql");
                assert!(status.success(), "pg_dump | psql failed");
                TestDb::Postgres {
                    admin_url: admin_url.clone(),
                    name,
                    url: DatabaseUrl::Postgres(target),
                }
            }
        }
    }

    /// The URL as the CLI takes it.
    pub fn url_string(&self) -> String {
        match self.url() {
            DatabaseUrl::Sqlite(p) => p.display().to_string(),
            DatabaseUrl::Postgres(u) => u.clone(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
        {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{}_{n:016x}", std::process::id())
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    /// The running server's application (its database, calendars and clock).
    pub app: App,
    pub db: Db,
    pub admin_token: String,
    server: Option<Running>,
    // Dropped last: the database must outlive the server.
    pub test_db: Arc<TestDb>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(
        &self,
        token: Option<&str>,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn patch_json(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_csv(&self, token: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// How many audit records exist (admin view of the log).
    pub async fn audit_count(&self) -> usize {
        self.audit_records().await.len()
    }

    /// Every audit record, oldest first (admin view of the log).
    pub async fn audit_records(&self) -> Vec<Value> {
        let mut after = 0;
        let mut all = Vec::new();
        loop {
            let page: Value = self
                .get_as(
                    &self.admin_token,
                    &format!("/api/v1/audit?after={after}&limit=1000"),
                )
                .await
                .json()
                .await
                .unwrap();
            let items = page["items"].as_array().unwrap();
            let Some(last) = items.last() else {
                return all;
            };
            after = last["seq"].as_i64().unwrap();
            all.extend(items.iter().cloned());
        }
    }

    /// `POST /api/v1/auth/tokens` with a name and password.
    pub async fn login(&self, name: &str, password: &str) -> reqwest::Response {
        self.post_json(
            None,
            "/api/v1/auth/tokens",
            &serde_json::json!({"name": name, "password": password}),
        )
        .await
    }

    /// `DELETE /api/v1/auth/tokens/current` with `token`: signs out.
    pub async fn sign_out(&self, token: &str) -> reqwest::Response {
        self.client
            .delete(self.url("/api/v1/auth/tokens/current"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Creates a staff account through the API and returns a token for it.
    pub async fn user_with_role(&self, name: &str, role: &str) -> String {
        let password = "a long test password";
        let res = self
            .post_json(
                Some(&self.admin_token),
                "/api/v1/users",
                &serde_json::json!({"name": name, "role": role, "password": password}),
            )
            .await;
        assert_eq!(
            res.status(),
            201,
            "create {name}: {}",
            res.text().await.unwrap()
        );
        let res = self
            .post_json(
                None,
                "/api/v1/auth/tokens",
                &serde_json::json!({"name": name, "password": password}),
            )
            .await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The account named `name`, as the admin's user list shows it.
    pub async fn find_user(&self, name: &str) -> Value {
        let users: Value = self
            .get_as(&self.admin_token, "/api/v1/users")
            .await
            .json()
            .await
            .unwrap();
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .unwrap_or_else(|| panic!("no user named {name}"))
            .clone()
    }

    /// The server's clock (fixed when started with [`spawn_app_at`]).
    pub fn clock(&self) -> &Clock {
        self.app.clock()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }
}

/// A server on a fresh database, with an admin account whose token is `admin_token`.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Arc::new(TestDb::new())).await
}

/// A server on an existing test database (a second instance beside the first, say).
pub async fn spawn_app_on(test_db: Arc<TestDb>) -> TestApp {
    spawn_app_with(test_db, "CN").await
}

/// A server with the given GONGSHI_CALENDAR_REGIONS, seeded as `gongshi serve` seeds.
pub async fn spawn_app_with(test_db: Arc<TestDb>, regions: &str) -> TestApp {
    start(test_db, regions, Clock::system()).await
}

/// A server on a fresh database whose clock stands at `at` (move it with `app.clock().set`).
pub async fn spawn_app_at(at: chrono::DateTime<chrono::Utc>) -> TestApp {
    start(Arc::new(TestDb::new()), "CN", Clock::fixed(at)).await
}

/// A server on a fresh database with settings changed by `tune` (timeouts, say).
pub async fn spawn_app_tuned(tune: impl FnOnce(&mut Settings)) -> TestApp {
    start_tuned(Arc::new(TestDb::new()), "CN", Clock::system(), tune).await
}

/// A server on an existing database (a copy), tuned.
pub async fn spawn_app_on_tuned(test_db: Arc<TestDb>, tune: impl FnOnce(&mut Settings)) -> TestApp {
    start_tuned(test_db, "CN", Clock::system(), tune).await
}

/// Starts the server exactly as `gongshi serve` does (`gongshi::http::server::start`), then creates an
/// admin account from the console.
async fn start(test_db: Arc<TestDb>, regions: &str, clock: Clock) -> TestApp {
    start_tuned(test_db, regions, clock, |_| {}).await
}

async fn start_tuned(
    test_db: Arc<TestDb>,
    regions: &str,
    clock: Clock,
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        pool_size: 4,
        calendar_regions: Calendars::parse_regions(regions).unwrap(),
        clock,
        ..Settings::new(test_db.url().clone())
    };
    tune(&mut settings);
    let running = gongshi::http::server::start(settings)
        .await
        .expect("start the server");
    let app = running.app.clone();
    let admin_token = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || {
            let name = format!("admin_{}", random_suffix());
            let new = NewUser::parse(&name, "admin", "admin password 123").unwrap();
            let (_, token) = service::users::create_with_token(
                &app,
                &Actor::command_line(),
                new,
                chrono::Duration::hours(1),
            )
            .unwrap();
            token.token
        })
        .await
        .unwrap()
    };
    TestApp {
        addr: running.addr,
        // The suite reads problems in English (`Accept-Language: en`), which names values the
        // way its assertions do; `language.rs` checks the zh-CN default with a client that sends
        // no such header.
        client: reqwest::Client::builder()
            .default_headers(
                [(
                    reqwest::header::ACCEPT_LANGUAGE,
                    reqwest::header::HeaderValue::from_static("en"),
                )]
                .into_iter()
                .collect(),
            )
            .build()
            .expect("a client"),
        db: app.db().clone(),
        app,
        admin_token,
        server: Some(running),
        test_db,
    }
}

/// Asserts a problem+json response and returns its body.
pub async fn assert_problem(res: reqwest::Response, status: u16, type_suffix: &str) -> Value {
    assert_eq!(res.status().as_u16(), status);
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(ct.as_deref(), Some("application/problem+json"));
    let body: Value = res.json().await.expect("problem body is JSON");
    let ty = body["type"].as_str().expect("type");
    assert!(
        ty.ends_with(type_suffix),
        "type {ty} should end with {type_suffix}: {body}"
    );
    assert_eq!(body["status"], status);
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// A valid credit code (GB 32100-2015) for entity number `n`: 91 + district + a unique
/// organisation code + its check character.
pub fn credit_code(district: &str, n: u32) -> String {
    let prefix = format!("91{district}MA{n:07}");
    let check = gongshi::domain::credit_code::check_character_for(&prefix).expect("valid prefix");
    format!("{prefix}{check}")
}

//! The `gongshi` binary as an operator runs it.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{TestDb, POSTGRES_ENV};

fn gongshi(db: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongshi"));
    cmd.args(args)
        .env("GONGSHI_LOG", "warn")
        .env_remove("GONGSHI_DATABASE_URL")
        .env_remove("GONGSHI_BIND");
    if let Some(db) = db {
        cmd.env("GONGSHI_DATABASE_URL", db);
    }
    cmd
}

#[test]
fn an_unsupported_scheme_exits_non_zero_with_one_line_and_creates_nothing() {
    for (url, scheme) in [
        ("mysql://x", "'mysql:'"),
        ("postgres:typo.db", "'postgres:'"),
    ] {
        let cwd = tempfile::tempdir().unwrap();
        for sub in [["serve"].as_slice(), ["migrate"].as_slice()] {
            let out = gongshi(Some(url), sub)
                .current_dir(cwd.path())
                .output()
                .unwrap();
            assert!(!out.status.success(), "{url} {sub:?}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(scheme), "{stderr}");
        }
        assert_eq!(
            std::fs::read_dir(cwd.path()).unwrap().count(),
            0,
            "no file or folder created for {url}"
        );
    }
}

#[test]
fn postgres_errors_carry_the_servers_own_message() {
    let Ok(admin) = std::env::var(POSTGRES_ENV) else {
        eprintln!("skipped: set {POSTGRES_ENV} (the PostgreSQL pass of .ci/run does)");
        return;
    };
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_username("no_such_role_gongshi").unwrap();
    let out = gongshi(Some(url.as_str()), &["migrate"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("role \"no_such_role_gongshi\" does not exist"),
        "{stderr}"
    );
    url.set_username("root").unwrap();
    url.set_port(Some(1)).unwrap();
    let out = gongshi(Some(url.as_str()), &["migrate"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("port 1 failed") || stderr.contains("Connection refused"),
        "{stderr}"
    );
}

#[test]
fn user_add_prints_a_working_token_last_and_audit_verify_checks_the_chain() {
    let db = TestDb::new();
    let url = db.url_string();
    let out = gongshi(
        Some(&url),
        &["user", "add", "--name", "chief", "--role", "admin"],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();
    assert!(
        stdout.contains("password: "),
        "a generated password is shown once: {stdout}"
    );
    let console = gongshi::service::App::new(
        gongshi::store::Db::open(db.url(), 1).unwrap(),
        gongshi::service::calendar::Calendars::new(vec![]),
        gongshi::clock::Clock::system(),
    );
    let user = gongshi::service::auth::authenticate(&console, &token).unwrap();
    assert_eq!(
        user.map(|u| (u.name, u.role.as_str())),
        Some(("chief".to_string(), "admin"))
    );

    let mut child = gongshi(
        Some(&url),
        &[
            "user",
            "add",
            "--name",
            "clerk1",
            "--role",
            "clerk",
            "--password-stdin",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"typed password here\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8(out.stdout).unwrap().contains("password:"));

    let out = gongshi(
        Some(&url),
        &["user", "add", "--name", "chief", "--role", "admin"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success(), "a second 'chief' is refused");

    let out = gongshi(Some(&url), &["audit", "verify"]).output().unwrap();
    assert!(out.status.success());
    // The four records of the commands above, and the shipped categories, which the first
    // command to open the database loaded (one `category.create` each).
    let shipped = include_str!("../../seeds/categories.csv").lines().count() - 1;
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!("{} record(s) verified", 4 + shipped)),
        "{stdout}"
    );

    {
        use diesel::prelude::*;
        use gongshi::store::schema::audit_log;
        diesel::update(audit_log::table.filter(audit_log::seq.eq(2)))
            .set(audit_log::after_json.eq(Some("{}")))
            .execute(&mut *console.db().get().unwrap())
            .unwrap();
    }
    let out = gongshi(Some(&url), &["audit", "verify"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("broken at record 2"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_healthy(client: &reqwest::Client, base: &str, rt: &tokio::runtime::Runtime) {
    for _ in 0..200 {
        if rt
            .block_on(client.get(format!("{base}/healthz")).send())
            .map(|r| r.status() == 200)
            .unwrap_or(false)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("gongshi serve did not become healthy at {base}");
}

/// `kill -9` in the middle of writes: the restarted service opens the database, the audit chain
/// verifies, and every account has exactly its one creation record — nothing half-written.
#[test]
fn kill_9_during_writes_loses_nothing_committed_and_leaves_nothing_half_written() {
    let db = TestDb::new();
    let url = db.url_string();
    let out = gongshi(
        Some(&url),
        &["user", "add", "--name", "boss", "--role", "admin"],
    )
    .output()
    .unwrap();
    let token = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = gongshi(
        Some(&url),
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
    )
    .spawn()
    .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    wait_healthy(&client, &base, &rt);

    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            rt.spawn(async move {
                let mut created = 0;
                for i in 0..10_000 {
                    let body = serde_json::json!({"name": format!("w{w}_{i}"), "role": "clerk", "password": "a long password"});
                    match client.post(format!("{base}/api/v1/users")).bearer_auth(&token).json(&body).send().await {
                        Ok(r) if r.status() == 201 => created += 1,
                        _ => break,
                    }
                }
                created
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let acknowledged: i64 = writers.into_iter().map(|w| rt.block_on(w).unwrap()).sum();
    assert!(
        acknowledged > 0,
        "some writes were acknowledged before the kill"
    );

    let out = gongshi(Some(&url), &["audit", "verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let pool = gongshi::store::Db::open(db.url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    use diesel::prelude::*;
    use gongshi::store::schema::{audit_log, users};
    let user_count: i64 = users::table.count().get_result(&mut *conn).unwrap();
    let creations: i64 = audit_log::table
        .filter(audit_log::action.eq("user.create"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(
        user_count, creations,
        "every account has its creation record and no record lacks its account"
    );
    assert!(
        user_count > acknowledged,
        "every acknowledged write survived: {user_count} vs {acknowledged}"
    );

    // And it serves again.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = gongshi(
        Some(&url),
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
    )
    .spawn()
    .unwrap();
    wait_healthy(&client, &base, &rt);
    // Graceful stop on SIGTERM exits 0.
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let status = server.wait().unwrap();
    assert!(status.success(), "SIGTERM ends serve cleanly: {status:?}");
}

#[test]
fn calendar_load_and_show_work_from_the_command_line() {
    let db = TestDb::new();
    let url = db.url_string();
    // Loading a year needs a database set up first (issue 25: only serve, migrate, seed, import
    // and user add create one).
    let out = gongshi(Some(&url), &["migrate"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.csv");
    // What Excel writes as "CSV UTF-8": a BOM and CRLF.
    std::fs::write(
        &file,
        "\u{feff}date,kind,name\r\n2027-01-01,holiday,元旦\r\n2027-02-06,holiday,春节\r\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = gongshi(
        Some(&url),
        &[
            "calendar",
            "load",
            path,
            "--region",
            "CN",
            "--year",
            "2027",
            "--source",
            "test 2027",
            "--confirm-incomplete",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("2 special day(s), revision 1"));
    let out = gongshi(Some(&url), &["calendar", "show", "2027"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("2027-02-06\tholiday\t春节\tCN"), "{stdout}");
    // 261 weekdays (2027 starts on a Friday); 1/1 is one of them, 2/6 is a Saturday.
    assert!(stdout.contains("260 working days in 2027"), "{stdout}");
    // A bad file names its line and changes nothing.
    std::fs::write(&file, "date,kind,name\n2027-01-04,adjusted_workday,元旦\n").unwrap();
    let out = gongshi(
        Some(&url),
        &["calendar", "load", path, "--year", "2027", "--source", "x"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("line 2: kind"));
    let out = gongshi(Some(&url), &["calendar", "show", "2027"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("revision 1"));
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn import_export_and_the_demo_seed_work_from_the_command_line() {
    let db = TestDb::new();
    let url = db.url_string();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let bad = gongshi(
        Some(&url),
        &[
            "import",
            "entities",
            &format!("{fixtures}/entities_gbk.csv"),
        ],
    )
    .output()
    .unwrap();
    assert!(!bad.status.success());
    let text = stdout_of(&bad);
    assert!(text.contains("encoding: GB18030"), "{text}");
    assert!(
        text.contains("line 4, 统一社会信用代码") && text.contains("[checksum]"),
        "{text}"
    );
    assert!(
        text.contains("line 8, 统一社会信用代码") && text.contains("[duplicate]"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nothing was written"));

    let good = gongshi(
        Some(&url),
        &[
            "import",
            "entities",
            &format!("{fixtures}/entities_gbk_fixed.csv"),
        ],
    )
    .output()
    .unwrap();
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        stdout_of(&good).contains("inserted: 5"),
        "{}",
        stdout_of(&good)
    );

    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.csv");
    let out = gongshi(
        Some(&url),
        &["export", "entities", "-o", export.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    assert!(stdout_of(&out).contains("5 entities exported"));
    let again = gongshi(
        Some(&url),
        &["import", "entities", export.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert!(
        stdout_of(&again).contains("inserted: 0  updated: 0  unchanged: 5"),
        "{}",
        stdout_of(&again)
    );

    let verify = gongshi(Some(&url), &["audit", "verify"]).output().unwrap();
    assert!(verify.status.success());

    let demo_db = TestDb::new();
    let url = demo_db.url_string();
    for expected in [
        "demo entities: 300 inserted",
        "demo entities: 0 inserted, 0 updated, 300 unchanged",
    ] {
        let out = gongshi(Some(&url), &["seed", "--demo"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout_of(&out).contains(expected), "{}", stdout_of(&out));
    }
    let verify = gongshi(Some(&url), &["audit", "verify"]).output().unwrap();
    assert!(verify.status.success());
    // Issue 25: without options, every demo decision still waiting, overdue first, then by
    // working days left; --within narrows only what is due.
    let out = gongshi(Some(&url), &["deadlines"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    let decisions: Vec<Vec<&str>> = text
        .lines()
        .take_while(|l| !l.is_empty())
        .skip(1)
        .filter(|l| !l.ends_with("decision(s)"))
        .map(|l| l.split('\t').collect())
        .collect();
    let standings: Vec<&str> = decisions.iter().map(|l| l[3]).collect();
    assert!(
        standings.contains(&"overdue") && standings.contains(&"due"),
        "{text}"
    );
    let first_due = standings.iter().position(|s| *s == "due").unwrap();
    assert!(
        standings[first_due..].iter().all(|s| *s == "due"),
        "overdue first: {text}"
    );
    let left: Vec<u32> = decisions[first_due..]
        .iter()
        .map(|l| l[4].parse().unwrap())
        .collect();
    assert!(
        left.windows(2).all(|w| w[0] <= w[1]),
        "by days left: {text}"
    );
    let out = gongshi(Some(&url), &["deadlines", "--within", "0"])
        .output()
        .unwrap();
    let narrowed = stdout_of(&out);
    let overdue = standings.iter().filter(|s| **s == "overdue").count();
    let due_today = left.iter().filter(|n| **n == 0).count();
    assert!(
        narrowed.contains(&format!("{} decision(s)", overdue + due_today)),
        "{narrowed}"
    );
}

#[test]
fn kill_9_during_a_large_import_leaves_all_of_it_or_none_of_it() {
    let db = TestDb::new();
    let url = db.url_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.csv");
    let rows = 60_000;
    let mut csv = String::from("统一社会信用代码,名称,类别,所在地区\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{},银川第{i}号网吧,网吧,640104\n",
            crate::helpers::credit_code("640104", i)
        ));
    }
    std::fs::write(&file, csv).unwrap();
    assert!(gongshi(Some(&url), &["migrate"])
        .output()
        .unwrap()
        .status
        .success());
    let mut child = gongshi(Some(&url), &["import", "entities", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Let it get into the write (on SQLite: until the write-ahead log holds megabytes of the
    // open transaction), then kill it without warning.
    let wal = std::path::PathBuf::from(format!("{url}-wal"));
    let started = std::time::Instant::now();
    if url.starts_with("postgres") {
        std::thread::sleep(Duration::from_millis(1500));
    } else {
        while started.elapsed() < Duration::from_secs(20)
            && child.try_wait().unwrap().is_none()
            && std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4 << 20
        {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let finished_first = child.try_wait().unwrap().is_some();
    let _ = Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status();
    let _ = child.wait();

    let out = gongshi(
        Some(&url),
        &[
            "export",
            "entities",
            "-o",
            dir.path().join("after.csv").to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n: usize = stdout_of(&out)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    eprintln!("kill -9 import test: import had finished before the kill: {finished_first}; {n} rows after");
    assert!(
        n == 0 || n == rows as usize,
        "all or nothing, found {n} (import had finished: {finished_first})"
    );
    let verify = gongshi(Some(&url), &["audit", "verify"]).output().unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// Issue 25: a command that only reads is refused on a SQLite file that is not there, naming the
/// path and how to point at the right database, and creates nothing (it used to create
/// `./data/gongshi.db` and answer "not loaded", "0 decision(s)").
#[test]
fn a_reading_command_on_a_missing_database_is_refused_and_creates_nothing() {
    let cwd = tempfile::tempdir().unwrap();
    for args in [
        ["calendar", "show", "2026"].as_slice(),
        ["deadlines"].as_slice(),
        ["audit", "verify"].as_slice(),
        ["audit", "private-text"].as_slice(),
        ["export", "entities"].as_slice(),
        ["export", "penalties"].as_slice(),
        ["category", "list"].as_slice(),
    ] {
        let out = gongshi(None, args)
            .current_dir(cwd.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("no database at data/gongshi.db")
                && stderr.contains("GONGSHI_DATABASE_URL"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?} answered nothing");
    }
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "no file or folder created"
    );
    // The commands that set a database up still create it.
    let out = gongshi(None, &["seed"])
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(cwd.path().join("data/gongshi.db").exists());
    let out = gongshi(None, &["calendar", "show", "2026"])
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 25: `gongshi user add --authority-id N` binds the account to one 处罚机关; an unknown
/// authority is refused and no account is created.
#[test]
fn user_add_binds_an_account_to_an_authority() {
    let db = TestDb::new();
    let url = db.url_string();
    let out = gongshi(Some(&url), &["seed", "--demo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gongshi(
        Some(&url),
        &[
            "user",
            "add",
            "--name",
            "wang",
            "--role",
            "clerk",
            "--authority-id",
            "1",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("created user 'wang' (id ")
            && stdout.contains("role clerk, authority 1)"),
        "{stdout}"
    );
    let out = gongshi(
        Some(&url),
        &[
            "user",
            "add",
            "--name",
            "zhou",
            "--role",
            "clerk",
            "--authority-id",
            "999",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no authority with id 999"), "{stderr}");
    // Refused whole: the name is still free.
    let out = gongshi(
        Some(&url),
        &["user", "add", "--name", "zhou", "--role", "clerk"],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 25 from the command line: `--dry-run` reports and writes nothing; a plain import
/// enters its decisions as submitted (not exported as published); `--already-published` moves
/// legacy records in as published.
#[test]
fn a_penalty_import_from_the_command_line_is_reviewed_unless_already_published() {
    let db = TestDb::new();
    let url = db.url_string();
    let out = gongshi(Some(&url), &["seed", "--demo"]).output().unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decisions.csv");
    std::fs::write(&file, crate::staff_mistakes::three_decisions()).unwrap();
    let file = file.to_str().unwrap();
    let exported = || {
        let out = gongshi(Some(&url), &["export", "penalties"])
            .output()
            .unwrap();
        assert!(out.status.success());
        stdout_of(&out)
    };
    let before = exported();
    let dry = gongshi(Some(&url), &["import", "penalties", file, "--dry-run"])
        .output()
        .unwrap();
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(
        stdout_of(&dry).contains("dry run: nothing was written (3 would be inserted)"),
        "{}",
        stdout_of(&dry)
    );
    let real = gongshi(Some(&url), &["import", "penalties", file])
        .output()
        .unwrap();
    assert!(real.status.success());
    let text = stdout_of(&real);
    assert!(
        text.contains("inserted: 3"),
        "the dry run wrote nothing: {text}"
    );
    assert!(
        text.lines()
            .any(|l| l.strip_prefix("import ").is_some_and(|id| id.len() == 64)),
        "{text}"
    );
    assert_eq!(exported(), before, "submitted decisions are not published");
    let legacy = String::from_utf8(crate::staff_mistakes::three_decisions())
        .unwrap()
        .replace("〔2026〕10", "〔2025〕10")
        .replace("2026-11-2", "2025-06-0");
    std::fs::write(dir.path().join("legacy.csv"), legacy).unwrap();
    let legacy = dir.path().join("legacy.csv");
    let out = gongshi(
        Some(&url),
        &[
            "import",
            "penalties",
            legacy.to_str().unwrap(),
            "--already-published",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stdout_of(&out));
    let after = exported();
    assert!(
        after.contains("银文旅罚〔2025〕101号") && !after.contains("银文旅罚〔2026〕101号"),
        "{after}"
    );
}

//! The two migration sets stay twins.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::Text;
use gongshi::config::DatabaseUrl;
use gongshi::store::{self, AnyConn};

use crate::helpers::{TestDb, POSTGRES_ENV};

fn migration_names(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!(
        "{}/migrations/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
    .collect()
}

#[test]
fn both_backends_have_the_same_migration_names_each_with_up_and_down() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
    for backend in ["sqlite", "postgres"] {
        for name in &sqlite {
            for file in ["up.sql", "down.sql"] {
                let path = format!(
                    "{}/migrations/{backend}/{name}/{file}",
                    env!("CARGO_MANIFEST_DIR")
                );
                assert!(std::path::Path::new(&path).is_file(), "{path} is missing");
            }
        }
    }
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(conn: &mut AnyConn) -> BTreeSet<(String, String)> {
    let sql = match conn {
        AnyConn::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name
             FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
        }
        AnyConn::Pg(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name
             FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
        }
    };
    diesel::sql_query(sql)
        .load::<Column>(conn)
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

fn migrated(db: &TestDb) -> AnyConn {
    let mut conn = store::connect(db.url()).unwrap();
    store::migrate(&mut conn).unwrap();
    conn
}

#[test]
fn both_backends_yield_the_same_tables_and_columns() {
    if std::env::var(POSTGRES_ENV).is_err() {
        eprintln!("skipped: needs {POSTGRES_ENV} to compare with PostgreSQL (the PostgreSQL pass of .ci/run sets it)");
        return;
    }
    let pg = TestDb::new();
    assert!(matches!(pg.url(), DatabaseUrl::Postgres(_)));
    let sqlite_dir = tempfile::tempdir().unwrap();
    let mut sqlite =
        store::connect(&DatabaseUrl::Sqlite(sqlite_dir.path().join("twin.db"))).unwrap();
    store::migrate(&mut sqlite).unwrap();
    let sqlite_columns = columns(&mut sqlite);
    assert!(sqlite_columns.contains(&("audit_log".into(), "hash".into())));
    assert_eq!(sqlite_columns, columns(&mut migrated(&pg)));
}

#[test]
fn every_down_migration_round_trips() {
    let db = TestDb::new();
    let mut conn = migrated(&db);
    let before = columns(&mut conn);
    let reverted = store::revert_all(&mut conn).unwrap();
    assert_eq!(reverted, migration_names("sqlite").len());
    assert!(
        columns(&mut conn).is_empty(),
        "down.sql removes everything up.sql made"
    );
    store::migrate(&mut conn).unwrap();
    assert_eq!(columns(&mut conn), before);
}

/// The bundled SQLite is built with the query planner stability guarantee (`.cargo/config.toml`):
/// without it every statement with a bound LIMIT is re-prepared on each run (42 % of a penalty
/// detail fetch's time, benches/RESULTS.md).
#[test]
fn the_bundled_sqlite_keeps_prepared_statements_across_bound_limits() {
    #[derive(QueryableByName)]
    struct Opt {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(dir.path().join("gongshi.db"));
    let mut conn = store::connect(&url).unwrap();
    let AnyConn::Sqlite(c) = &mut conn else {
        panic!("an SQLite database")
    };
    let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
        .load::<Opt>(c)
        .unwrap()
        .into_iter()
        .map(|o| o.compile_options)
        .collect();
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
}

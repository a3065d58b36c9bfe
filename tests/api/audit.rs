use std::sync::Arc;

use crate::helpers::{spawn_app, spawn_app_on};
use diesel::prelude::*;
use gongshi::domain::audit_chain::ChainBreak;
use gongshi::store::schema::audit_log;
use serde_json::{json, Value};

async fn verify(app: &crate::helpers::TestApp) -> Result<i64, ChainBreak> {
    let app = app.app.clone();
    tokio::task::spawn_blocking(move || gongshi::service::audit::verify(&app).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_write_appends_one_chained_record_with_before_and_after() {
    let app = spawn_app().await;
    let start: Value = app
        .get_as(&app.admin_token, "/api/v1/audit")
        .await
        .json()
        .await
        .unwrap();
    let start_len = start["items"].as_array().unwrap().len();
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/users",
            &json!({"name": "he", "role": "clerk", "password": "a long password"}),
        )
        .await;
    let user: Value = res.json().await.unwrap();
    app.patch_json(
        &app.admin_token,
        &format!("/api/v1/users/{}", user["id"]),
        &json!({"version": 1, "role": "reviewer"}),
    )
    .await;
    // A refused write leaves no record.
    app.post_json(
        Some(&app.admin_token),
        "/api/v1/users",
        &json!({"name": "he", "role": "clerk", "password": "a long password"}),
    )
    .await;

    let page: Value = app
        .get_as(&app.admin_token, "/api/v1/audit")
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), start_len + 2);
    let (create, update) = (&items[start_len], &items[start_len + 1]);
    assert_eq!(create["action"], "user.create");
    assert_eq!(create["before"], Value::Null);
    assert_eq!(create["after"]["name"], "he");
    assert_eq!(update["action"], "user.update");
    assert_eq!(update["before"]["role"], "clerk");
    assert_eq!(update["after"]["role"], "reviewer");
    assert!(update["actor"].as_str().unwrap().starts_with("admin_"));
    assert_eq!(update["prev_hash"], create["hash"]);
    assert!(
        !create.to_string().contains("a long password"),
        "no password in the log"
    );
    assert_eq!(verify(&app).await, Ok(items.len() as i64));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_or_deleted_record_is_found_by_verify() {
    let app = spawn_app().await;
    for name in ["a1", "a2", "a3"] {
        app.user_with_role(name, "clerk").await;
    }
    let total = verify(&app).await.unwrap();
    assert!(total >= 6);
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        diesel::update(audit_log::table.filter(audit_log::seq.eq(3)))
            .set(audit_log::actor.eq("mallory"))
            .execute(&mut *db.get().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(verify(&app).await, Err(ChainBreak::HashMismatch { seq: 3 }));
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        diesel::delete(audit_log::table.filter(audit_log::seq.eq(3)))
            .execute(&mut *db.get().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(
        verify(&app).await,
        Err(ChainBreak::Gap {
            previous: 2,
            found: 4
        })
    );
    app.stop().await;
}

/// Two gongshi instances on one database, writing at once: the chain stays one unbroken line.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_writing_at_once_keep_one_chain() {
    let first = spawn_app().await;
    let second = spawn_app_on(Arc::clone(&first.test_db)).await;
    let before = verify(&first).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        for (app, tag) in [(&first, "a"), (&second, "b")] {
            let (client, url, token) = (
                app.client.clone(),
                app.url("/api/v1/users"),
                app.admin_token.clone(),
            );
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"name": format!("{tag}{i}"), "role": "clerk", "password": "a long password"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    // 40 creations; the second instance's admin was created before `before` was read.
    assert_eq!(verify(&first).await, Ok(before + 40));
    second.stop().await;
    first.stop().await;
}

/// Issue 23, finding 3: a reviewer bound to one authority reads the audit records of its own
/// authority's objects only; another authority's parties, notes and case officers never show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_account_reads_only_its_own_authoritys_audit_records() {
    use crate::penalties::{bureau, december, draft, natural_person, other_authority, FULL_NAME};
    let app = crate::helpers::spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let theirs = draft(&app, &b, &natural_person("2026-11-27")).await;
    let (other, tokens) =
        other_authority(&app, &[("yn-clerk", "clerk"), ("yn-reviewer", "reviewer")]).await;
    let (clerk, reviewer) = (&tokens[0], &tokens[1]);
    // An account moved out of the authority: its record belongs to the authority it left.
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/users",
            &json!({"name": "yn-leaver", "role": "clerk", "password": "a long test password",
                    "authority_id": other["id"]}),
        )
        .await;
    let leaver: Value = res.json().await.unwrap();
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/users/{}", leaver["id"]),
            &json!({"version": 1, "authority_id": null}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let mut body = natural_person("2026-11-27");
    body["party_name"] = json!("司马相如");
    body["internal_notes"] = json!("永宁内部备注");
    let res = app.post_json(Some(clerk), "/api/v1/penalties", &body).await;
    assert_eq!(res.status(), 201);
    let mine: Value = res.json().await.unwrap();

    let page: Value = app
        .get_as(reviewer, "/api/v1/audit?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let text = page.to_string();
    for private in [FULL_NAME, "内部备注：当事人态度恶劣", "兴庆区示例路1号"] {
        // The other authority's decision (its party, its notes) is not there…
        assert!(!text.contains(private), "{private} in {text}");
    }
    let items = page["items"].as_array().unwrap();
    let objects: Vec<(String, String)> = items
        .iter()
        .map(|r| {
            (
                r["object_type"].as_str().unwrap().to_string(),
                r["object_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // …its own decision, accounts and authority are.
    assert!(objects.contains(&("penalty".into(), mine["id"].to_string())));
    assert!(objects.contains(&("authority".into(), other["id"].to_string())));
    let leaver_id = leaver["id"].to_string();
    let unbound = items
        .iter()
        .filter(|r| r["object_id"] == leaver_id.as_str() && r["object_type"] == "user")
        .count();
    assert_eq!(unbound, 2, "the leaver's creation and its unbinding");
    assert!(!objects.contains(&("penalty".into(), theirs["id"].to_string())));
    assert!(
        objects
            .iter()
            .all(|(t, _)| ["penalty", "user", "authority"].contains(&t.as_str())),
        "{objects:?}"
    );
    assert!(text.contains("永宁内部备注"));
    // An unbound admin still reads everything, and the chain still verifies.
    let all: Value = app
        .get_as(&app.admin_token, "/api/v1/audit?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    assert!(all.to_string().contains(FULL_NAME));
    assert!(verify(&app).await.is_ok());

    // The migration's backfill of older records gives every record the authority the append
    // path gives it (the same rule in SQL, on both backends).
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let conn = &mut *db.get().unwrap();
        let stored = authorities(conn);
        assert!(stored.iter().any(|(_, a)| a.is_some()));
        diesel::sql_query("UPDATE audit_log SET authority_id = NULL")
            .execute(conn)
            .unwrap();
        let up = match conn.backend() {
            "postgres" => {
                include_str!("../../migrations/postgres/2026-12-06-000014_audit_authority/up.sql")
            }
            _ => include_str!("../../migrations/sqlite/2026-12-06-000014_audit_authority/up.sql"),
        };
        let sql: String = up
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in sql
            .split(';')
            .filter(|s| s.trim_start().starts_with("UPDATE"))
        {
            diesel::sql_query(statement).execute(conn).unwrap();
        }
        assert_eq!(authorities(conn), stored);
    })
    .await
    .unwrap();
    app.stop().await;
}

fn authorities(conn: &mut gongshi::store::AnyConn) -> Vec<(i64, Option<i64>)> {
    audit_log::table
        .select((audit_log::seq, audit_log::authority_id))
        .order(audit_log::seq)
        .load(conn)
        .unwrap()
}

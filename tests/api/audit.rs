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

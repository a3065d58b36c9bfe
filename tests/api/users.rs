use crate::helpers::{assert_problem, spawn_app};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_a_user_and_a_duplicate_name_is_409() {
    let app = spawn_app().await;
    let body = json!({"name": "王科员", "role": "clerk", "password": "a long password"});
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/users", &body)
        .await;
    assert_eq!(res.status(), 201);
    let user: Value = res.json().await.unwrap();
    assert_eq!(
        (
            user["name"].as_str(),
            user["role"].as_str(),
            user["version"].as_i64()
        ),
        (Some("王科员"), Some("clerk"), Some(1))
    );
    assert!(
        user["created_at"].as_str().unwrap().ends_with("+08:00"),
        "times are shown in Asia/Shanghai"
    );
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/users", &body)
        .await;
    assert_problem(res, 409, "duplicate").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_invalid_field_is_reported_and_nothing_is_written() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/users",
            &json!({"name": "has space", "role": "boss", "password": "short"}),
        )
        .await;
    let p = assert_problem(res, 400, "validation").await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "role", "password"]);
    let users: Value = app
        .get_as(&app.admin_token, "/api/v1/users")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        1,
        "only the test admin exists"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_to_one_user_have_exactly_one_winner() {
    let app = spawn_app().await;
    app.user_with_role("target", "clerk").await;
    let id = app.find_user("target").await["id"].clone();
    let path = format!("/api/v1/users/{id}");
    let attempts = [
        "reviewer", "admin", "reviewer", "admin", "reviewer", "admin",
    ]
    .map(|role| {
        let (client, url, token) = (app.client.clone(), app.url(&path), app.admin_token.clone());
        tokio::spawn(async move {
            client
                .patch(url)
                .bearer_auth(token)
                .json(&json!({"version": 1, "role": role}))
                .send()
                .await
                .unwrap()
        })
    });
    let mut statuses = Vec::new();
    for a in attempts {
        let res = a.await.unwrap();
        statuses.push(res.status().as_u16());
        if res.status() == 409 {
            assert_problem(res, 409, "stale-version").await;
        }
    }
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409]);
    assert_eq!(app.find_user("target").await["version"], 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creation_of_one_name_has_exactly_one_winner() {
    let app = spawn_app().await;
    let attempts: Vec<_> = (0..6)
        .map(|_| {
            let (client, url, token) = (
                app.client.clone(),
                app.url("/api/v1/users"),
                app.admin_token.clone(),
            );
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"name": "same", "role": "clerk", "password": "a long password"}))
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        let res = a.await.unwrap();
        statuses.push(res.status().as_u16());
        if res.status() == 409 {
            let p = assert_problem(res, 409, "duplicate").await;
            let detail = p["detail"].as_str().unwrap();
            assert!(
                !detail.contains("UNIQUE") && !detail.contains("duplicate key"),
                "no SQL text: {detail}"
            );
        }
    }
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patching_a_missing_user_is_404_and_a_stale_version_is_409() {
    let app = spawn_app().await;
    let res = app
        .patch_json(
            &app.admin_token,
            "/api/v1/users/999999",
            &json!({"version": 1, "active": false}),
        )
        .await;
    assert_problem(res, 404, "not-found").await;
    app.user_with_role("stale", "clerk").await;
    let id = app.find_user("stale").await["id"].clone();
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/users/{id}"),
            &json!({"version": 7, "role": "admin"}),
        )
        .await;
    let p = assert_problem(res, 409, "stale-version").await;
    assert!(p["detail"].as_str().unwrap().contains("version 1"), "{p}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_active_admin_cannot_demote_or_disable_itself() {
    let app = spawn_app().await;
    let me = app
        .find_user(
            app.get_as(&app.admin_token, "/api/v1/users")
                .await
                .json::<Value>()
                .await
                .unwrap()["items"][0]["name"]
                .as_str()
                .unwrap(),
        )
        .await;
    let path = format!("/api/v1/users/{}", me["id"]);
    for change in [json!({"role": "clerk"}), json!({"active": false})] {
        let mut body = json!({"version": me["version"]});
        body.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let res = app.patch_json(&app.admin_token, &path, &body).await;
        assert_problem(res, 409, "last-admin").await;
    }
    // With a second admin, the first may step down.
    app.user_with_role("second_admin", "admin").await;
    let res = app
        .patch_json(
            &app.admin_token,
            &path,
            &json!({"version": me["version"], "role": "reviewer"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_that_changes_nothing_changes_nothing() {
    let app = spawn_app().await;
    app.user_with_role("same", "clerk").await;
    let user = app.find_user("same").await;
    let audit_before = app.audit_count().await;
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/users/{}", user["id"]),
            &json!({"version": user["version"], "role": "clerk", "active": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["version"], user["version"]);
    assert_eq!(after["updated_at"], user["updated_at"]);
    assert_eq!(app.audit_count().await, audit_before, "no audit record");
    app.stop().await;
}

use crate::helpers::{assert_problem, spawn_app};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_buys_a_token_that_opens_staff_endpoints() {
    let app = spawn_app().await;
    let token = app.user_with_role("wang", "admin").await;
    assert!(token.len() >= 32, "at least 128 bits of token");
    let res = app.get_as(&token, "/api/v1/users").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["name"] == "wang"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_name_get_the_same_401() {
    let app = spawn_app().await;
    app.user_with_role("li", "clerk").await;
    let a = assert_problem(
        app.post_json(
            None,
            "/api/v1/auth/tokens",
            &json!({"name": "li", "password": "not the password"}),
        )
        .await,
        401,
        "unauthorized",
    )
    .await;
    let b = assert_problem(
        app.post_json(
            None,
            "/api/v1/auth/tokens",
            &json!({"name": "nobody", "password": "not the password"}),
        )
        .await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(a["detail"], b["detail"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_unknown_tokens_are_401_and_wrong_roles_403() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/users").await;
    assert_eq!(res.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_problem(res, 401, "unauthorized").await;
    assert_problem(
        app.get_as("0123456789abcdef0123456789abcdef", "/api/v1/users")
            .await,
        401,
        "unauthorized",
    )
    .await;
    let res = app
        .client
        .get(app.url("/api/v1/users"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "unauthorized").await;

    let clerk = app.user_with_role("zhao", "clerk").await;
    assert_problem(app.get_as(&clerk, "/api/v1/users").await, 403, "forbidden").await;
    let res = app
        .post_json(
            Some(&clerk),
            "/api/v1/users",
            &json!({"name": "x", "role": "admin", "password": "long enough pw"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let reviewer = app.user_with_role("qian", "reviewer").await;
    assert_eq!(app.get_as(&reviewer, "/api/v1/audit").await.status(), 200);
    assert_problem(app.get_as(&clerk, "/api/v1/audit").await, 403, "forbidden").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_stored_only_as_digests() {
    let app = spawn_app().await;
    let token = app.user_with_role("sun", "clerk").await;
    let db = app.db.clone();
    let stored: Vec<String> = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use gongshi::store::schema::api_tokens;
        api_tokens::table
            .select(api_tokens::token_hash)
            .load(&mut *db.get().unwrap())
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!stored.contains(&token), "plain token must not be stored");
    assert!(stored.contains(&gongshi::service::auth::token_digest(&token)));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_account_revokes_its_tokens_and_its_login() {
    let app = spawn_app().await;
    let token = app.user_with_role("zhou", "reviewer").await;
    let zhou = app.find_user("zhou").await.clone();
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/users/{}", zhou["id"]),
            &json!({"version": zhou["version"], "active": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.get_as(&token, "/api/v1/audit").await,
        401,
        "unauthorized",
    )
    .await;
    let res = app
        .post_json(
            None,
            "/api/v1/auth/tokens",
            &json!({"name": "zhou", "password": "a long test password"}),
        )
        .await;
    assert_problem(res, 401, "unauthorized").await;
    app.stop().await;
}

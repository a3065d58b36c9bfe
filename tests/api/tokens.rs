//! Tokens die for good (hardening #2): disabling, a role change and a new password revoke every
//! token of the account, enabling it again brings none back; signing out and an admin's
//! revocation work at once; expired tokens are purged.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_app_at, TestApp};

async fn patch_user(app: &TestApp, name: &str, change: Value) -> reqwest::Response {
    let user = app.find_user(name).await;
    let mut body = json!({"version": user["version"]});
    body.as_object_mut()
        .unwrap()
        .extend(change.as_object().unwrap().clone());
    app.patch_json(
        &app.admin_token,
        &format!("/api/v1/users/{}", user["id"]),
        &body,
    )
    .await
}

async fn works(app: &TestApp, token: &str) -> bool {
    // Any staff role may read the directory.
    match app
        .get_as(token, "/api/v1/entities")
        .await
        .status()
        .as_u16()
    {
        200 => true,
        401 => false,
        other => panic!("unexpected {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_account_enabled_again_does_not_get_its_old_tokens_back() {
    let app = spawn_app().await;
    let token = app.user_with_role("zhao", "clerk").await;
    assert!(works(&app, &token).await);
    assert_eq!(
        patch_user(&app, "zhao", json!({"active": false}))
            .await
            .status(),
        200
    );
    assert!(!works(&app, &token).await);
    assert_eq!(
        patch_user(&app, "zhao", json!({"active": true}))
            .await
            .status(),
        200
    );
    assert!(!works(&app, &token).await, "the old token stays dead");
    // The account itself works again with a new login.
    let res = app.login("zhao", "a long test password").await;
    let fresh = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(works(&app, &fresh).await);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_or_a_new_password_revokes_every_token() {
    let app = spawn_app().await;
    let token = app.user_with_role("qian", "clerk").await;
    assert_eq!(
        patch_user(&app, "qian", json!({"role": "reviewer"}))
            .await
            .status(),
        200
    );
    assert!(
        !works(&app, &token).await,
        "a token may not keep an old role"
    );

    let res = app.login("qian", "a long test password").await;
    let token: String = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .into();
    let res = patch_user(&app, "qian", json!({"password": "short"})).await;
    assert_problem(res, 400, "validation").await;
    assert!(
        works(&app, &token).await,
        "a refused change revokes nothing"
    );
    let res = patch_user(&app, "qian", json!({"password": "a brand new password"})).await;
    assert_eq!(res.status(), 200);
    assert!(!works(&app, &token).await);
    assert_problem(
        app.login("qian", "a long test password").await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(
        app.login("qian", "a brand new password").await.status(),
        201
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_and_an_admins_revocation_take_effect_at_once() {
    let app = spawn_app().await;
    let first = app.user_with_role("sun", "clerk").await;
    let res = app.login("sun", "a long test password").await;
    let second: String = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .into();
    let res = app.sign_out(&first).await;
    assert_eq!(res.status(), 204);
    assert!(!works(&app, &first).await, "signed out");
    assert!(
        works(&app, &second).await,
        "only the token presented is revoked"
    );
    let res = app.sign_out(&first).await;
    assert_problem(res, 401, "unauthorized").await;

    let id = app.find_user("sun").await["id"].clone();
    let clerk = app.user_with_role("li", "clerk").await;
    let path = format!("/api/v1/users/{id}/revoke-tokens");
    assert_problem(
        app.post_json(Some(&clerk), &path, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .post_json(Some(&app.admin_token), &path, &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["revoked"], 1);
    assert!(!works(&app, &second).await);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_tokens_are_purged() {
    use chrono::TimeZone;
    let start = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    let app = spawn_app_at(start).await;
    let old = app.user_with_role("zhou", "clerk").await;
    let tokens_of_zhou = || {
        let db = app.db.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                use diesel::prelude::*;
                use gongshi::store::schema::{api_tokens, users};
                api_tokens::table
                    .inner_join(users::table)
                    .filter(users::name.eq("zhou"))
                    .count()
                    .get_result::<i64>(&mut *db.get().unwrap())
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    assert_eq!(tokens_of_zhou().await, 1);
    // 12 hours and a second later the token has expired: refused, and gone at the next issue.
    app.clock()
        .set(start + chrono::Duration::hours(12) + chrono::Duration::seconds(1))
        .unwrap();
    assert!(!works(&app, &old).await);
    let res = app.login("zhou", "a long test password").await;
    assert_eq!(res.status(), 201);
    assert_eq!(tokens_of_zhou().await, 1, "the expired token was purged");
    app.stop().await;
}

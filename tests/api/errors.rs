//! Every non-2xx answer is problem+json naming what is wrong.

use crate::helpers::{assert_problem, spawn_app};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;
    for path in ["/nope", "/api/v1/nope", "/api/v2/meta", "/healthz/extra"] {
        assert_problem(app.get(path).await, 404, "unknown-route").await;
    }
    let res = app
        .client
        .post(app.url("/api/v1/nope"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "unknown-route").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_methods_are_405_problems() {
    let app = spawn_app().await;
    let res = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_problem(res, 405, "method-not-allowed").await;
    let res = app
        .client
        .put(app.url("/api/v1/users"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 405, "method-not-allowed").await;
    let res = app
        .client
        .get(app.url("/api/v1/auth/tokens"))
        .send()
        .await
        .unwrap();
    assert_problem(res, 405, "method-not-allowed").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400_and_names_no_field() {
    let app = spawn_app().await;
    for body in [
        "{",
        "{\"name\": }",
        "[1,2",
        "",
        "{\"name\":\"a\",\"password\":\"b\"} trailing",
    ] {
        let res = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(res, 400, "malformed-json").await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn well_formed_json_of_the_wrong_shape_names_each_field() {
    let app = spawn_app().await;
    let cases = [
        (json!({"name": "a"}), "password", "required"),
        (json!({"password": "a"}), "name", "required"),
        (json!({"name": 5, "password": "x"}), "name", "type"),
        (
            json!({"name": "a", "password": "b", "admin": true}),
            "admin",
            "unknown_field",
        ),
    ];
    for (body, field, code) in cases {
        let res = app.post_json(None, "/api/v1/auth/tokens", &body).await;
        let problem = assert_problem(res, 400, "validation").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body} → {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{body} → {problem}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .body("name=a&password=b");
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        assert_problem(req.send().await.unwrap(), 415, "unsupported-media-type").await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_one_mebibyte_are_413_with_or_without_content_length() {
    let app = spawn_app().await;
    let big = format!(
        "{{\"name\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(1024 * 1024)
    );
    let res = app
        .client
        .post(app.url("/api/v1/auth/tokens"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "payload-too-large").await;
    // Chunked: no Content-Length to refuse up front, so the limit applies while reading.
    // The server answers as soon as the limit is passed and closes the connection; a client
    // still sending may see the reset before the answer, so a reset try is repeated.
    let big = big.into_bytes();
    let mut answer = None;
    for _ in 0..5 {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            big.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
        let sent = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .header("content-type", "application/json")
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                chunks,
            )))
            .send()
            .await;
        if let Ok(res) = sent {
            answer = Some(res);
            break;
        }
    }
    let res = answer.expect("an answer to at least one of five chunked uploads");
    assert_problem(res, 413, "payload-too-large").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_query_parameter_is_named() {
    let app = spawn_app().await;
    let res = app
        .get_as(&app.admin_token, "/api/v1/audit?limit=many")
        .await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(p["errors"][0]["field"], "limit");
    let res = app.get_as(&app.admin_token, "/api/v1/audit?limit=0").await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(p["errors"][0]["field"], "limit");
    let res = app
        .get_as(&app.admin_token, "/api/v1/audit?colour=red")
        .await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(p["errors"][0]["field"], "colour");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problems_say_what_a_field_needs_in_their_own_words() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/users",
            &json!({"name": "a", "role": 5, "password": "a long password"}),
        )
        .await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(p["errors"][0]["message"], "role must be text");
    let res = app
        .patch_json(
            &app.admin_token,
            "/api/v1/users/1",
            &json!({"version": "one"}),
        )
        .await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(
        p["errors"][0]["message"],
        "version must be a whole number in range"
    );
    for text in [
        p["detail"].as_str().unwrap(),
        p["errors"][0]["message"].as_str().unwrap(),
    ] {
        assert!(!text.contains("i32") && !text.contains("line 1"), "{p}");
    }
    let res = app.get("/api/v1/public/entities?limit=many").await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(
        p["errors"][0]["message"],
        "limit must be a whole number in range"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    for scheme in ["Bearer", "bearer", "BEARER", "BeArEr"] {
        let res = app
            .client
            .get(app.url("/api/v1/users"))
            .header("authorization", format!("{scheme} {}", app.admin_token))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{scheme}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_answers_as_get_without_a_body_and_a_405_says_what_is_allowed() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/api/v1/public/entities",
        "/api/v1/calendar/today",
    ] {
        let get = app.get(path).await;
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "{path}");
        assert_eq!(
            head.headers()["content-type"],
            get.headers()["content-type"],
            "{path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}: no body");
    }
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/healthz", "GET, HEAD"),
        (reqwest::Method::PUT, "/api/v1/users", "GET, HEAD, POST"),
        (reqwest::Method::GET, "/api/v1/auth/tokens", "POST"),
        (
            reqwest::Method::PATCH,
            "/api/v1/entities/export.csv",
            "GET, HEAD",
        ),
    ] {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_nosniff_and_private_answers_are_never_cached() {
    let app = spawn_app().await;
    let nowhere = app.get("/nowhere").await;
    assert_eq!(nowhere.headers()["x-content-type-options"], "nosniff");
    assert!(nowhere.headers().get("cache-control").is_none());
    // The health probe is answered live every time: no cache may keep it.
    let health = app.get("/healthz").await;
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    assert_eq!(health.headers()["cache-control"], "no-store");
    assert!(health
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // A staff route's refusal is a staff answer too (it was left without `no-store` when the
    // refusal came from the router's recovery rather than the handler).
    for refused in [
        app.get("/api/v1/penalties").await,
        app.get_as("not-a-token", "/api/v1/users").await,
    ] {
        assert_eq!(refused.status(), 401);
        assert_eq!(refused.headers()["cache-control"], "no-store");
    }
    // A public answer may be reused for a minute, then revalidated by its ETag (issue 14).
    let public = app.get("/api/v1/public/entities").await;
    assert_eq!(public.headers()["x-content-type-options"], "nosniff");
    assert_eq!(public.headers()["cache-control"], "public, max-age=60");
    assert!(public.headers().get("etag").is_some());
    app.user_with_role("wu", "clerk").await;
    let login = app
        .post_json(
            None,
            "/api/v1/auth/tokens",
            &json!({"name": "wu", "password": "a long test password"}),
        )
        .await;
    assert_eq!(login.status(), 201);
    assert_eq!(login.headers()["cache-control"], "no-store");
    let staff = app.get_as(&app.admin_token, "/api/v1/inspectors").await;
    assert_eq!(staff.headers()["cache-control"], "no-store");
    assert_eq!(staff.headers()["x-content-type-options"], "nosniff");
    app.stop().await;
}

/// Header values with bytes beyond ASCII (RFC 9110 obs-text) are refused as problems by the checks
/// that read them, never with a bare text 400 or a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_values_beyond_ascii_get_the_same_answers_as_other_bad_values() {
    let app = spawn_app().await;
    let odd = reqwest::header::HeaderValue::from_bytes(b"\"x\xff\"").unwrap();
    // A conditional public request or a cross-site one: the answer, unconditionally.
    for name in ["if-none-match", "origin"] {
        let res = app
            .client
            .get(app.url("/api/v1/public/entities"))
            .header(name, odd.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{name}");
    }
    // A token that cannot be one: 401.
    let res = app
        .client
        .get(app.url("/api/v1/users"))
        .header("authorization", odd.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "unauthorized").await;
    // A media type that cannot be one: 415.
    let res = app
        .client
        .post(app.url("/api/v1/imports/entities"))
        .bearer_auth(&app.admin_token)
        .header("content-type", odd)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported-media-type").await;
    app.stop().await;
}

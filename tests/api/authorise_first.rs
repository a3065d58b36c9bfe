//! Issue 23, finding 8: who may make a request is decided before its body is read. A role that may
//! not write somewhere gets 403 whatever it sends (not 400 "version is required"), and an account
//! bound to an authority gets 404 for another authority's decision whatever it sends (not 422).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app_at};
use crate::penalties::{bureau, december, draft, natural_person, other_authority};

/// Every staff operation with a body, and the roles that may make it (`domain::policy`).
const WRITES: &[(&str, &str, &[&str])] = &[
    ("POST", "/api/v1/users", &["admin"]),
    ("PATCH", "/api/v1/users/{id}", &["admin"]),
    ("PUT", "/api/v1/calendar/{region}/{year}", &["admin"]),
    ("POST", "/api/v1/categories", &["admin"]),
    ("POST", "/api/v1/authorities", &["admin"]),
    ("PATCH", "/api/v1/authorities/{id}", &["admin"]),
    ("POST", "/api/v1/penalties", &["clerk"]),
    ("PATCH", "/api/v1/penalties/{id}", &["clerk"]),
    ("POST", "/api/v1/penalties/{id}/submit", &["clerk"]),
    ("POST", "/api/v1/penalties/{id}/approve", &["reviewer"]),
    ("POST", "/api/v1/penalties/{id}/reject", &["reviewer"]),
    ("POST", "/api/v1/penalties/{id}/publish", &["reviewer"]),
    ("POST", "/api/v1/penalties/{id}/withdraw", &["reviewer"]),
    ("POST", "/api/v1/penalties/{id}/repair", &["reviewer"]),
    (
        "POST",
        "/api/v1/penalties/{id}/discard",
        &["clerk", "reviewer"],
    ),
    ("POST", "/api/v1/plans", &["clerk"]),
    ("POST", "/api/v1/plans/{id}/announce", &["reviewer"]),
    ("POST", "/api/v1/plans/{id}/draw", &["reviewer"]),
    ("POST", "/api/v1/plans/{id}/results", &["clerk"]),
    ("POST", "/api/v1/plans/{id}/complete", &["clerk"]),
    ("POST", "/api/v1/plans/{id}/publish-results", &["reviewer"]),
    ("POST", "/api/v1/plans/{id}/void", &["reviewer"]),
    ("POST", "/api/v1/inspection-items", &["admin"]),
    ("PATCH", "/api/v1/inspection-items/{id}", &["admin"]),
    ("POST", "/api/v1/entities", &["clerk", "admin"]),
    (
        "PATCH",
        "/api/v1/entities/{credit_code}",
        &["clerk", "admin"],
    ),
    (
        "POST",
        "/api/v1/entities/{credit_code}/deregister",
        &["clerk", "admin"],
    ),
    ("POST", "/api/v1/imports/entities", &["clerk", "admin"]),
    ("POST", "/api/v1/imports/inspectors", &["admin"]),
    ("POST", "/api/v1/imports/penalties", &["clerk"]),
    ("POST", "/api/v1/inspectors", &["admin"]),
    ("PATCH", "/api/v1/inspectors/{id}", &["admin"]),
    ("POST", "/api/v1/inspectors/{id}/conflicts", &["admin"]),
    (
        "POST",
        "/api/v1/inspectors/{id}/conflicts/{conflict_id}/remove",
        &["admin"],
    ),
];

fn concrete(template: &str) -> String {
    template
        .replace("{id}", "1")
        .replace("{conflict_id}", "1")
        .replace("{region}", "CN")
        .replace("{year}", "2027")
        .replace("{credit_code}", &crate::helpers::credit_code("640104", 1))
}

#[test]
fn the_table_lists_every_staff_operation_with_a_body() {
    let spec: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/api-spec/openapi.yaml"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut with_body = BTreeSet::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let public = op["security"].as_array().is_some_and(|s| s.is_empty());
            if op.get("requestBody").is_some() && !public {
                with_body.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    with_body.remove(&("POST".to_string(), "/api/v1/auth/tokens".to_string()));
    let table: BTreeSet<(String, String)> = WRITES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(table, with_body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_that_may_not_write_gets_403_whatever_the_body() {
    let app = spawn_app_at(december()).await;
    let tokens = [
        ("clerk", app.user_with_role("c1", "clerk").await),
        ("reviewer", app.user_with_role("r1", "reviewer").await),
        ("admin", app.admin_token.clone()),
    ];
    let mut checked = 0;
    for (method, template, allowed) in WRITES {
        let url = app.url(&concrete(template));
        let csv = template.contains("imports") || template.contains("calendar");
        for (role, token) in &tokens {
            for body in ["{", "{}", "not,a,file\n\"unclosed"] {
                let res = app
                    .client
                    .request(method.parse().unwrap(), &url)
                    .bearer_auth(token)
                    .header(
                        "content-type",
                        if csv { "text/csv" } else { "application/json" },
                    )
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                if allowed.contains(role) {
                    assert_ne!(status, 403, "{role} {method} {template} {body:?}");
                } else {
                    assert_eq!(status, 403, "{role} {method} {template} {body:?}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 150, "{checked}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_authoritys_decision_is_not_found_whatever_the_body() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let theirs = draft(&app, &b, &natural_person("2026-11-27")).await["id"]
        .as_i64()
        .unwrap();
    let (_, tokens) = other_authority(&app, &[("yn-c", "clerk"), ("yn-r", "reviewer")]).await;
    let (clerk, reviewer) = (tokens[0].clone(), tokens[1].clone());
    for (token, method, path, body) in [
        (&reviewer, "POST", "reject", "{"),
        (&reviewer, "POST", "reject", "{}"),
        (&reviewer, "POST", "reject", r#"{"reason": " "}"#),
        (&reviewer, "POST", "withdraw", r#"{"version": "x"}"#),
        (&clerk, "POST", "submit", r#"{"unknown": 1}"#),
        (&clerk, "PATCH", "", "{"),
        (&clerk, "PATCH", "", r#"{"facts": "x"}"#),
    ] {
        let url = if path.is_empty() {
            format!("/api/v1/penalties/{theirs}")
        } else {
            format!("/api/v1/penalties/{theirs}/{path}")
        };
        let res = app
            .client
            .request(method.parse().unwrap(), app.url(&url))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(res, 404, "not-found").await;
    }
    // The authority's own staff still get the body's errors.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/penalties/{theirs}/submit")))
        .bearer_auth(&b.clerk)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "malformed-json").await;
    app.stop().await;
}

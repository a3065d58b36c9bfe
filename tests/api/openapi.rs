//! `api-spec/openapi.yaml`, the route table and the router must agree.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::spawn_app;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/api-spec/openapi.yaml"
    ))
    .unwrap();
    serde_yaml_ng::from_str(&text).expect("openapi.yaml is valid YAML")
}

fn spec_routes(spec: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn the_spec_is_openapi_3_1_and_lists_exactly_the_route_table() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.1.0");
    let table: BTreeSet<(String, String)> = gongshi::http::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let documented = spec_routes(&spec);
    let undocumented: Vec<_> = table.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&table).collect();
    assert!(
        undocumented.is_empty(),
        "served but missing from openapi.yaml: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "in openapi.yaml but not served: {phantom:?}"
    );
}

#[test]
fn every_operation_documents_a_success_and_its_problems() {
    let spec = spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let responses = op["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{m} {path} has responses"));
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{m} {path} documents a 2xx"
            );
            assert!(
                op["operationId"].is_string(),
                "{m} {path} has an operationId"
            );
        }
    }
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{date}" => "2026-02-14",
            "{year}" => "2026",
            "{region}" => "CN",
            s if s.starts_with('{') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Each documented route is really served (no `unknown-route`, no 405), and each documented
/// path refuses the methods the spec does not list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_serves_what_the_spec_documents_and_nothing_else_on_those_paths() {
    let app = spawn_app().await;
    let spec = spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            let method = reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let res = app
                .client
                .request(method, app.url(&concrete(path)))
                .bearer_auth(&app.admin_token)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            let unknown = body["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("unknown-route"));
            if item.get(m).is_some() {
                assert!(
                    status != 405 && !unknown,
                    "{m} {path} is documented but not served: {status} {body}"
                );
            } else {
                assert_eq!(
                    status, 405,
                    "{m} {path} is served but not documented: {body}"
                );
            }
        }
    }
    app.stop().await;
}

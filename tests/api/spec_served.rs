//! The spec as portal developers fetch it: `/api/v1/openapi.yaml` (the shipped file),
//! `/api/v1/openapi.json` (the same document) and the `/docs` reference page.

use serde_json::Value;

use crate::helpers::spawn_app;

const FILE: &str = include_str!("../../api-spec/openapi.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spec_is_served_as_yaml_and_json_and_as_a_page_that_needs_nothing_from_elsewhere() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.yaml").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/yaml; charset=utf-8"
    );
    assert!(res.headers().get("etag").is_some());
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert_eq!(res.text().await.unwrap(), FILE);

    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let served: Value = res.json().await.unwrap();
    let file: Value = serde_yaml_ng::from_str(FILE).unwrap();
    assert_eq!(served, file);

    let res = app.get("/docs").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    let html = res.text().await.unwrap();
    // Every operation has its section, found by its operationId.
    for item in file["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                assert!(
                    html.contains(&format!("id=\"op-{id}\"")),
                    "/docs lacks {id}"
                );
            }
        }
    }
    assert!(html.contains("/api/v1/public/penalties"));
    // No script, and nothing loaded from another host (no CDN).
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http"), "an external resource");
    assert!(
        !html.contains("href=\"http"),
        "an external link or stylesheet"
    );
    app.stop().await;
}

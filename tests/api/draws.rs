//! The open RFC 3797 verifier (`POST /api/v1/public/draws/rfc3797`).

use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};

const PATH: &str = "/api/v1/public/draws/rfc3797";

fn rfc_sources() -> Value {
    json!([[9319], [2, 5, 12, 8, 10], [9, 18, 26, 34, 41, 45]])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rfc_3797_example_comes_back_exactly_without_a_token() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            None,
            PATH,
            &json!({"pool_size": 25, "picks": 10, "sources": rfc_sources()}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["key"], "9319./2.5.8.10.12./9.18.26.34.41.45./");
    let got: Vec<(u64, String, u64, u64)> = body["picks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["index"].as_u64().unwrap(),
                p["md5"].as_str().unwrap().to_string(),
                p["divisor"].as_u64().unwrap(),
                p["position"].as_u64().unwrap(),
            )
        })
        .collect();
    // RFC 3797 §6 (the digests recomputed with Python's hashlib from the RFC's definition).
    let expected = [
        "990DD0A5692A029A98B5E01AA28F3459",
        "3691E55CB63FCC37914430B2F70B5EC6",
        "FE814EDF564C190AC1D25753979990FA",
        "1863CCACEB568C31D7DDBDF1D4E91387",
        "F4AB33DF4889F0AF29C513905BE1D758",
        "13EAEB529F61ACFB9A29D0BA3A60DE4A",
        "992DB77C382CA2BDB9727001F3CDCCD9",
        "63AB4258ECA922976811C7F55C383CE7",
        "DFBC5AC97CED01B3A6E348E3CC63F40D",
        "31CB111C4A4EBE9287CEAE16FE51B909",
    ];
    let positions = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13];
    let expected: Vec<(u64, String, u64, u64)> = (0..10)
        .map(|i| {
            (
                i as u64 + 1,
                expected[i].to_string(),
                25 - i as u64,
                positions[i],
            )
        })
        .collect();
    assert_eq!(got, expected);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_come_back_with_their_picks() {
    let app = spawn_app().await;
    let pool: Vec<String> = (1..=25).map(|i| format!("候选{i:02}")).collect();
    let body: Value = app
        .post_json(
            None,
            PATH,
            &json!({"pool": pool, "picks": 3, "sources": rfc_sources()}),
        )
        .await
        .json()
        .await
        .unwrap();
    let labels: Vec<&str> = body["picks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["候选17", "候选07", "候选02"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_requests_are_400_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"pool_size": 25, "picks": 1, "sources": []}),
            "sources",
            "required",
        ),
        (
            json!({"pool_size": 25, "picks": 1, "sources": [[1], []]}),
            "sources",
            "empty",
        ),
        (
            json!({"pool_size": 25, "picks": 1, "sources": [[1, -2]]}),
            "sources[0][1]",
            "type",
        ),
        (
            json!({"pool_size": 5, "picks": 6, "sources": rfc_sources()}),
            "picks",
            "over_pool",
        ),
        (
            json!({"pool_size": 1_000_001, "picks": 1, "sources": rfc_sources()}),
            "pool_size",
            "too_large",
        ),
        (
            json!({"pool_size": 3, "pool": ["a"], "picks": 1, "sources": rfc_sources()}),
            "pool",
            "exclusive",
        ),
        (
            json!({"pool_size": 3, "picks": 1, "sources": rfc_sources(), "seed": 1}),
            "seed",
            "unknown_field",
        ),
    ];
    for (body, field, code) in cases {
        let res = app.post_json(None, PATH, &body).await;
        let p = assert_problem(res, 400, "validation").await;
        assert_eq!(p["errors"][0]["field"], field, "{body} → {p}");
        assert_eq!(p["errors"][0]["code"], code, "{body} → {p}");
    }
    app.stop().await;
}

/// `verifier/verify_draw.py`, written from `api-spec/draw-verification.md` alone, agrees with
/// the service on pools, pick counts and sources of every shape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_independent_python_verifier_agrees_with_the_service() {
    let app = spawn_app().await;
    let cases: [(u64, u64, Value); 5] = [
        (25, 10, rfc_sources()),
        (1, 1, json!([[0]])),
        (1_000, 40, json!([[7, 7, 3], [18446744073709551615u64]])),
        (60_000, 5, json!([[123456789], [1, 2, 3, 4, 5, 6]])),
        (300, 300, json!([[42]])),
    ];
    for (pool_size, picks, sources) in cases {
        let api: Value = app
            .post_json(
                None,
                PATH,
                &json!({"pool_size": pool_size, "picks": picks, "sources": sources}),
            )
            .await
            .json()
            .await
            .unwrap();
        let args: Vec<String> = sources
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                s.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        let out = std::process::Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/verifier/verify_draw.py"
            ))
            .args(["rfc3797", "--pool-size", &pool_size.to_string()])
            .args(["--picks", &picks.to_string()])
            .args(&args)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            api, script,
            "pool {pool_size}, picks {picks}, sources {sources}"
        );
    }
    app.stop().await;
}

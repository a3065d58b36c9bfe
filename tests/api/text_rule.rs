//! One text rule on every write path (hardening #4, #6): control characters (NUL included),
//! line and paragraph separators, bidirectional overrides and invisible-only text are refused
//! as 400 problems naming the field, on both backends, and nothing is stored.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, credit_code, spawn_app, TestApp};

fn codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn put_calendar(
    app: &TestApp,
    query: &str,
    content_type: &str,
    body: String,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/calendar/CN/2031{query}")))
        .bearer_auth(&app.admin_token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_uploads_refuse_control_characters_in_names_and_sources() {
    let app = spawn_app().await;
    for bad in [
        "元\u{0}旦",
        "元\u{1}旦",
        "元\u{7f}旦",
        "元\u{2028}旦",
        "\u{202e}元旦",
    ] {
        let body = json!({"source": "国办发明电〔2030〕1号",
                          "days": [{"date": "2031-01-01", "kind": "holiday", "name": bad}]});
        let res = put_calendar(&app, "", "application/json", body.to_string()).await;
        let p = assert_problem(res, 400, "validation").await;
        assert_eq!(codes(&p)[0].0, "name", "{bad:?}: {p}");
    }
    let csv = "date,kind,name\n2031-01-01,holiday,元旦\n".to_string();
    let res = put_calendar(&app, "?source=a%00b", "text/csv", csv.clone()).await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(codes(&p), [("source".to_string(), "character".to_string())]);
    let res = put_calendar(&app, "?source=a%01b", "text/csv", csv.clone()).await;
    assert_problem(res, 400, "validation").await;
    // Nothing was stored, and a clean upload still works.
    let res = app.get("/api/v1/calendar/years/2031").await;
    assert_problem(res, 422, "calendar-not-loaded").await;
    let res = put_calendar(
        &app,
        "?source=国办发明电〔2030〕1号&confirm_incomplete=true",
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entities_refuse_invisible_names_bidi_overrides_and_separators() {
    let app = spawn_app().await;
    let cases = [
        (json!({"name": "\u{202e}\u{200b}"}), "name", "bidi"),
        (json!({"name": "\u{200b}\u{feff}"}), "name", "invisible"),
        (json!({"name": "星光\u{0}网吧"}), "name", "character"),
        (
            json!({"name": "星光网吧", "address": "兴庆区\u{2029}1号"}),
            "address",
            "character",
        ),
        (
            json!({"name": "星光网吧", "legal_representative": "\u{2066}李四\u{2069}"}),
            "legal_representative",
            "bidi",
        ),
        (
            json!({"name": "星光网吧", "risk_tags": ["\u{200b}"]}),
            "risk_tags",
            "invisible",
        ),
    ];
    for (i, (fields, field, code)) in cases.into_iter().enumerate() {
        let mut body = json!({"credit_code": credit_code("640104", i as u32 + 1),
                              "category": "网吧", "district": "640104"});
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let res = app
            .post_json(Some(&app.admin_token), "/api/v1/entities", &body)
            .await;
        let p = assert_problem(res, 400, "validation").await;
        assert_eq!(codes(&p), [(field.to_string(), code.to_string())], "{body}");
    }
    let page: Value = app
        .get("/api/v1/public/entities")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        0,
        "nothing was stored"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_name_with_a_nul_is_an_ordinary_refusal() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            None,
            "/api/v1/auth/tokens",
            &json!({"name": "adm\u{0}in", "password": "whatever it is"}),
        )
        .await;
    assert_problem(res, 401, "unauthorized").await;
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/users",
            &json!({"name": "\u{200b}", "role": "clerk", "password": "a long password"}),
        )
        .await;
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(codes(&p), [("name".to_string(), "invisible".to_string())]);
    app.stop().await;
}

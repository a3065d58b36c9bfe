//! Issue 25: problems are in Chinese for the people who read them (bureau staff), in English
//! when the client asks (`Accept-Language: en`); `type`, slugs and field codes are the same in
//! both. The rest of the suite reads English (its client sends `Accept-Language: en`); these
//! tests use a client that sends no such header, as a browser set to Chinese or curl does.

use serde_json::{json, Value};

use crate::helpers::spawn_app_at;
use crate::penalties::{bureau, december, draft, natural_person};

/// A POST with no `Accept-Language` (or with `lang`), answered as JSON.
async fn post(
    app: &crate::helpers::TestApp,
    token: &str,
    path: &str,
    body: &Value,
    lang: Option<&str>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(body);
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problems_are_in_chinese_by_default_and_in_english_when_asked() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let mut body = natural_person("2026-11-27");
    body["penalty_types"] = json!(["罚款"]);
    body["confiscation_fen"] = Value::Null;
    body["content"] = json!("警告，并处罚款人民币2000元");
    body["fine_fen"] = json!(2000);
    let (status, zh) = post(&app, &b.clerk, "/api/v1/penalties", &body, None).await;
    assert_eq!(status, 422);
    assert_eq!(zh["type"], "urn:gongshi:problem:validation");
    assert_eq!(zh["title"], "输入有误");
    assert_eq!(zh["errors"][0]["code"], "amount_mismatch");
    assert_eq!(zh["errors"][0]["field"], "fine_fen");
    assert_eq!(
        zh["errors"][0]["message"],
        "处罚内容写明罚款为 2,000 元（“2000元”），但罚款金额填写的是 2000 分，即 20 元；请核对金额单位（1 元 = 100 分）"
    );
    assert!(has_chinese(zh["detail"].as_str().unwrap()), "{zh}");
    for lang in ["en", "en-US,en;q=0.9", "fr;q=0.9,en;q=0.8"] {
        let (_, en) = post(&app, &b.clerk, "/api/v1/penalties", &body, Some(lang)).await;
        assert_eq!(en["title"], "Invalid input", "{lang}");
        assert_eq!(
            (&en["type"], &en["errors"][0]["code"]),
            (&zh["type"], &zh["errors"][0]["code"])
        );
        assert!(
            en["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("content states a fine of 2,000 元"),
            "{en}"
        );
    }
    let (_, chinese_first) = post(
        &app,
        &b.clerk,
        "/api/v1/penalties",
        &body,
        Some("zh-CN,zh;q=0.9,en;q=0.8"),
    )
    .await;
    assert_eq!(chinese_first["title"], "输入有误");
    // A workflow refusal names both states in Chinese.
    let d = draft(&app, &b, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    let (status, p) = post(
        &app,
        &b.reviewer,
        &format!("/api/v1/penalties/{id}/publish"),
        &json!({}),
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(p["type"], "urn:gongshi:problem:invalid-transition");
    assert_eq!(p["title"], "当前状态不允许此操作");
    assert_eq!(
        p["detail"],
        "“草稿”状态的处罚决定不能公示；只有“已审核”状态的可以"
    );
    // The password message.
    let (status, p) = post(
        &app,
        &app.admin_token,
        "/api/v1/users",
        &json!({"name": "zhang", "role": "clerk", "password": "short"}),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(p["errors"][0]["message"], "密码至少 10 个字符");
    app.stop().await;
}

/// Whatever is refused, the Chinese answer is Chinese: the title, the detail and every field's
/// message, also where a rule has no sentence of its own (the field's Chinese name and the
/// rule's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_reads_in_chinese() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let cases: Vec<(&str, &str, Value)> = vec![
        ("POST", "/api/v1/penalties", json!({})),
        ("POST", "/api/v1/penalties", json!({"party_name": 5})),
        ("POST", "/api/v1/penalties", json!({"no_such_field": 1})),
        (
            "POST",
            "/api/v1/entities",
            json!({"credit_code": "91640104MA1B3N1N2X", "name": ""}),
        ),
        ("POST", "/api/v1/plans", json!({"title": ""})),
        ("POST", "/api/v1/inspectors", json!({"certificate_no": "x"})),
        ("POST", "/api/v1/penalties/999/submit", json!({})),
        (
            "POST",
            "/api/v1/users",
            json!({"name": "", "role": "king", "password": "x"}),
        ),
    ];
    for (_, path, body) in &cases {
        let token = if path.contains("entities") || path.contains("penalties") {
            &b.clerk
        } else {
            &app.admin_token
        };
        let (status, p) = post(&app, token, path, body, None).await;
        assert!(status >= 400, "{path}: {status}");
        let mut texts = vec![p["title"].as_str().unwrap(), p["detail"].as_str().unwrap()];
        for e in p["errors"].as_array().into_iter().flatten() {
            texts.push(e["message"].as_str().unwrap());
        }
        for t in texts {
            assert!(has_chinese(t), "{path} {body}: {t:?} in {p}");
        }
    }
    // Not signed in, an unknown route: Chinese too, saying so to caches.
    for path in ["/api/v1/penalties", "/api/v1/nowhere"] {
        let res = reqwest::Client::new()
            .get(app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-language"], "zh-CN");
        assert!(res
            .headers()
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("Accept-Language")));
        let p: Value = res.json().await.unwrap();
        assert!(has_chinese(p["title"].as_str().unwrap()), "{p}");
        assert!(has_chinese(p["detail"].as_str().unwrap()), "{p}");
    }
    app.stop().await;
}

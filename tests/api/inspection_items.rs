//! The 随机抽查事项清单: shipped, public, versioned, admin-only changes.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};

async fn items(app: &crate::helpers::TestApp) -> Vec<Value> {
    let res = app.get("/api/v1/public/inspection-items").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

fn new_item() -> Value {
    json!({
        "code": "cinema_ticketing",
        "field": "电影",
        "name": "电影院票务检查",
        "content": "票务系统、数据上报",
        "kind": "一般",
        "basis": "《中华人民共和国电影产业促进法》第二十四条",
        "subject": "电影主管部门",
        "categories": ["影院"],
        "methods": ["实地检查", "网络检查"],
        "ratio": "不低于5%",
        "effective_from": "2026-01-01"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_list_is_public_with_labels_and_covers_the_bureau_fields() {
    let app = spawn_app().await;
    let all = items(&app).await;
    let names: Vec<&str> = all.iter().map(|i| i["name"].as_str().unwrap()).collect();
    for expected in [
        "旅行社经营行为检查",
        "娱乐场所经营活动检查",
        "互联网上网服务营业场所日常经营活动检查",
        "营业性演出活动检查",
        "A级旅游景区服务质量和安全检查",
        "星级饭店经营服务检查",
        "文物保护单位安全和保护管理检查",
        "广播电视设施和传输覆盖检查",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let internet = all
        .iter()
        .find(|i| i["code"] == "internet_venue_daily")
        .unwrap();
    assert_eq!(internet["kind"], "key");
    assert_eq!(internet["kind_label"], "重点");
    assert_eq!(
        internet["categories"],
        json!([{"code": "internet_service_venue", "label": "互联网上网服务营业场所"}])
    );
    assert_eq!(internet["methods"][0]["label"], "实地检查");
    assert_eq!(internet["version"], 1);
    assert_eq!(internet["current"], true);
    // The allow-listed view's keys, exactly (as tests/api/public_views.rs pins the others).
    let keys: Vec<&str> = internet
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "basis",
            "categories",
            "code",
            "content",
            "current",
            "effective_from",
            "effective_to",
            "field",
            "frequency",
            "id",
            "kind",
            "kind_label",
            "methods",
            "name",
            "ratio",
            "subject",
            "version",
            "version_created_at"
        ]
    );
    let one: Value = app
        .get(&format!(
            "/api/v1/public/inspection-items/{}",
            internet["id"]
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(&one, internet);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_change_is_a_new_version_and_the_old_one_stays_readable() {
    let app = spawn_app().await;
    let clerk = app.user_with_role("clerk1", "clerk").await;
    assert_eq!(
        app.post_json(Some(&clerk), "/api/v1/inspection-items", &new_item())
            .await
            .status(),
        403,
        "admins only"
    );
    let audit = app.audit_count().await;
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/inspection-items",
            &new_item(),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["categories"][0]["code"], "cinema");
    assert_eq!(app.audit_count().await, audit + 1);
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/inspection-items/{id}");

    let changed: Value = app
        .patch_json(
            &app.admin_token,
            &path,
            &json!({"version": 1, "ratio": "不低于10%", "effective_to": "2026-12-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["ratio"], "不低于10%");
    assert_eq!(changed["name"], "电影院票务检查", "unnamed fields are kept");
    // The same change again changes nothing: no version 3, no audit record.
    let audit = app.audit_count().await;
    let again: Value = app
        .patch_json(
            &app.admin_token,
            &path,
            &json!({"version": 2, "ratio": "不低于10%"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["version"], 2);
    assert_eq!(app.audit_count().await, audit);
    // A stale version is refused.
    assert_problem(
        app.patch_json(
            &app.admin_token,
            &path,
            &json!({"version": 1, "ratio": "x"}),
        )
        .await,
        409,
        "stale-version",
    )
    .await;
    // Version 1 stays readable, no longer current.
    let v1: Value = app
        .get(&format!("/api/v1/public/inspection-items/{id}/versions/1"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v1["ratio"], "不低于5%");
    assert_eq!(v1["current"], false);
    assert_eq!(v1["effective_to"], Value::Null);
    let versions: Value = app
        .get(&format!("/api/v1/public/inspection-items/{id}/versions"))
        .await
        .json()
        .await
        .unwrap();
    let numbers: Vec<i64> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(
        app.get(&format!("/api/v1/public/inspection-items/{id}/versions/3"))
            .await
            .status(),
        404
    );
    // The list shows the current version.
    let listed = items(&app).await;
    let listed = listed.iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(listed["version"], 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_items_are_refused_naming_every_field_and_codes_never_change() {
    let app = spawn_app().await;
    let mut bad = new_item();
    bad["code"] = json!("Cinema Ticketing");
    bad["kind"] = json!("普通");
    bad["categories"] = json!(["影剧院"]);
    bad["effective_from"] = json!("2026-02-30");
    let p = assert_problem(
        app.post_json(Some(&app.admin_token), "/api/v1/inspection-items", &bad)
            .await,
        400,
        "validation",
    )
    .await;
    let fields: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("code", "format"),
            ("kind", "unknown"),
            ("categories", "unknown"),
            ("effective_from", "format")
        ]
    );
    // A shipped code is taken.
    let mut dup = new_item();
    dup["code"] = json!("internet_venue_daily");
    assert_problem(
        app.post_json(Some(&app.admin_token), "/api/v1/inspection-items", &dup)
            .await,
        409,
        "duplicate",
    )
    .await;
    let first = items(&app).await[0].clone();
    let p = assert_problem(
        app.patch_json(
            &app.admin_token,
            &format!("/api/v1/inspection-items/{}", first["id"]),
            &json!({"version": 1, "code": "renamed"}),
        )
        .await,
        400,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "immutable");
    app.stop().await;
}

/// Every category the shipped list inspects has at least three inspectors in the demo roster who
/// are active, hold a certificate valid on the day (2026-12-01, fixed: the demo's certificates
/// are fixed dates) and cover it (directly or through a parent), so a plan over the demo data
/// can be drawn with teams of two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_category_of_the_shipped_list_has_three_eligible_demo_inspectors() {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let app = crate::helpers::spawn_app_tuned(|s| {
        s.demo = true;
        s.clock = gongshi::clock::Clock::fixed(day.and_hms_opt(2, 0, 0).unwrap().and_utc());
    })
    .await;
    let today = day.to_string();
    let categories: Value = app
        .get("/api/v1/public/categories")
        .await
        .json()
        .await
        .unwrap();
    let parent_of = |code: &str| -> Option<String> {
        categories["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .and_then(|c| c["parent"].as_str().map(str::to_string))
    };
    let roster: Value = app
        .get("/api/v1/public/inspectors?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let roster = roster["items"].as_array().unwrap().clone();
    assert_eq!(roster.len(), 46);
    for item in items(&app).await {
        for c in item["categories"].as_array().unwrap() {
            let code = c["code"].as_str().unwrap();
            let mut lineage = vec![code.to_string()];
            while let Some(p) = parent_of(lineage.last().unwrap()) {
                lineage.push(p);
            }
            let eligible = roster
                .iter()
                .filter(|i| i["status"] == "active")
                .filter(|i| {
                    i["certificate_valid_from"].as_str().unwrap() <= today.as_str()
                        && today.as_str() <= i["certificate_valid_to"].as_str().unwrap()
                })
                .filter(|i| {
                    i["fields"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|f| lineage.iter().any(|l| f == l))
                })
                .count();
            assert!(
                eligible >= 3,
                "{} ({code}): {eligible} eligible demo inspector(s)",
                item["code"]
            );
        }
    }
    app.stop().await;
}

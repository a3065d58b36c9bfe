//! Every public answer has exactly the keys of its allow-listed view (`http/public/views.rs`):
//! a field added to a record cannot reach the public by accident. The private values of the
//! records behind them (risk tags, an inspector's ID number and phone) are checked absent too.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{credit_code, spawn_app, TestApp};

const ENTITY_KEYS: &[&str] = &[
    "address",
    "category",
    "category_label",
    "credit_code",
    "district",
    "kind",
    "kind_label",
    "legal_representative",
    "licence_numbers",
    "name",
    "status",
    "status_label",
];

const INSPECTOR_KEYS: &[&str] = &[
    "certificate_no",
    "certificate_valid_from",
    "certificate_valid_to",
    "duty",
    "field_labels",
    "fields",
    "name",
    "status",
    "status_label",
    "unit",
];

const PAGE_KEYS: &[&str] = &["items", "next_cursor"];
const DAY_KEYS: &[&str] = &[
    "date",
    "is_workday",
    "kind",
    "name",
    "provisional",
    "region",
];

/// A risk tag, an ID number and a phone that must never appear in a public answer.
const PRIVATE_VALUES: &[&str] = &["内部风险标签", "11010519491231002X", "13800001234"];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

/// GETs a public path without a token: 200, and no private value anywhere in the body.
async fn public(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let text = res.text().await.unwrap();
    for private in PRIVATE_VALUES {
        assert!(!text.contains(private), "{path} shows {private}: {text}");
    }
    serde_json::from_str(&text).unwrap()
}

/// One entity with a risk tag and one inspector with an ID number and a phone.
async fn seed_private_data(app: &TestApp) -> String {
    let code = credit_code("640104", 1);
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": code, "name": "银川星光网吧", "category": "网吧",
                    "district": "640104", "address": "兴庆区示例路1号", "legal_representative": "李四",
                    "licence_numbers": ["网文〔2026〕001号"], "risk_tags": ["内部风险标签"]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/inspectors",
            &json!({"name": "张伟", "certificate_no": "64010020260001",
                    "certificate_valid_from": "2024-01-01", "certificate_valid_to": "2028-12-31",
                    "unit": "第一大队", "fields": ["网吧"], "id_number": "11010519491231002X",
                    "phone": "13800001234"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_directory_and_roster_show_exactly_their_views() {
    let app = spawn_app().await;
    let code = seed_private_data(&app).await;

    let page = public(&app, "/api/v1/public/entities").await;
    assert_eq!(keys(&page), set(PAGE_KEYS));
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(keys(&page["items"][0]), set(ENTITY_KEYS));
    let page = public(&app, "/api/v1/public/entities?q=星光+网吧&limit=1").await;
    assert_eq!(keys(&page["items"][0]), set(ENTITY_KEYS));
    assert_eq!(page["items"][0]["name"], "银川星光网吧");

    let one = public(&app, &format!("/api/v1/public/entities/{code}")).await;
    assert_eq!(keys(&one), set(ENTITY_KEYS));

    let roster = public(&app, "/api/v1/public/inspectors").await;
    assert_eq!(keys(&roster), set(PAGE_KEYS));
    assert_eq!(keys(&roster["items"][0]), set(INSPECTOR_KEYS));

    // The staff views of the same records do carry the private fields (so the checks above
    // would see them if a public view leaked them).
    let staff = app
        .get_as(&app.admin_token, "/api/v1/inspectors")
        .await
        .text()
        .await
        .unwrap();
    assert!(staff.contains("11010519491231002X") && staff.contains("13800001234"));
    let staff = app
        .get_as(&app.admin_token, &format!("/api/v1/entities/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(staff.contains("内部风险标签"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_credit_code_checker_shows_exactly_its_verdict() {
    let app = spawn_app().await;
    let valid = credit_code("640104", 7);
    let body = public(&app, &format!("/api/v1/credit-codes/{valid}")).await;
    assert_eq!(
        keys(&body),
        set(&[
            "category",
            "input",
            "normalized",
            "region_code",
            "registration_authority",
            "valid"
        ])
    );
    let mut wrong_check = valid.clone();
    let last = if wrong_check.ends_with('0') { "1" } else { "0" };
    wrong_check.replace_range(17.., last);
    let body = public(&app, &format!("/api/v1/credit-codes/{wrong_check}")).await;
    assert_eq!(
        keys(&body),
        set(&[
            "expected_check_character",
            "input",
            "message",
            "normalized",
            "reason",
            "valid"
        ])
    );
    // In a path a `+` is a plus sign (RFC 3986); in a query string it is a space (the form
    // encoding browsers send): `q=星光+网吧` searches for 星光网吧.
    let body = public(&app, "/api/v1/credit-codes/9164+0104").await;
    assert_eq!(body["input"], "9164+0104");
    let body = public(&app, "/api/v1/credit-codes/123").await;
    assert_eq!(
        keys(&body),
        set(&["input", "message", "normalized", "reason", "valid"])
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_calendar_shows_exactly_its_views() {
    let app = spawn_app().await;
    let day = public(&app, "/api/v1/calendar/days/2026-10-01").await;
    assert_eq!(keys(&day), set(DAY_KEYS));
    let today = public(&app, "/api/v1/calendar/today").await;
    let mut with_zone = set(DAY_KEYS);
    with_zone.insert("time_zone".into());
    assert_eq!(keys(&today), with_zone);

    let added = public(&app, "/api/v1/calendar/add-workdays?from=2026-09-30&days=7").await;
    assert_eq!(
        keys(&added),
        set(&["date", "days", "from", "provisional", "region"])
    );
    let by_rule = public(
        &app,
        "/api/v1/calendar/add-workdays?from=2026-09-30&rule=penalty_publication",
    )
    .await;
    assert_eq!(
        keys(&by_rule),
        set(&["date", "days", "from", "provisional", "region", "rule"])
    );
    let between = public(
        &app,
        "/api/v1/calendar/workdays-between?from=2026-09-30&to=2026-10-15",
    )
    .await;
    assert_eq!(
        keys(&between),
        set(&["from", "provisional", "region", "to", "workdays"])
    );

    let year = public(&app, "/api/v1/calendar/years/2026").await;
    assert_eq!(
        keys(&year),
        set(&["days", "layers", "region", "workdays", "year"])
    );
    assert_eq!(
        keys(&year["layers"][0]),
        set(&["loaded_at", "region", "revision", "source"])
    );
    assert_eq!(
        keys(&year["days"][0]),
        set(&["date", "kind", "layer", "name", "source"])
    );

    let coverage = public(&app, "/api/v1/calendar/coverage").await;
    assert_eq!(
        keys(&coverage),
        set(&["default_region", "items", "regions"])
    );
    assert_eq!(
        keys(&coverage["items"][0]),
        set(&[
            "loaded_at",
            "origin",
            "region",
            "revision",
            "source",
            "year"
        ])
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_meta_show_exactly_their_views() {
    let app = spawn_app().await;
    let health = public(&app, "/healthz").await;
    assert_eq!(keys(&health), set(&["database", "status"]));
    let meta = public(&app, "/api/v1/meta").await;
    assert_eq!(
        keys(&meta),
        set(&["api_version", "calendar", "database", "name", "version"])
    );
    assert_eq!(
        keys(&meta["calendar"]),
        set(&["coverage", "default_region", "regions"])
    );
    assert_eq!(
        keys(&meta["calendar"]["coverage"][0]),
        set(&["first_year", "last_year", "region", "years"])
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_authority_list_shows_exactly_its_view() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/authorities",
            &json!({"name": "银川市文化旅游广电局", "credit_code": credit_code("640100", 9),
                    "number_prefix": "银文旅"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let body = public(&app, "/api/v1/authorities").await;
    assert_eq!(keys(&body), set(&["items"]));
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        keys(&items[0]),
        set(&[
            "credit_code",
            "id",
            "mask_natural_person_names",
            "name",
            "number_prefix",
            "publish_minor",
            "publish_simple_procedure",
            "publish_warning_only",
            "version",
        ])
    );
    app.stop().await;
}

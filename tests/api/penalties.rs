//! Penalty decisions through the HTTP API (issue 12): logging, 先审后发, deadlines on the
//! holiday calendar, publication, withdrawal, and what the public can and cannot see.

use chrono::TimeZone;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, credit_code, spawn_app_at, TestApp};

pub(crate) const ID_NUMBER: &str = "11010519491231002X";
pub(crate) const ADDRESS: &str = "兴庆区示例路1号";
pub(crate) const FULL_NAME: &str = "欧阳明华";

/// The keys of a published decision's public view, sorted.
const PUBLIC_KEYS: &[&str] = &[
    "authority",
    "authority_credit_code",
    "authority_id",
    "confiscation_fen",
    "confiscation_yuan",
    "content",
    "decision_date",
    "decision_number",
    "facts",
    "fine_fen",
    "fine_yuan",
    "id",
    "legal_basis",
    "legal_representative",
    "licence_affected",
    "party_credit_code",
    "party_kind",
    "party_kind_label",
    "party_name",
    "penalty_types",
    "publicity_end",
    "published_on",
    "state",
    "violation_type",
];

/// 2026-12-01 10:00 in Asia/Shanghai.
pub(crate) fn december() -> chrono::DateTime<chrono::Utc> {
    shanghai(2026, 12, 1, 10, 0, 0)
}

pub(crate) fn shanghai(
    y: i32,
    m: u32,
    d: u32,
    h: u32,
    min: u32,
    s: u32,
) -> chrono::DateTime<chrono::Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, min, s)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// An authority, two certified inspectors, a clerk and a reviewer.
pub(crate) struct Bureau {
    pub(crate) authority: i64,
    pub(crate) clerk: String,
    pub(crate) reviewer: String,
}

pub(crate) async fn bureau(app: &TestApp) -> Bureau {
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/authorities",
            &json!({"name": "银川市文化旅游广电局", "credit_code": credit_code("640100", 9),
                    "number_prefix": "银文旅"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let authority: Value = res.json().await.unwrap();
    for n in 1..=2 {
        let res = app
            .post_json(
                Some(&app.admin_token),
                "/api/v1/inspectors",
                &json!({"name": format!("执法员{n}"), "certificate_no": format!("6401002026000{n}"),
                        "certificate_valid_from": "2024-01-01", "certificate_valid_to": "2028-12-31",
                        "unit": "支队", "fields": ["网吧"]}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }
    Bureau {
        authority: authority["id"].as_i64().unwrap(),
        clerk: app.user_with_role("clerk1", "clerk").await,
        reviewer: app.user_with_role("reviewer1", "reviewer").await,
    }
}

pub(crate) fn natural_person(date: &str) -> Value {
    json!({
        "allocate_decision_number": true,
        "party_kind": "natural_person",
        "party_name": FULL_NAME,
        "party_id_type": "身份证",
        "party_id_number": ID_NUMBER,
        "party_address": ADDRESS,
        "violation_type": "无证从事营业性演出",
        "facts": "当事人未取得营业性演出许可证，擅自举办营业性演出。",
        "legal_basis": "《营业性演出管理条例》第四十三条",
        "penalty_types": ["没收违法所得", "罚款"],
        "content": "没收违法所得123.45元，并处罚款10000元",
        "fine_fen": 1_000_000,
        "confiscation_fen": 12_345,
        "decision_date": date,
        "procedure": "ordinary",
        "case_officers": ["64010020260001", "64010020260002"],
        "internal_notes": "内部备注：当事人态度恶劣"
    })
}

/// A second authority (永宁县) and an account bound to it for each `(name, role)`: the authority
/// and the accounts' tokens, in order.
pub(crate) async fn other_authority(
    app: &TestApp,
    accounts: &[(&str, &str)],
) -> (Value, Vec<String>) {
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/authorities",
            &json!({"name": "永宁县文化旅游广电局", "credit_code": credit_code("640121", 8),
                    "number_prefix": "永文旅"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let other: Value = res.json().await.unwrap();
    let mut tokens = Vec::new();
    for (name, role) in accounts {
        let res = app
            .post_json(
                Some(&app.admin_token),
                "/api/v1/users",
                &json!({"name": name, "role": role, "password": "a long test password",
                        "authority_id": other["id"]}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let user: Value = res.json().await.unwrap();
        assert_eq!(user["authority_id"], other["id"]);
        tokens.push(token(app, name).await);
    }
    (other, tokens)
}

/// A fresh token for an account `user_with_role` made (after the clock moved past the old
/// token's lifetime, or a role change revoked it).
pub(crate) async fn token(app: &TestApp, name: &str) -> String {
    let res = app.login(name, "a long test password").await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

pub(crate) async fn draft(app: &TestApp, b: &Bureau, body: &Value) -> Value {
    let res = app
        .post_json(Some(&b.clerk), "/api/v1/penalties", body)
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

pub(crate) async fn step(
    app: &TestApp,
    token: &str,
    id: i64,
    step: &str,
    body: Value,
) -> reqwest::Response {
    app.post_json(
        Some(token),
        &format!("/api/v1/penalties/{id}/{step}"),
        &body,
    )
    .await
}

pub(crate) async fn ok_step(app: &TestApp, token: &str, id: i64, name: &str, body: Value) -> Value {
    let res = step(app, token, id, name, body).await;
    assert_eq!(res.status(), 200, "{name}: {}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// A public GET: its status and body text, checked for every private value.
pub(crate) async fn public(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    for private in [
        ID_NUMBER,
        ADDRESS,
        FULL_NAME,
        "内部备注",
        "64010020260001",
        "11010519",
    ] {
        assert!(!text.contains(private), "{path} shows {private}: {text}");
    }
    (status, text)
}

async fn public_names(app: &TestApp, query: &str) -> Vec<String> {
    let (status, text) = public(app, &format!("/api/v1/public/penalties?{query}")).await;
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["party_name"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_natural_persons_decision_goes_from_draft_to_withdrawn_and_the_public_never_sees_private_data(
) {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(d["state"], "draft");
    assert_eq!(d["decision_number"], "银文旅罚〔2026〕1号");
    assert_eq!(
        d["party_id_number"], ID_NUMBER,
        "staff see the private fields"
    );
    assert_eq!(d["public_party_name"], "欧阳**");
    assert_eq!(d["severity"], "general");
    // 2026-11-27 (Fri) + 7 working days = 2026-12-08.
    assert_eq!(d["publication_deadline"], "2026-12-08");
    assert_eq!(d["publication_deadline_provisional"], false);
    assert_eq!(d["publicity_min_end"], "2027-02-27");
    assert_eq!(d["publicity_max_end"], "2027-11-27");

    let (status, _) = public(&app, &format!("/api/v1/public/penalties/{id}")).await;
    assert_eq!(status, 404, "a draft is not public");

    // A reviewer cannot publish before approval; a clerk cannot approve.
    let res = step(&app, &b.reviewer, id, "publish", json!({})).await;
    let p = assert_problem(res, 409, "invalid-transition").await;
    assert!(p["detail"].as_str().unwrap().contains("draft"), "{p}");
    ok_step(&app, &b.clerk, id, "submit", json!({"version": 1})).await;
    assert_problem(
        step(&app, &b.clerk, id, "approve", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    ok_step(&app, &b.reviewer, id, "approve", json!({"version": 2})).await;
    assert_problem(
        step(&app, &b.reviewer, id, "approve", json!({"version": 2})).await,
        409,
        "stale-version",
    )
    .await;
    let published = ok_step(&app, &b.reviewer, id, "publish", json!({})).await;
    assert_eq!(published["state"], "published");
    assert_eq!(published["published_on"], "2026-12-01");
    assert_eq!(published["working_days_late"], 0);

    let (status, text) = public(&app, &format!("/api/v1/public/penalties/{id}")).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&text).unwrap();
    // Exactly the allow-listed view (http/public/views.rs), in the detail and in the list.
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, PUBLIC_KEYS);
    let (_, list) = public(&app, "/api/v1/public/penalties").await;
    let list: Value = serde_json::from_str(&list).unwrap();
    let keys: Vec<&str> = list["items"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, PUBLIC_KEYS);
    assert_eq!(v["party_name"], "欧阳**");
    assert_eq!(v["party_credit_code"], Value::Null);
    assert_eq!(v["fine_yuan"], "10000.00");
    assert_eq!(v["confiscation_yuan"], "123.45");
    assert_eq!(v["authority"], "银川市文化旅游广电局");
    assert_eq!(v["publicity_end"], "2027-11-27");

    // Search finds what the view shows and nothing else.
    assert_eq!(public_names(&app, "q=欧阳").await, ["欧阳**"]);
    assert!(public_names(&app, &format!("q={FULL_NAME}"))
        .await
        .is_empty());
    assert!(public_names(&app, "q=明华").await.is_empty());
    assert!(public_names(&app, &format!("q={ID_NUMBER}"))
        .await
        .is_empty());
    assert!(public_names(&app, "q=示例路").await.is_empty());
    assert_eq!(public_names(&app, "q=银文旅罚2026").await.len(), 1);
    assert_eq!(public_names(&app, "penalty_type=fine").await.len(), 1);
    assert!(public_names(&app, "penalty_type=warning").await.is_empty());

    // Withdrawal: a public reason, and only the notice stays public.
    assert_problem(
        step(
            &app,
            &b.reviewer,
            id,
            "withdraw",
            json!({"event_date": "2026-12-01"}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    let w = ok_step(
        &app,
        &b.reviewer,
        id,
        "withdraw",
        json!({"reason": "行政复议决定撤销原处罚决定", "event_date": "2026-11-30"}),
    )
    .await;
    assert_eq!(w["state"], "withdrawn");
    assert_eq!(w["withdrawal_deadline"], "2026-12-03");
    let (status, text) = public(&app, &format!("/api/v1/public/penalties/{id}")).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "authority",
            "authority_credit_code",
            "authority_id",
            "decision_number",
            "id",
            "state",
            "withdrawal_reason",
            "withdrawn_on"
        ]
    );
    assert_eq!(v["withdrawal_reason"], "行政复议决定撤销原处罚决定");

    // Every transition is in the audit log, with the ID number masked.
    let audit = app
        .get_as(&app.admin_token, "/api/v1/audit?limit=200")
        .await
        .text()
        .await
        .unwrap();
    for action in [
        "penalty.create",
        "penalty.submit",
        "penalty.approve",
        "penalty.publish",
        "penalty.withdraw",
    ] {
        assert!(audit.contains(action), "{action}");
    }
    assert!(!audit.contains(ID_NUMBER) && !audit.contains(ADDRESS));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drafter_cannot_approve_their_own_decision() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    ok_step(&app, &b.clerk, id, "submit", json!({})).await;
    // The clerk becomes a reviewer and tries to approve what they drafted.
    let clerk = app.find_user("clerk1").await;
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/users/{}", clerk["id"]),
            &json!({"version": clerk["version"], "role": "reviewer"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let now_reviewer = token(&app, "clerk1").await;
    let p = assert_problem(
        step(&app, &now_reviewer, id, "approve", json!({})).await,
        403,
        "separation-of-duties",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("clerk1"), "{p}");
    ok_step(&app, &b.reviewer, id, "approve", json!({})).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_follow_the_holiday_calendar() {
    let app = spawn_app_at(shanghai(2026, 10, 9, 9, 0, 0)).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-09-30")).await;
    assert_eq!(d["publication_deadline"], "2026-10-15", "across 国庆");
    // Published on 2026-10-09: on time.
    let id = d["id"].as_i64().unwrap();
    ok_step(&app, &b.clerk, id, "submit", json!({})).await;
    ok_step(&app, &b.reviewer, id, "approve", json!({})).await;
    // Two days past the deadline: published late, and recorded so.
    app.clock().set(shanghai(2026, 10, 19, 9, 0, 0)).unwrap();
    let reviewer = token(&app, "reviewer1").await;
    let p = ok_step(&app, &reviewer, id, "publish", json!({})).await;
    assert_eq!(p["working_days_late"], 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_in_a_year_whose_calendar_is_not_loaded_is_provisional() {
    let app = spawn_app_at(shanghai(2026, 12, 29, 9, 0, 0)).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-12-28")).await;
    assert_eq!(d["publication_deadline_provisional"], true);
    // 12-29, 12-30, 12-31, then 2027 from the statutory holidays alone (元旦 on 01-01).
    assert_eq!(d["publication_deadline"], "2027-01-07");
    let id = d["id"].as_i64().unwrap();

    // The 2027 notice arrives (here with 01-04 off too): the deadline is recomputed at once.
    let csv = "date,kind,name,source\n\
               2027-01-01,holiday,元旦,test notice 2027\n\
               2027-01-02,holiday,元旦,test notice 2027\n\
               2027-01-03,holiday,元旦,test notice 2027\n\
               2027-01-04,holiday,元旦,test notice 2027\n";
    let res = app
        .client
        .put(app.url("/api/v1/calendar/CN/2027?confirm_incomplete=true"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let d: Value = app
        .get_as(&b.clerk, &format!("/api/v1/penalties/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["publication_deadline_provisional"], false);
    assert_eq!(d["publication_deadline"], "2027-01-08");
    assert_eq!(d["version"], 2, "a recomputed deadline is a new version");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_field_is_a_422_naming_it_and_nothing_is_written() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let audit = app.audit_count().await;
    let mut body = natural_person("2026-12-02");
    body["party_id_number"] = json!("110105194912310021");
    body["fine_fen"] = Value::Null;
    body["case_officers"] = json!(["64010020260001"]);
    let res = app
        .post_json(Some(&b.clerk), "/api/v1/penalties", &body)
        .await;
    let p = assert_problem(res, 422, "validation").await;
    let got: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("party_id_number", "checksum"),
            ("fine_fen", "required"),
            ("decision_date", "future"),
            ("case_officers", "too_few"),
        ]
    );
    assert_eq!(app.audit_count().await, audit);
    let list: Value = app
        .get_as(&b.clerk, "/api/v1/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    // A repeated number is a duplicate, whatever its brackets.
    let mut first = natural_person("2026-11-27");
    first["allocate_decision_number"] = Value::Null;
    first["decision_number"] = json!("银文旅罚〔2026〕7号");
    draft(&app, &b, &first).await;
    first["decision_number"] = json!("银文旅罚[2026]第007号");
    assert_problem(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &first)
            .await,
        409,
        "duplicate",
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warning_only_decisions_are_not_published_by_default() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let mut body = natural_person("2026-11-27");
    body["penalty_types"] = json!(["警告"]);
    body["content"] = json!("警告");
    body["fine_fen"] = Value::Null;
    body["confiscation_fen"] = Value::Null;
    let d = draft(&app, &b, &body).await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(d["severity"], "minor");
    ok_step(&app, &b.clerk, id, "submit", json!({})).await;
    ok_step(&app, &b.reviewer, id, "approve", json!({})).await;
    let p = assert_problem(
        step(&app, &b.reviewer, id, "publish", json!({})).await,
        409,
        "not-publishable",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("warning"), "{p}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_leaves_the_public_list_at_midnight_after_its_publicity_ends() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    ok_step(&app, &b.clerk, id, "submit", json!({})).await;
    ok_step(&app, &b.reviewer, id, "approve", json!({})).await;
    ok_step(&app, &b.reviewer, id, "publish", json!({})).await;
    app.clock().set(shanghai(2027, 11, 27, 23, 59, 59)).unwrap();
    assert_eq!(public_names(&app, "").await.len(), 1, "its last day");
    let last_day = list_etag(&app).await;
    app.clock().set(shanghai(2027, 11, 28, 0, 0, 0)).unwrap();
    assert!(public_names(&app, "").await.is_empty(), "the day after");
    assert_ne!(
        list_etag(&app).await,
        last_day,
        "the list's ETag changes at midnight"
    );
    let (status, _) = public(&app, &format!("/api/v1/public/penalties/{id}")).await;
    assert_eq!(status, 404);
    let reviewer = token(&app, "reviewer1").await;
    let staff: Value = app
        .get_as(&reviewer, &format!("/api/v1/penalties/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff["state"], "expired");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_report_lists_due_overdue_and_late_decisions_most_urgent_first() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    // Deadlines: 11-10 → 11-19 (overdue by 8 working days on 12-01), 11-20 → 12-01 (due today),
    // 11-27 → 12-08 (5 working days left).
    for date in ["2026-11-20", "2026-11-10", "2026-11-27"] {
        draft(&app, &b, &natural_person(date)).await;
    }
    let report = |q: &'static str| {
        let app = &app;
        let token = b.reviewer.clone();
        async move {
            let res = app
                .get_as(&token, &format!("/api/v1/penalties/deadlines?{q}"))
                .await;
            assert_eq!(res.status(), 200);
            let v: Value = res.json().await.unwrap();
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["deadline"].as_str().unwrap().to_string(),
                        i["working_days_left"]
                            .as_u64()
                            .or(i["working_days_exceeded"].as_u64())
                            .unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let s = |d: &str, n: u64| (d.to_string(), n);
    // No parameters: everything still waiting, overdue first, then by working days left
    // (issue 25: a decision 5 working days away is the week's work, not invisible).
    assert_eq!(
        report("").await,
        [s("2026-11-19", 8), s("2026-12-01", 0), s("2026-12-08", 5)]
    );
    assert_eq!(report("state=waiting").await, report("").await);
    // `within` narrows what is due; what is overdue stays.
    assert_eq!(
        report("within=3").await,
        [s("2026-11-19", 8), s("2026-12-01", 0)]
    );
    assert_eq!(report("state=overdue").await, [s("2026-11-19", 8)]);
    assert_eq!(
        report("state=due").await,
        [s("2026-12-01", 0), s("2026-12-08", 5)]
    );
    assert_eq!(report("state=due&within=4").await, [s("2026-12-01", 0)]);
    assert_eq!(
        report("state=due&within=5").await,
        [s("2026-12-01", 0), s("2026-12-08", 5)]
    );
    assert!(report("state=published_late").await.is_empty());
    assert_problem(
        app.get_as(&b.reviewer, "/api/v1/penalties/deadlines?state=soon")
            .await,
        400,
        "validation",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_bound_to_an_authority_sees_and_writes_only_its_decisions() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let theirs = draft(&app, &b, &natural_person("2026-11-27")).await;
    // A second authority, and a clerk bound to it.
    let (other, tokens) = other_authority(&app, &[("yongning", "clerk")]).await;
    let bound = tokens[0].clone();

    // Its own decisions only: the other authority's is not found, and not listed.
    let res = app
        .get_as(&bound, &format!("/api/v1/penalties/{}", theirs["id"]))
        .await;
    assert_eq!(res.status(), 404);
    let list: Value = app
        .get_as(&bound, "/api/v1/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    // With two authorities set up it need not name its own: it is the bound one.
    let mine = app
        .post_json(
            Some(&bound),
            "/api/v1/penalties",
            &natural_person("2026-11-27"),
        )
        .await;
    assert_eq!(mine.status(), 201, "{}", mine.text().await.unwrap());
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["authority_id"], other["id"]);
    assert_eq!(mine["decision_number"], "永文旅罚〔2026〕1号");
    let mut elsewhere = natural_person("2026-11-27");
    elsewhere["authority_id"] = json!(b.authority);
    assert_problem(
        app.post_json(Some(&bound), "/api/v1/penalties", &elsewhere)
            .await,
        403,
        "forbidden",
    )
    .await;
    // An unbound clerk must name the authority now that there are two: one more bad field,
    // reported with the others.
    let mut bad = natural_person("2026-11-27");
    bad["facts"] = json!(" ");
    let p = assert_problem(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &bad)
            .await,
        422,
        "validation",
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["authority_id", "facts"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_decisions_cover_every_state_and_their_public_pages_hold_nothing_private() {
    // The clock is fixed: the demo roster's certificates and the publicity rules depend on today.
    let app = crate::helpers::spawn_app_tuned(|s| {
        s.demo = true;
        s.clock = gongshi::clock::Clock::fixed(december());
    })
    .await;
    let all: Value = app
        .get_as(&app.admin_token, "/api/v1/penalties?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let states: std::collections::BTreeSet<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    for s in [
        "draft",
        "submitted",
        "approved",
        "published",
        "withdrawn",
        "repaired",
        "expired",
    ] {
        assert!(states.contains(s), "{s} in {states:?}");
    }
    let late = app
        .get_as(
            &app.admin_token,
            "/api/v1/penalties/deadlines?state=published_late",
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(!late["items"].as_array().unwrap().is_empty());
    let res = app.get("/api/v1/public/penalties?limit=100").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let page: Value = serde_json::from_str(&text).unwrap();
    assert!(page["items"].as_array().unwrap().len() >= 10);
    for private in [
        "欧阳明华",
        "张三丰",
        "李小龙",
        "司马相如",
        "演示路",
        "样例街",
        "示例巷",
        "内部备注",
        "6401041985",
    ] {
        assert!(!text.contains(private), "public page shows {private}");
    }
    assert!(text.contains("欧阳**"));
    app.stop().await;
}

pub(crate) fn organisation(date: &str) -> Value {
    json!({
        "decision_number": "银文旅罚〔2026〕88号",
        "party_kind": "legal_person",
        "party_name": "银川星光网吧有限公司",
        "party_credit_code": credit_code("640104", 77),
        "party_other_codes": {"tax_number": "640104123456789"},
        "legal_representative": "李四",
        "violation_type": "接纳未成年人进入营业场所",
        "facts": "经查，当事人于营业时间接纳未成年人，\"屡教不改\"。",
        "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条",
        "penalty_types": ["警告", "罚款", "暂扣许可证件"],
        "content": "警告，罚款人民币一万二千三百四十五元六角七分，暂扣网络文化经营许可证",
        "fine_fen": 1_234_567,
        "licence_affected": "网络文化经营许可证 宁网文〔2024〕001号",
        "decision_date": date,
        "procedure": "ordinary",
        "case_officers": ["64010020260001", "64010020260002"]
    })
}

const LIST: &str = "/api/v1/public/penalties?limit=100";

/// The public list's ETag, after checking its caching headers.
async fn list_etag(app: &TestApp) -> String {
    let res = app.get(LIST).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=60");
    res.headers()["etag"].to_str().unwrap().to_string()
}

async fn if_none_match(app: &TestApp, etag: &str) -> reqwest::Response {
    app.client
        .get(app.url(LIST))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_lists_etag_changes_when_what_the_public_sees_changes_and_only_then() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let empty = list_etag(&app).await;
    // A draft, and a change to it, are nothing the public sees.
    let d = draft(&app, &b, &organisation("2026-11-27")).await;
    assert_eq!(list_etag(&app).await, empty);
    let res = app
        .patch_json(
            &b.clerk,
            &format!("/api/v1/penalties/{}", d["id"]),
            &json!({"version": d["version"], "facts": "当事人超时经营，接纳未成年人。"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(list_etag(&app).await, empty);
    // Unchanged: 304, no body, the same tag.
    let res = if_none_match(&app, &empty).await;
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), empty);
    assert!(res.bytes().await.unwrap().is_empty());
    // A publication changes it; the old tag then gets the whole answer.
    let id = publish(&app, &b, &natural_person("2026-11-27")).await;
    let published = list_etag(&app).await;
    assert_ne!(published, empty);
    let res = if_none_match(&app, &empty).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), published);
    // So does a withdrawal.
    ok_step(
        &app,
        &b.reviewer,
        id,
        "withdraw",
        json!({"reason": "行政复议决定撤销原处罚决定", "event_date": "2026-11-30"}),
    )
    .await;
    assert_ne!(list_etag(&app).await, published);
    // Staff answers are never cached and carry no ETag.
    let res = app.get_as(&b.reviewer, "/api/v1/penalties").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().get("etag").is_none());
    app.stop().await;
}

pub(crate) async fn publish(app: &TestApp, b: &Bureau, body: &Value) -> i64 {
    let id = draft(app, b, body).await["id"].as_i64().unwrap();
    ok_step(app, &b.clerk, id, "submit", json!({})).await;
    ok_step(app, &b.reviewer, id, "approve", json!({})).await;
    ok_step(app, &b.reviewer, id, "publish", json!({})).await;
    id
}

/// The public list without what differs between two databases (ids, and the publication day,
/// which the layout does not carry).
async fn public_records(app: &TestApp) -> Vec<Value> {
    let v: Value = app
        .get("/api/v1/public/penalties?limit=100")
        .await
        .json()
        .await
        .unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let mut i = i.clone();
            for k in ["id", "authority_id", "published_on"] {
                i.as_object_mut().unwrap().remove(k);
            }
            i
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_re_imports_into_an_empty_database_with_the_same_public_records() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    publish(&app, &b, &natural_person("2026-11-27")).await;
    publish(&app, &b, &organisation("2026-11-26")).await;
    draft(&app, &b, &natural_person("2026-11-30")).await; // not published: not exported
    assert_eq!(
        app.get("/api/v1/penalties/export.csv").await.status(),
        401,
        "staff only: the layout carries ID numbers"
    );
    let audit = app.audit_count().await;
    let res = app
        .get_as(&b.reviewer, "/api/v1/penalties/export.csv")
        .await;
    assert_eq!(res.status(), 200);
    let csv = res.bytes().await.unwrap().to_vec();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM for Excel");
    let text = String::from_utf8(csv.clone()).unwrap();
    assert_eq!(
        text.lines().count(),
        3,
        "header and the two published decisions: {text}"
    );
    assert!(
        text.contains(",1.234567,"),
        "万元 with six decimals: {text}"
    );
    assert!(text.contains("2099-12-31"), "长期");
    assert!(text.contains(ID_NUMBER), "the layout's private column");
    assert_eq!(app.audit_count().await, audit + 1, "the export is audited");
    let before = public_records(&app).await;
    assert_eq!(before.len(), 2);

    let empty = spawn_app_at(december()).await;
    let res = empty
        .post_json(
            Some(&empty.admin_token),
            "/api/v1/authorities",
            &json!({"name": "银川市文化旅游广电局", "credit_code": credit_code("640100", 9),
                    "number_prefix": "银文旅"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let clerk = empty.user_with_role("clerk1", "clerk").await;
    let res = empty
        .post_csv(
            &empty.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            csv.clone(),
        )
        .await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["inserted"], 2, "{report}");
    assert_eq!(public_records(&empty).await, before);
    // Again: nothing changes.
    let again: Value = empty
        .post_csv(
            &empty.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            csv,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (again["inserted"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(2))
    );
    let staff: Value = empty
        .get_as(&clerk, "/api/v1/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert!(staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["imported"] == true));
    empty.stop().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_reports_every_bad_row_with_its_line_and_converts_wan_exactly() {
    let app = spawn_app_at(december()).await;
    let _ = bureau(&app).await;
    let clerk = app.user_with_role("clerk2", "clerk").await;
    let csv = format!(
        "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ\n\
         银川甲网吧,法人及非法人组织,{a},王五,银文旅罚〔2025〕1号,违规,事实,依据,罚款,罚款0.3万元,0.3,2025/06/01\n\
         银川乙网吧,法人及非法人组织,{a},王五,银文旅罚〔2025〕2号,违规,事实,依据,罚款,罚款,0.0000001,2025/06/01\n\
         银川丙网吧,法人及非法人组织,,王五,银文旅罚〔2025〕3号,违规,事实,依据,罚金,罚款,1,2027/01/01\n         银川丁网吧,法人及非法人组织,{a},王五,银文旅罚〔2025〕4号,违规,事实,依据,罚款,罚款人民币3000元,3000,2025/06/01\n",
        a = credit_code("640104", 5)
    );
    let report = assert_problem(
        app.post_csv(
            &clerk,
            "/api/v1/imports/penalties",
            csv.clone().into_bytes(),
        )
        .await,
        422,
        "import-refused",
    )
    .await;
    let errors: Vec<(i64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "format".to_string()),
            (3, "required".to_string()),
            (4, "required".to_string()),
            (4, "unknown".to_string()),
            // 罚金 is no Art. 9 type, so the row has no 罚款 for its amount.
            (4, "not_applicable".to_string()),
            (4, "future".to_string()),
            // Issue 25: 3000 in the 万元 column for a fine the text says is 3,000 元.
            (5, "amount_mismatch".to_string()),
        ]
    );
    let mismatch = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "amount_mismatch")
        .unwrap();
    assert_eq!(mismatch["field"], "fine_wan");
    assert_eq!(
        mismatch["column"], "CF_NR_FK",
        "the column as the file heads it"
    );
    let message = mismatch["message"].as_str().unwrap();
    assert!(
        message.contains("3,000 元") && message.contains("30,000,000 元"),
        "both values in 元: {message}"
    );
    let report: Value = app
        .post_csv(
            &clerk,
            "/api/v1/imports/penalties?skip_invalid=true",
            csv.into_bytes(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["inserted"], 1, "{report}");
    let list: Value = app
        .get_as(&clerk, "/api/v1/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["fine_fen"], 300_000,
        "0.3 万元 = 3,000 元 exactly"
    );
    app.stop().await;
}

/// A file of `n` decisions of the bureau, numbered 1..=n, the last one's fine `last_fine` 万元.
fn numbered_file(n: usize, last_fine: &str) -> Vec<u8> {
    let mut csv = String::from(
        "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ\n",
    );
    for i in 1..=n {
        let fine = if i == n { last_fine } else { "0.3" };
        csv.push_str(&format!(
            "银川第{i}网吧,法人及非法人组织,{code},王五,银文旅罚〔2026〕{i}号,违规,事实,依据,罚款,罚款,{fine},2026-11-02\n",
            code = credit_code("640104", 5)
        ));
    }
    csv.into_bytes()
}

/// Decisions logged in an order that is not their dates' (an import of old cases among new).
fn dated_file(n: usize) -> Vec<u8> {
    let mut csv = String::from(
        "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ\n",
    );
    for i in 1..=n {
        csv.push_str(&format!(
            "银川第{i}网吧,法人及非法人组织,{code},王五,银文旅罚〔2026〕{i}号,违规,事实,依据,罚款,罚款,0.3,2026-11-{day:02}\n",
            code = credit_code("640104", 5),
            day = 1 + (i * 7) % 5,
        ));
    }
    csv.into_bytes()
}

/// Issue 28: the public list is newest decision date first (on one day the last logged first),
/// whatever order the decisions were logged in; following `next_cursor` walks every one exactly
/// once; each page says how many there are; a cursor of the earlier id order is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_list_is_newest_first_and_counted_and_its_pages_walk_every_decision_once() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    // A draft whose name holds the same fragment: never shown, never counted.
    draft(&app, &b, &organisation("2026-11-30")).await;
    let n = 23;
    let report: Value = app
        .post_csv(
            &app.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            dated_file(n),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["inserted"], n, "{report}");
    let mut seen: Vec<(String, i64)> = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page: Value = app
            .get(&format!("/api/v1/public/penalties?limit=7&cursor={cursor}"))
            .await
            .json()
            .await
            .unwrap();
        pages += 1;
        assert_eq!(
            (page["total"].clone(), page["total_exact"].clone()),
            (json!(n), json!(true)),
            "{page}"
        );
        for i in page["items"].as_array().unwrap() {
            seen.push((
                i["decision_date"].as_str().unwrap().to_string(),
                i["id"].as_i64().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    let mut expected = seen.clone();
    expected.sort_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(
        seen, expected,
        "newest date first, then the last logged, none twice"
    );
    assert_eq!(seen.len(), n);
    assert_eq!(seen[0].0, "2026-11-05");
    // A fragment's list is in the same order and counted the same way.
    let found: Value = app
        .get(&format!(
            "/api/v1/public/penalties?q={}&limit=3",
            url_encode("网吧")
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], n);
    let first: Vec<(String, i64)> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["decision_date"].as_str().unwrap().to_string(),
                i["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(first, seen[..3]);
    // The earlier order's cursors ("v1:<id>") are refused, naming the field.
    let old = hex::encode("v1:5");
    let res = app
        .get(&format!("/api/v1/public/penalties?cursor={old}"))
        .await;
    assert_eq!(res.status(), 400);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "cursor", "{problem}");
    // In Chinese (the default language), it says how to go on.
    let zh: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/public/penalties?cursor={old}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        zh["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("从第一页重新开始"),
        "{zh}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_reimport_is_unchanged_and_a_number_recorded_with_other_content_is_refused() {
    let app = spawn_app_at(december()).await;
    let _ = bureau(&app).await;
    // More numbers than one lookup batch (1,000) holds.
    let n = 1_203;
    let first: Value = app
        .post_csv(
            &app.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            numbered_file(n, "0.3"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["inserted"], n, "{first}");
    let found: Value = app
        .get(&format!(
            "/api/v1/public/penalties?q={}",
            "银文旅罚〔2026〕1203号"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["items"][0]["party_name"], "银川第1203网吧");
    assert_eq!(
        (found["total"].clone(), found["total_exact"].clone()),
        (json!(1), json!(true))
    );
    // Past 200 the total is a lower bound, said so.
    let all: Value = app
        .get("/api/v1/public/penalties?limit=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (all["total"].clone(), all["total_exact"].clone()),
        (json!(200), json!(false))
    );
    let again: Value = app
        .post_csv(
            &app.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            numbered_file(n, "0.3"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (again["inserted"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(n as u64))
    );
    let audit = app.audit_count().await;
    let report = assert_problem(
        app.post_csv(
            &app.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            numbered_file(n, "0.4"),
        )
        .await,
        422,
        "import-refused",
    )
    .await;
    assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["errors"][0]["line"], n + 1);
    assert_eq!(report["errors"][0]["field"], "decision_number");
    assert_eq!(report["errors"][0]["code"], "conflict");
    assert_eq!(
        app.audit_count().await,
        audit,
        "a refused file writes nothing"
    );
    let detail: Value = app
        .get(&format!(
            "/api/v1/public/penalties/{}",
            found["items"][0]["id"].as_i64().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["fine_fen"], 300_000, "the recorded decision is kept");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_data_in_public_text_is_refused_and_a_withdrawal_is_found_only_by_its_number() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let mut body = natural_person("2026-11-27");
    body["facts"] = json!(format!(
        "当事人{FULL_NAME}（身份证号{ID_NUMBER}）擅自演出。"
    ));
    let p = assert_problem(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &body)
            .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "facts");
    assert_eq!(p["errors"][0]["code"], "private_in_public_text");

    let mut org = organisation("2026-11-26");
    org["party_name"] = json!("银川秘密娱乐有限公司");
    let id = publish(&app, &b, &org).await;
    let code = org["party_credit_code"].as_str().unwrap().to_string();
    // A body that is not the step's JSON is refused, not taken as empty.
    let res = app
        .post_json(
            Some(&b.reviewer),
            &format!("/api/v1/penalties/{id}/withdraw"),
            &json!({"version": 99, "note": "x"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    ok_step(
        &app,
        &b.reviewer,
        id,
        "withdraw",
        json!({"reason": "原决定被撤销", "event_date": "2026-11-30"}),
    )
    .await;
    for q in [
        "q=秘密娱乐".to_string(),
        format!("credit_code={code}"),
        "penalty_type=fine".into(),
        "from=2026-11-01".into(),
    ] {
        assert!(
            public_names(&app, &q).await.is_empty(),
            "{q} finds the withdrawal"
        );
    }
    let v: Value = app
        .get("/api/v1/public/penalties?q=银文旅罚〔2026〕88号")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["state"], "withdrawn", "its number finds it");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_name_masking_off_and_on_changes_what_the_public_sees_and_finds() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let body = natural_person("2026-11-27");
    let id = draft(&app, &b, &body).await["id"].as_i64().unwrap();
    ok_step(&app, &b.clerk, id, "submit", json!({})).await;
    ok_step(&app, &b.reviewer, id, "approve", json!({})).await;
    ok_step(&app, &b.reviewer, id, "publish", json!({})).await;
    let patch = |version: i64, mask: bool| {
        let app = &app;
        let path = format!("/api/v1/authorities/{}", b.authority);
        async move {
            let res = app
                .patch_json(
                    &app.admin_token,
                    &path,
                    &json!({"version": version, "mask_natural_person_names": mask}),
                )
                .await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()["version"]
                .as_i64()
                .unwrap()
        }
    };
    let v = patch(1, false).await;
    let found: Value = app
        .get(&format!("/api/v1/public/penalties?q={FULL_NAME}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        found["items"][0]["party_name"], FULL_NAME,
        "unmasked on the authority's choice"
    );
    patch(v, true).await;
    assert!(public_names(&app, &format!("q={FULL_NAME}"))
        .await
        .is_empty());
    assert_eq!(public_names(&app, "q=欧阳").await, ["欧阳**"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_moved_to_another_year_can_ask_for_a_new_number() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-11-27")).await;
    assert_eq!(d["decision_number"], "银文旅罚〔2026〕1号");
    let res = app
        .patch_json(
            &b.clerk,
            &format!("/api/v1/penalties/{}", d["id"]),
            &json!({"version": 1, "decision_date": "2025-12-30", "allocate_decision_number": true}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["decision_number"], "银文旅罚〔2025〕1号");
    assert_eq!(d["version"], 2);
    app.stop().await;
}

/// Two- and three-character queries are answered from the name index alone (issue 27: the
/// postings of their one key are exactly the names holding them), so the index must never
/// hold a key the public text does not: nothing spans the name and the number, nothing skips a
/// character.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_queries_find_exactly_the_names_and_numbers_that_hold_them() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    publish(&app, &b, &organisation("2026-11-26")).await;
    let name = "银川星光网吧有限公司";
    for q in ["网吧", "光网吧", "星光网吧", "公司", "88", "旅罚", "罚2026"] {
        assert_eq!(
            public_names(&app, &format!("q={}", url_encode(q))).await,
            [name],
            "{q}"
        );
    }
    // "司银" and "公司银" would span the name and the number; "网有" skips 吧.
    for q in ["司银", "公司银", "网有", "吧网", "网吧公"] {
        assert!(
            public_names(&app, &format!("q={}", url_encode(q)))
                .await
                .is_empty(),
            "{q}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_decision_number_finds_its_decision_in_any_spelling_and_only_it() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let mut first = organisation("2026-11-26");
    first["decision_number"] = json!("银文旅罚〔2026〕8号");
    let id = publish(&app, &b, &first).await;
    let mut other = organisation("2026-11-26");
    other["decision_number"] = json!("银文旅罚〔2026〕88号");
    other["party_credit_code"] = json!(credit_code("640104", 78));
    let other_id = publish(&app, &b, &other).await;
    let found = |q: &'static str| {
        let app = &app;
        async move {
            let body: Value = app
                .get(&format!("/api/v1/public/penalties?q={}", url_encode(q)))
                .await
                .json()
                .await
                .unwrap();
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    for spelling in [
        "银文旅罚〔2026〕8号",
        "银文旅罚[2026]第008号",
        "银文旅罚【2026】8号",
    ] {
        assert_eq!(found(spelling).await, [id], "{spelling}");
    }
    // A fragment still matches every number that contains it.
    let mut both = found("〔2026〕8").await;
    both.sort_unstable();
    assert_eq!(both, [id, other_id]);
    assert_eq!(found("银文旅罚〔2026〕9号").await, Vec::<i64>::new());
    app.stop().await;
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Issue 23, finding 6: a decision number written by hand in another spelling while another
/// request allocates that same number never costs the allocating request a 409: it takes the
/// next free number (PostgreSQL sees the clash only at the insert; SQLite serialises writers).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn allocating_beside_a_hand_written_number_takes_the_next_free_one() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let mut next = 1;
    let mut numbers = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let mut by_hand = natural_person("2026-11-27");
        by_hand["allocate_decision_number"] = Value::Null;
        by_hand["decision_number"] = json!(format!("银文旅罚[2026]第{next:03}号"));
        let allocating = natural_person("2026-11-27");
        let (hand, alloc) = tokio::join!(
            app.post_json(Some(&b.clerk), "/api/v1/penalties", &by_hand),
            app.post_json(Some(&b.clerk), "/api/v1/penalties", &allocating),
        );
        assert!(
            [201, 409].contains(&hand.status().as_u16()),
            "{}",
            hand.text().await.unwrap()
        );
        let hand_ok = hand.status() == 201;
        assert_eq!(alloc.status(), 201, "{}", alloc.text().await.unwrap());
        let alloc: Value = alloc.json().await.unwrap();
        let number = alloc["decision_number"].as_str().unwrap().to_string();
        let n: u32 = number
            .trim_start_matches("银文旅罚〔2026〕")
            .trim_end_matches('号')
            .parse()
            .unwrap();
        if hand_ok {
            assert_ne!(
                n, next,
                "the hand-written number and the allocated one are one"
            );
        }
        assert!(numbers.insert(n), "{number} twice");
        next = n + 1;
    }
    app.stop().await;
}

/// Issue 27: the public list and detail read the public columns only. With every decision's
/// private column and case officers made unreadable in the database, the staff list fails (it
/// reads them) and the public answers are exactly those of an untouched copy.
#[tokio::test]
async fn public_answers_never_read_the_private_column() {
    let app = crate::helpers::spawn_app_tuned(|s| {
        s.demo = true;
        s.clock = gongshi::clock::Clock::fixed(december());
    })
    .await;
    let untouched = std::sync::Arc::new(app.test_db.copy());
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use gongshi::store::schema::penalties;
        diesel::update(penalties::table)
            .set((
                penalties::private_json.eq("not json: the public must not read this"),
                penalties::case_officers.eq("not json either"),
            ))
            .execute(&mut *db.get().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
    let staff = app
        .get_as(&app.admin_token, "/api/v1/penalties?limit=100")
        .await;
    assert_eq!(
        staff.status(),
        500,
        "the staff list reads the private column"
    );
    let other = crate::helpers::spawn_app_on_tuned(untouched, |s| {
        s.clock = gongshi::clock::Clock::fixed(december());
    })
    .await;
    let list = "/api/v1/public/penalties?limit=100";
    let corrupted: Value = app.get(list).await.json().await.unwrap();
    let expected: Value = other.get(list).await.json().await.unwrap();
    let items = expected["items"].as_array().unwrap();
    assert!(items.len() > 3, "{expected}");
    assert_eq!(corrupted, expected);
    for item in items {
        let path = format!("/api/v1/public/penalties/{}", item["id"]);
        let res = app.get(&path).await;
        assert_eq!(res.status(), 200, "{path}");
        let shown: Value = res.json().await.unwrap();
        assert_eq!(shown, other.get(&path).await.json::<Value>().await.unwrap());
    }
    let q = format!("{list}&q={}", "%E7%BD%91%E5%90%A7");
    assert_eq!(
        app.get(&q).await.json::<Value>().await.unwrap(),
        other.get(&q).await.json::<Value>().await.unwrap()
    );
    other.stop().await;
    app.stop().await;
}

/// A fragment with an authority and a date range is filtered in the posting list itself
/// (issue 27: each posting carries its decision's authority and day), so those copies must
/// follow the decision: a draft whose date is edited is found by its new date only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fragment_with_an_authority_and_dates_finds_its_decisions_also_after_a_date_is_edited() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let (other, _) = other_authority(&app, &[]).await;
    let drafted = |date: &str, authority: i64, code: u32| {
        let mut body = organisation(date);
        body.as_object_mut().unwrap().remove("decision_number");
        body["allocate_decision_number"] = json!(true);
        body["authority_id"] = json!(authority);
        body["party_credit_code"] = json!(credit_code("640104", code));
        body
    };
    let early = draft(&app, &b, &drafted("2026-11-20", b.authority, 71)).await;
    let late = draft(&app, &b, &drafted("2026-11-26", b.authority, 72)).await;
    let theirs = draft(
        &app,
        &b,
        &drafted("2026-11-26", other["id"].as_i64().unwrap(), 73),
    )
    .await;
    let ids = |list: Value| -> Vec<i64> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    let found = |filters: String| {
        let (app, b) = (&app, &b);
        async move {
            let path = format!("/api/v1/penalties?q={}&{filters}", url_encode("网吧"));
            let res = app.get_as(&b.clerk, &path).await;
            assert_eq!(res.status(), 200, "{path}");
            ids(res.json().await.unwrap())
        }
    };
    let (a, o) = (b.authority, other["id"].as_i64().unwrap());
    let id = |d: &Value| d["id"].as_i64().unwrap();
    // Newest decision date first.
    assert_eq!(
        found(format!("authority_id={a}")).await,
        [id(&late), id(&early)]
    );
    assert_eq!(found(format!("authority_id={o}")).await, [id(&theirs)]);
    assert_eq!(
        found(format!("authority_id={a}&from=2026-11-21")).await,
        [id(&late)]
    );
    assert_eq!(found("to=2026-11-25".into()).await, [id(&early)]);
    assert_eq!(
        found("from=2026-11-26&to=2026-11-26".into()).await,
        [id(&theirs), id(&late)]
    );
    // The early draft moves to the 27th: found from the 26th on, no longer up to the 25th.
    let res = app
        .patch_json(
            &b.clerk,
            &format!("/api/v1/penalties/{}", id(&early)),
            &json!({"version": 1, "decision_date": "2026-11-27"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(found("to=2026-11-25".into()).await.is_empty());
    assert_eq!(
        found(format!("authority_id={a}&from=2026-11-26")).await,
        [id(&early), id(&late)]
    );
    assert_eq!(
        found(format!("authority_id={a}&from=2026-11-27&to=2026-11-27")).await,
        [id(&early)]
    );
    app.stop().await;
}

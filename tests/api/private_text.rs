//! Issue 23, findings 1, 2 and 11: every free text the public reads passes one private-data check
//! after normalisation (the withdrawal reason, a plan's void reason, an organisation's name and
//! legal representative, the directory), in every spelling a clerk might type.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, credit_code, spawn_app_at, TestApp};
use crate::penalties::{
    bureau, december, natural_person, ok_step, organisation, publish, step, ADDRESS, FULL_NAME,
    ID_NUMBER,
};

/// Another person's valid ID number (the example).
const OTHER_ID: &str = "640104197707077776";

/// The same private data as a clerk might write it: spaced, hyphenated, full-width, with
/// invisible characters, in its 15-digit form, as a fragment.
fn spellings() -> Vec<String> {
    vec![
        format!("当事人身份证号{ID_NUMBER}"),
        "当事人身份证号 1101 0519 4912 3100 2X".into(),
        "当事人身份证号110105-19491231-002x".into(),
        "当事人身份证号１１０１０５１９４９１２３１００２Ｘ".into(),
        "当事人身份证号110105\u{200B}19491231\u{200D}002X".into(),
        "当事人身份证号110105491231002".into(),
        format!("他人身份证号{OTHER_ID}"),
        "住址为示例路1号".into(),
        "当事人欧阳 明华申请复议".into(),
        "当事人明华申请复议".into(),
        "联系电话139 1234 5678".into(),
        "联系电话0951-5028888".into(),
    ]
}

/// What a public GET answered, checked for the party's private values.
async fn public_text(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let text = res.text().await.unwrap();
    for private in [
        ID_NUMBER,
        "110105491231002",
        OTHER_ID,
        FULL_NAME,
        "示例路1号",
    ] {
        assert!(!text.contains(private), "{path} shows {private}: {text}");
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_reason_holding_private_data_is_refused_and_nothing_is_published() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let id = publish(&app, &b, &natural_person("2026-11-27")).await;
    let number = app
        .get(&format!("/api/v1/public/penalties/{id}"))
        .await
        .json::<Value>()
        .await
        .unwrap()["decision_number"]
        .as_str()
        .unwrap()
        .to_string();
    // The reason, then each spelling of the party's data.
    let mut reasons = vec![format!(
        "当事人{FULL_NAME}（身份证号{ID_NUMBER}，住址{ADDRESS}）申请行政复议，决定撤销"
    )];
    reasons.extend(spellings());
    for reason in &reasons {
        let res = step(
            &app,
            &b.reviewer,
            id,
            "withdraw",
            json!({"reason": reason, "event_date": "2026-11-30"}),
        )
        .await;
        let p = assert_problem(res, 422, "validation").await;
        assert_eq!(p["errors"][0]["field"], "reason", "{reason}");
        assert_eq!(p["errors"][0]["code"], "private_in_public_text", "{reason}");
    }
    // Nothing changed: still published, and no public answer holds any of it.
    let detail = public_text(&app, &format!("/api/v1/public/penalties/{id}")).await;
    assert!(detail.contains("\"state\":\"published\""), "{detail}");
    public_text(&app, "/api/v1/public/penalties/feed.atom").await;
    // A reason without private data is published as written.
    ok_step(
        &app,
        &b.reviewer,
        id,
        "withdraw",
        json!({"reason": "经行政复议，原处罚决定被撤销", "event_date": "2026-11-30"}),
    )
    .await;
    for path in [
        format!("/api/v1/public/penalties/{id}"),
        format!("/api/v1/public/penalties?q={}", url(&number)),
        "/api/v1/public/penalties/feed.atom".to_string(),
    ] {
        let text = public_text(&app, &path).await;
        assert!(
            text.contains("经行政复议，原处罚决定被撤销"),
            "{path}: {text}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_field_of_a_decision_is_checked_in_every_spelling() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    for text in spellings() {
        for field in ["facts", "content", "violation_type", "legal_basis"] {
            let mut body = natural_person("2026-11-27");
            body[field] = json!(text);
            let res = app
                .post_json(Some(&b.clerk), "/api/v1/penalties", &body)
                .await;
            let p = assert_problem(res, 422, "validation").await;
            assert_eq!(p["errors"][0]["field"], field, "{text}");
            assert_eq!(p["errors"][0]["code"], "private_in_public_text", "{text}");
        }
    }
    // An organisation's name and legal representative are shown as written: no ID or phone
    // number may hide there either.
    for (field, value) in [
        ("party_name", format!("银川星光网吧{OTHER_ID}")),
        ("legal_representative", format!("李四 {OTHER_ID}")),
        ("legal_representative", "李四13912345678".to_string()),
    ] {
        let mut body = organisation("2026-11-27");
        body[field] = json!(value);
        let res = app
            .post_json(Some(&b.clerk), "/api/v1/penalties", &body)
            .await;
        let p = assert_problem(res, 422, "validation").await;
        assert_eq!(p["errors"][0]["field"], field, "{value}");
    }
    // Numbers that are not private pass: amounts, dates, a decision number, a licence.
    let mut body = organisation("2026-11-27");
    body["facts"] = json!("当事人于2026年11月1日22:30至23:45接纳未成年人3名，违法所得1,380.00元。");
    publish(&app, &b, &body).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_individual_business_shows_its_operator_and_a_natural_persons_entry_shows_no_address() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    // 个体工商户: the operator (经营者) is shown under legal_representative, as on its licence and
    // in the 国家企业信用信息公示系统 (README: "Who is shown").
    let mut body = organisation("2026-11-27");
    body["party_kind"] = json!("individual_business");
    body["party_name"] = json!("兴庆区小王烧烤店");
    body["legal_representative"] = json!("王小二");
    let id = publish(&app, &b, &body).await;
    let v: Value = app
        .get(&format!("/api/v1/public/penalties/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["legal_representative"], "王小二");
    assert_eq!(v["party_name"], "兴庆区小王烧烤店");

    // The directory: a natural person's address and name fields are not public; the private
    // check refuses an ID number in any public field of an entry.
    let code = credit_code("640104", 501);
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": code, "name": "张三", "kind": "natural_person", "category": "网吧",
                    "district": "640104", "address": "兴庆区解放东街9号", "legal_representative": "张三"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let e: Value = app
        .get(&format!("/api/v1/public/entities/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["address"], Value::Null, "{e}");
    assert_eq!(e["legal_representative"], Value::Null, "{e}");
    for (field, value) in [
        ("address", "兴庆区解放东街9号（电话13912345678）"),
        ("legal_representative", "张三 640104197707077776"),
        ("name", "张三640104197707077776网吧"),
    ] {
        let mut body = json!({"credit_code": credit_code("640104", 502), "name": "某网吧",
                              "category": "网吧", "district": "640104"});
        body[field] = json!(value);
        let res = app
            .post_json(Some(&app.admin_token), "/api/v1/entities", &body)
            .await;
        let p = assert_problem(res, 422, "validation").await;
        assert_eq!(p["errors"][0]["field"], field, "{value}");
        assert_eq!(p["errors"][0]["code"], "private_in_public_text");
    }
    app.stop().await;
}

fn url(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The review's gaps: a natural person's name when the authority publishes names unmasked, the
/// decision number, the roster and the item list are checked too; a 15-digit 注册号 in a licence
/// field is not taken for an ID number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_numbers_the_roster_and_the_item_list_are_checked_too() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let refused = |res: reqwest::Response, field: &'static str| async move {
        let p = assert_problem(res, 422, "validation").await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert_eq!(p["errors"][0]["code"], "private_in_public_text", "{p}");
    };
    let mut body = natural_person("2026-11-27");
    body["allocate_decision_number"] = Value::Null;
    body["decision_number"] = json!(format!("银文旅罚〔2026〕{OTHER_ID}号"));
    refused(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &body)
            .await,
        "decision_number",
    )
    .await;
    // Names masked (the default): an ID number after the surname is starred away with it.
    let mut body = natural_person("2026-11-27");
    body["party_name"] = json!("张三 13912345678");
    let res = app
        .post_json(Some(&b.clerk), "/api/v1/penalties", &body)
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // Names shown as written: the same name is refused.
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/authorities/{}", b.authority),
            &json!({"version": 1, "mask_natural_person_names": false}),
        )
        .await;
    assert_eq!(res.status(), 200);
    refused(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &body)
            .await,
        "party_name",
    )
    .await;
    // A licence with its 15-digit registration number is fine; with an ID number it is not.
    let mut org = organisation("2026-11-27");
    org["licence_affected"] = json!("营业执照（注册号640104600123456）");
    let res = app
        .post_json(Some(&b.clerk), "/api/v1/penalties", &org)
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    org["decision_number"] = json!("银文旅罚〔2026〕89号");
    org["licence_affected"] = json!(format!("许可证 {OTHER_ID}"));
    refused(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &org)
            .await,
        "licence_affected",
    )
    .await;
    // The roster's unit and the item list's texts are public.
    refused(
        app.post_json(
            Some(&app.admin_token),
            "/api/v1/inspectors",
            &json!({"name": "执法员9", "certificate_no": "64010020260009",
                    "certificate_valid_from": "2024-01-01", "certificate_valid_to": "2028-12-31",
                    "unit": "支队（手机139-1234-5678）", "fields": ["网吧"]}),
        )
        .await,
        "unit",
    )
    .await;
    refused(
        app.post_json(
            Some(&app.admin_token),
            "/api/v1/inspection-items",
            &json!({"code": "cinema_ticketing", "field": "电影", "name": "电影院票务检查",
                    "content": "票务系统，联系人身份证640104197707077776", "kind": "一般",
                    "basis": "《中华人民共和国电影产业促进法》第二十四条", "subject": "电影主管部门",
                    "categories": ["影院"], "methods": ["实地检查"], "effective_from": "2026-01-01"}),
        )
        .await,
        "content",
    )
    .await;
    app.stop().await;
}

/// `gongshi audit private-text` finds a public text stored before the check existed (here
/// written straight into the database, as an older version would have stored it), names the
/// record and field without printing the text, and exits non-zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scan_finds_private_data_stored_before_the_check() {
    use diesel::RunQueryDsl;
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let id = publish(&app, &b, &natural_person("2026-11-27")).await;
    ok_step(
        &app,
        &b.reviewer,
        id,
        "withdraw",
        json!({"reason": "原决定被撤销", "event_date": "2026-11-30"}),
    )
    .await;
    let url = app.test_db.url_string();
    let scan = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
            .args(["audit", "private-text"])
            .env("GONGSHI_LOG", "warn")
            .env("GONGSHI_DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let clean = scan();
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        diesel::sql_query(format!(
            "UPDATE penalty_states SET workflow_json = REPLACE(workflow_json, '原决定被撤销', '当事人身份证号{OTHER_ID}申请复议')"
        ))
        .execute(&mut *db.get().unwrap())
        .unwrap();
    })
    .await
    .unwrap();
    let out = scan();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("penalty {id}: withdrawal_reason")),
        "{stdout}"
    );
    assert!(
        !stdout.contains(OTHER_ID),
        "the text is not printed: {stdout}"
    );
    app.stop().await;
}

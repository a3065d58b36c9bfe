//! CSV imports and the export over HTTP: the files bureau staff actually have.

use serde_json::Value;

use crate::helpers::{assert_problem, credit_code, spawn_app, TestApp};

const GBK: &[u8] = include_bytes!("../fixtures/entities_gbk.csv");
const GBK_FIXED: &[u8] = include_bytes!("../fixtures/entities_gbk_fixed.csv");

async fn import(app: &TestApp, what: &str, query: &str, body: Vec<u8>) -> reqwest::Response {
    app.post_csv(
        &app.admin_token,
        &format!("/api/v1/imports/{what}{query}"),
        body,
    )
    .await
}

async fn entity_count(app: &TestApp) -> usize {
    let page: Value = app
        .get("/api/v1/public/entities?limit=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

fn errors(report: &Value) -> Vec<(i64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gbk_excel_file_with_a_bad_code_and_a_duplicate_is_refused_whole_then_imports_once_fixed()
{
    let app = spawn_app().await;
    let audit_before = app.audit_count().await;
    let report = assert_problem(
        import(&app, "entities", "", GBK.to_vec()).await,
        422,
        "import-refused",
    )
    .await;
    assert_eq!(report["encoding"], "GB18030");
    assert_eq!(
        errors(&report),
        [
            (4, "统一社会信用代码".to_string(), "checksum".to_string()),
            (8, "统一社会信用代码".to_string(), "duplicate".to_string()),
        ]
    );
    assert!(report["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("should be P"));
    assert!(report["errors"][1]["message"]
        .as_str()
        .unwrap()
        .contains("line 2"));
    assert_eq!(
        (
            report["rows"].as_i64(),
            report["rejected"].as_i64(),
            report["inserted"].as_i64()
        ),
        (Some(6), Some(2), Some(0))
    );
    assert_eq!(entity_count(&app).await, 0, "nothing written");
    assert_eq!(
        app.audit_count().await,
        audit_before,
        "no audit record either"
    );

    let res = import(&app, "entities", "", GBK_FIXED.to_vec()).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (
            report["inserted"].as_i64(),
            report["rejected"].as_i64(),
            report["written"].as_bool()
        ),
        (Some(5), Some(0), Some(true))
    );
    // The quoted comma and the in-cell line break survive as text.
    let all: Value = app
        .get("/api/v1/public/entities?limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert!(all["items"].as_array().unwrap().iter().any(|e| e["name"]
        .as_str()
        .unwrap()
        .contains(',')
        || e["name"].as_str().unwrap().contains('，')));
    let audit_after_import = app.audit_count().await;
    assert_eq!(
        audit_after_import,
        audit_before + 5 + 1,
        "one record per row plus one for the file"
    );

    let again: Value = import(&app, "entities", "", GBK_FIXED.to_vec())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            again["inserted"].as_i64(),
            again["updated"].as_i64(),
            again["unchanged"].as_i64()
        ),
        (Some(0), Some(0), Some(5))
    );
    assert_eq!(
        app.audit_count().await,
        audit_after_import,
        "a re-import writes nothing"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_invalid_writes_the_good_rows_and_reports_the_rest() {
    let app = spawn_app().await;
    let res = import(&app, "entities", "?skip_invalid=true", GBK.to_vec()).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (report["inserted"].as_i64(), report["rejected"].as_i64()),
        (Some(4), Some(2))
    );
    assert_eq!(
        errors(&report).iter().map(|e| e.0).collect::<Vec<_>>(),
        [4, 8]
    );
    assert_eq!(entity_count(&app).await, 4);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_with_bom_and_english_headers_updates_changed_rows_and_the_export_reimports_unchanged()
{
    let app = spawn_app().await;
    let (a, b) = (credit_code("640104", 1), credit_code("640105", 2));
    let csv = format!(
        "\u{feff}credit_code,name,category,district,licence_numbers,序号\r\n{a},银川星光网吧,internet_service_venue,640104,L-1；L-2,1\r\n{b},\"银川示例旅行社,有限公司\",旅行社,640105,,2\r\n"
    );
    let report: Value = import(&app, "entities", "", csv.clone().into_bytes())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["encoding"].as_str(), report["inserted"].as_i64()),
        (Some("UTF-8 with BOM"), Some(2))
    );
    assert_eq!(report["ignored_columns"], serde_json::json!(["序号"]));

    let changed = csv.replace("银川星光网吧", "银川星光网咖");
    let report: Value = import(&app, "entities", "", changed.into_bytes())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["updated"].as_i64(), report["unchanged"].as_i64()),
        (Some(1), Some(1))
    );
    let history: Value = app
        .get_as(&app.admin_token, &format!("/api/v1/entities/{a}/history"))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["entity.import_create", "entity.import_update"]);

    let res = app
        .get_as(&app.admin_token, "/api/v1/entities/export.csv")
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = res.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("统一社会信用代码,名称,"));
    assert!(
        text.contains("\r\n")
            && text.contains("L-1;L-2")
            && text.contains("\"银川示例旅行社,有限公司\"")
    );
    let report: Value = import(&app, "entities", "", bytes)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            report["unchanged"].as_i64(),
            report["updated"].as_i64(),
            report["inserted"].as_i64()
        ),
        (Some(2), Some(0), Some(0))
    );
    app.stop().await;
}

/// Names a public search for `q` finds, sorted.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let mut names = crate::directory::names(app, &format!("q={q}&limit=100")).await;
    names.sort();
    names
}

/// Grams whose stored count differs from their postings (the name index's counts decide when a
/// query of three or more characters can match nothing, and which key it walks).
fn miscounted_grams(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db.get().unwrap();
    diesel::RunQueryDsl::get_result::<N>(
        diesel::sql_query(
            "SELECT count(*) AS n FROM entity_name_gram_counts k \
             FULL JOIN (SELECT gram, count(*) AS c FROM entity_name_grams GROUP BY gram) p \
             ON p.gram = k.gram WHERE coalesce(k.n, 0) <> coalesce(p.c, 0)",
        ),
        &mut *conn,
    )
    .unwrap()
    .n
}

/// Renames in a file are counted once for the whole file, beside the file's new entities: the
/// counts stay equal to the postings and the search follows every rename, across files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renames_by_import_are_followed_by_the_search() {
    let app = spawn_app().await;
    let codes: Vec<String> = (1..=4).map(|n| credit_code("640104", n)).collect();
    // Imports the first codes under `names` (all-or-nothing, so each file is taken whole);
    // (inserted, updated), after checking the counts.
    let import_names = |names: &[&str]| {
        let mut csv = "统一社会信用代码,名称,类别,所在地区\n".to_string();
        for (code, name) in codes.iter().zip(names) {
            csv.push_str(&format!("{code},{name},网吧,640104\n"));
        }
        let app = &app;
        async move {
            let report: Value = import(app, "entities", "", csv.into_bytes())
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(miscounted_grams(app), 0, "after {report}");
            (report["inserted"].as_i64(), report["updated"].as_i64())
        }
    };
    assert_eq!(
        import_names(&["银川星光网吧", "银川月光网吧", "银川阳光网吧"]).await,
        (Some(3), Some(0))
    );

    // Two renamed to names that share keys no stored name had, a new one sharing them too, one
    // left as it was.
    assert_eq!(
        import_names(&[
            "沙坡头驼铃网吧",
            "沙坡头驼铃网咖",
            "银川阳光网吧",
            "沙坡头驼铃客栈"
        ])
        .await,
        (Some(1), Some(2))
    );
    assert_eq!(
        found(&app, "沙坡头驼铃").await,
        ["沙坡头驼铃客栈", "沙坡头驼铃网吧", "沙坡头驼铃网咖"]
    );
    assert_eq!(found(&app, "银川").await, ["银川阳光网吧"]);

    // One renamed away again: the others are still found by the keys they shared.
    assert_eq!(
        import_names(&[
            "沙坡头驼铃网吧",
            "银川月光网吧",
            "银川阳光网吧",
            "沙坡头驼铃客栈"
        ])
        .await,
        (Some(0), Some(1))
    );
    assert_eq!(
        found(&app, "沙坡头驼铃").await,
        ["沙坡头驼铃客栈", "沙坡头驼铃网吧"]
    );
    assert_eq!(found(&app, "银川").await, ["银川月光网吧", "银川阳光网吧"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_that_cannot_be_read_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let p = assert_problem(
        import(&app, "entities", "", "名称,类别\n星光,网吧\n".into()).await,
        422,
        "import-refused",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "missing_column");
    assert!(p["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("统一社会信用代码"));
    let p = assert_problem(
        import(&app, "entities", "", vec![0xFF, 0xFE, 0x00, 0x81]).await,
        422,
        "import-refused",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "encoding");
    let p = assert_problem(
        import(&app, "entities", "", Vec::new()).await,
        422,
        "import-refused",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "empty");
    let res = app
        .client
        .post(app.url("/api/v1/imports/entities"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported-media-type").await;
    let res = app
        .client
        .post(app.url("/api/v1/imports/whatever"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "unknown-route").await;
    let clerk = app.user_with_role("clerk1", "clerk").await;
    let res = app
        .post_csv(&clerk, "/api/v1/imports/inspectors", b"x".to_vec())
        .await;
    assert_problem(res, 403, "forbidden").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_roster_imports_and_the_public_roster_hides_private_fields() {
    let app = spawn_app().await;
    let file = include_bytes!("../../seeds/demo/inspectors.csv").to_vec();
    let report: Value = import(&app, "inspectors", "", file.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["inserted"].as_i64(), report["rejected"].as_i64()),
        (Some(46), Some(0))
    );
    let again: Value = import(&app, "inspectors", "", file)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["unchanged"].as_i64(), Some(46));

    let public: Value = app
        .get("/api/v1/public/inspectors?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let items = public["items"].as_array().unwrap();
    assert_eq!(items.len(), 46);
    let text = public.to_string();
    assert!(
        !text.contains("id_number") && !text.contains("phone") && !text.contains("13800"),
        "no private data in public"
    );
    let staff: Value = app
        .get_as(&app.admin_token, "/api/v1/inspectors?limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        staff["items"][0]["id_number"].as_str().map(str::len),
        Some(18)
    );
    assert!(staff["next_cursor"].is_string());
    let audit: Value = app
        .get_as(&app.admin_token, "/api/v1/audit?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let id = staff["items"][0]["id_number"].as_str().unwrap();
    assert!(
        !audit.to_string().contains(id),
        "the audit log keeps ID numbers masked"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspector_file_reports_every_bad_row() {
    let app = spawn_app().await;
    let csv = "姓名,执法证号,证件有效期起,证件有效期止,所属单位,执法领域,身份证号\n\
               张伟,64010020260001,2024-01-01,2028-12-31,第一大队,网吧;旅行社,11010519491231002X\n\
               ,64010020260002,2024-01-01,2020-12-31,第一大队,卖菜,110105194912310021\n\
               李娜,64010020260001,2024/1/1,2028-12-31,第二大队,,\n";
    let p = assert_problem(
        import(&app, "inspectors", "", csv.into()).await,
        422,
        "import-refused",
    )
    .await;
    let got: Vec<(i64, String)> = errors(&p).into_iter().map(|(l, _, c)| (l, c)).collect();
    let want = [
        (3, "required"),
        (3, "range"),
        (3, "unknown"),
        (3, "checksum"),
        (4, "duplicate"),
    ];
    assert_eq!(got, want.map(|(l, c)| (l, c.to_string())));
    assert_eq!(p["errors"][1]["column"], "证件有效期止");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formula_like_cells_are_neutralised_in_the_export_and_reimport_unchanged() {
    let app = spawn_app().await;
    let code = credit_code("640104", 77);
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &serde_json::json!({"credit_code": code, "name": "=HYPERLINK(\"http://x\",\"点我\")",
                    "category": "网吧", "district": "640104", "address": "=1+1",
                    "legal_representative": "@SUM(A1)", "licence_numbers": ["-2+3"],
                    "risk_tags": ["'=quoted already"]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let bytes = app
        .get_as(&app.admin_token, "/api/v1/entities/export.csv")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let row = text.lines().nth(1).unwrap();
    // Every cell a spreadsheet would evaluate starts with a quote; nothing starts with = + - @.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} would be evaluated: {row}"
        );
    }
    assert_eq!(cells[1], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(cells[5], "'=1+1");
    assert_eq!(cells[6], "'@SUM(A1)");
    assert_eq!(cells[7], "'-2+3");
    assert_eq!(cells[9], "''=quoted already");
    // Re-importing the export changes nothing: the quotes come off exactly.
    let report: Value = import(&app, "entities", "", bytes)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["unchanged"].as_i64(), report["updated"].as_i64()),
        (Some(1), Some(0)),
        "{report}"
    );
    let stored: Value = app
        .get_as(&app.admin_token, &format!("/api/v1/entities/{code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["address"], "=1+1");
    assert_eq!(stored["risk_tags"][0], "'=quoted already");
    app.stop().await;
}

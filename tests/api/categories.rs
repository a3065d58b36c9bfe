//! 行业类别 as reference data (issue 11): the shipped list, what bureau files call things, the
//! parent filter, what admins add (over HTTP and at the command line) and the suggestions for a
//! value nobody knows.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{assert_problem, credit_code, spawn_app, TestApp};

async fn categories(app: &TestApp) -> Vec<Value> {
    let res = app.get("/api/v1/public/categories").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

fn find<'a>(all: &'a [Value], code: &str) -> &'a Value {
    all.iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("{code} listed"))
}

async fn import(app: &TestApp, csv: String) -> reqwest::Response {
    app.post_csv(
        &app.admin_token,
        "/api/v1/imports/entities",
        csv.into_bytes(),
    )
    .await
}

/// The names on the public directory's first page for `query`.
async fn names(app: &TestApp, query: &str) -> BTreeSet<String> {
    let res = app
        .get(&format!("/api/v1/public/entities?limit=100&{query}"))
        .await;
    assert_eq!(res.status(), 200, "{query}");
    let page: Value = res.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_list_is_public_with_its_parents_aliases_and_regulations() {
    let app = spawn_app().await;
    let all = categories(&app).await;
    assert_eq!(all[0]["code"], "travel_agency", "the shipped order");
    for c in &all {
        let keys: BTreeSet<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["aliases", "code", "label", "parent", "regulation"])
        );
    }
    let song = find(&all, "song_dance_venue");
    assert_eq!(song["label"], "歌舞娱乐场所");
    assert_eq!(song["parent"], "entertainment_venue");
    assert!(song["aliases"].as_array().unwrap().contains(&json!("KTV")));
    assert_eq!(song["regulation"], "《娱乐场所管理条例》第二条");
    assert_eq!(find(&all, "entertainment_venue")["parent"], Value::Null);
    for code in [
        "travel_agency_branch",
        "travel_agency_outlet",
        "homestay",
        "game_arcade_venue",
        "art_exam_body",
        "antique_shop",
        "heritage_site",
        "museum",
        "cable_tv",
        "satellite_installation",
        "cinema",
        "publication_distributor",
        "printing_enterprise",
        "other",
    ] {
        find(&all, code);
    }
    // Loading the seeds again (every start does) adds nothing and audits nothing.
    let audit = app.audit_count().await;
    gongshi::seeding::load_all(&app.app, false).unwrap();
    assert_eq!(categories(&app).await, all);
    assert_eq!(app.audit_count().await, audit);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_the_regulations_words_imports_unmapped_and_a_parent_filter_takes_in_its_sub_kinds(
) {
    let app = spawn_app().await;
    let rows = [
        ("银川星光KTV", "歌舞娱乐场所"),
        ("银川星光游艺厅", "游艺娱乐场所"),
        ("银川星光剧场", "营业性演出场所"),
        ("银川星光文物商店", "文物商店"),
        ("银川星光网吧", "网吧"),
        ("银川星光娱乐城", "娱乐场所"),
    ];
    let mut csv = String::from("\u{feff}统一社会信用代码,名称,类别,所在地区\r\n");
    for (i, (name, category)) in rows.iter().enumerate() {
        csv += &format!(
            "{},{name},{category},640104\r\n",
            credit_code("640104", i as u32 + 1)
        );
    }
    let res = import(&app, csv).await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["inserted"], 6, "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");

    let entertainment = set(&["银川星光KTV", "银川星光游艺厅", "银川星光娱乐城"]);
    assert_eq!(
        names(&app, "category=entertainment_venue").await,
        entertainment
    );
    assert_eq!(
        names(&app, "category=娱乐场所").await,
        entertainment,
        "by label"
    );
    assert_eq!(
        names(&app, "category=song_dance_venue").await,
        set(&["银川星光KTV"]),
        "a leaf is only itself"
    );
    assert_eq!(
        names(&app, "q=星光&category=performance_venue").await,
        set(&["银川星光剧场"])
    );
    // Each entity shows the label of its own category.
    let page: Value = app
        .get("/api/v1/public/entities?category=entertainment_venue")
        .await
        .json()
        .await
        .unwrap();
    let labels: BTreeSet<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["category_label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        BTreeSet::from(["歌舞娱乐场所", "游艺娱乐场所", "娱乐场所"])
    );
    // The export writes labels, which import back as the same categories.
    let export = app
        .get_as(&app.admin_token, "/api/v1/entities/export.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(export.contains(",歌舞娱乐场所,") && export.contains(",演出场所经营单位,"));
    let again: Value = import(&app, export).await.json().await.unwrap();
    assert_eq!(again["unchanged"], 6, "{again}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_category_and_a_file_using_it_imports_at_once() {
    let app = spawn_app().await;
    let body = json!({"code": "mini_ktv", "label": "迷你歌咏亭", "aliases": ["迷你KTV", "自助歌咏亭"],
                      "parent": "歌舞娱乐场所"});
    let clerk = app.user_with_role("clerk1", "clerk").await;
    assert_problem(
        app.post_json(Some(&clerk), "/api/v1/categories", &body)
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post_json(None, "/api/v1/categories", &body).await,
        401,
        "unauthorized",
    )
    .await;
    let audit = app.audit_count().await;
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/categories", &body)
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(
        created,
        json!({"code": "mini_ktv", "label": "迷你歌咏亭", "aliases": ["迷你KTV", "自助歌咏亭"],
               "parent": "song_dance_venue", "regulation": null})
    );
    assert_eq!(app.audit_count().await, audit + 1);

    let csv = format!(
        "统一社会信用代码,名称,类别,所在地区\n{},银川星光迷你KTV,迷你ktv,640104\n",
        credit_code("640104", 1)
    );
    let report: Value = import(&app, csv).await.json().await.unwrap();
    assert_eq!(report["inserted"], 1, "{report}");
    assert_eq!(
        names(&app, "category=entertainment_venue").await,
        set(&["银川星光迷你KTV"]),
        "the grandparent's filter takes it in"
    );

    // A known code only gains aliases: 200, audited; asking again changes nothing.
    let audit = app.audit_count().await;
    let more = json!({"code": "mini_ktv", "aliases": ["迷你K歌房"]});
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/categories", &more)
        .await;
    assert_eq!(res.status(), 200);
    let aliased: Value = res.json().await.unwrap();
    assert!(aliased["aliases"]
        .as_array()
        .unwrap()
        .contains(&json!("迷你K歌房")));
    let res = app
        .post_json(Some(&app.admin_token), "/api/v1/categories", &more)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.audit_count().await, audit + 1);

    // What cannot be: a changed label, a name another category has, an unknown parent.
    for (bad, field, code) in [
        (
            json!({"code": "mini_ktv", "label": "小歌厅"}),
            "label",
            "immutable",
        ),
        (
            json!({"code": "karaoke", "label": "卡拉OK", "aliases": ["网吧"]}),
            "aliases",
            "duplicate",
        ),
        (
            json!({"code": "karaoke", "label": "卡拉OK", "parent": "歌舞娱乐"}),
            "parent",
            "unknown",
        ),
        (
            json!({"code": "Karaoke!", "label": "卡拉OK"}),
            "code",
            "format",
        ),
        (json!({"code": "karaoke"}), "label", "required"),
    ] {
        let p = assert_problem(
            app.post_json(Some(&app.admin_token), "/api/v1/categories", &bad)
                .await,
            400,
            "validation",
        )
        .await;
        assert_eq!(p["errors"][0]["field"], field, "{bad} {p}");
        assert_eq!(p["errors"][0]["code"], code, "{bad} {p}");
    }
    assert_eq!(app.audit_count().await, audit + 1, "refusals write nothing");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_category_names_the_value_and_the_closest_labels() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": credit_code("640104", 1), "name": "银川星光歌舞厅",
                    "category": "歌舞娱乐", "district": "640104"}),
        )
        .await;
    let p = assert_problem(res, 400, "validation").await;
    let message = p["errors"][0]["message"].as_str().unwrap();
    assert_eq!(p["errors"][0]["field"], "category");
    assert!(message.contains("\"歌舞娱乐\""), "{message}");
    assert!(
        message.contains("歌舞娱乐场所 (song_dance_venue)"),
        "{message}"
    );

    let csv = format!(
        "统一社会信用代码,名称,类别,所在地区\n{},银川民宿,民宿客栈,640104\n",
        credit_code("640104", 2)
    );
    let report = assert_problem(import(&app, csv).await, 422, "import-refused").await;
    let error = &report["errors"][0];
    assert_eq!(error["line"], 2);
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("旅游民宿 (homestay)"), "{report}");

    let p = assert_problem(
        app.get("/api/v1/public/entities?category=网咖吧").await,
        400,
        "validation",
    )
    .await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("互联网上网服务营业场所"),
        "{p}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_category_added_at_the_command_line_is_accepted_by_the_running_server() {
    let app = spawn_app().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args([
            "category",
            "add",
            "--code",
            "rural_theatre",
            "--label",
            "乡村戏台",
            "--alias",
            "村戏台",
            "--parent",
            "performance_venue",
        ])
        .env("GONGSHI_DATABASE_URL", app.test_db.url_string())
        .env("GONGSHI_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("rural_theatre"));
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": credit_code("640104", 1), "name": "永宁村戏台",
                    "category": "村戏台", "district": "640104"}),
        )
        .await;
    assert_eq!(res.status(), 201, "no restart needed");
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["category"], "rural_theatre");
    assert_eq!(e["category_label"], "乡村戏台");
    assert_eq!(
        names(&app, "category=演出场所经营单位").await,
        set(&["永宁村戏台"])
    );
    app.stop().await;
}

//! Open data and the feed (issue 14): the public CSV of published decisions and the Atom feed of
//! publication events, both holding only what the public view shows.

use serde_json::json;

use crate::helpers::{assert_problem, spawn_app_at};
use crate::penalties::{
    bureau, december, draft, natural_person, ok_step, organisation, public, publish, shanghai,
};

/// The public columns of the 双公示 layout, in its order, as a researcher's spreadsheet heads them.
const HEADER: [&str; 20] = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1（统一社会信用代码）",
    "法定代表人",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
];

fn rows(text: &str) -> Vec<Vec<String>> {
    let body = text
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_data_csv_holds_the_public_columns_of_what_the_public_sees_and_nothing_private() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    publish(&app, &b, &natural_person("2026-11-27")).await;
    publish(&app, &b, &organisation("2026-11-20")).await;
    let mut unpublished = organisation("2026-11-27");
    unpublished["decision_number"] = json!("银文旅罚〔2026〕89号");
    unpublished["party_name"] = json!("未公示的草稿公司");
    draft(&app, &b, &unpublished).await;

    let res = app.get("/api/v1/public/penalties.csv").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["etag"].to_str().unwrap().starts_with('"'));
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    // Every private value (ID number, address, full name, notes, officers) is absent.
    let (_, text) = public(&app, "/api/v1/public/penalties.csv").await;
    assert!(
        !text.contains("640104123456789"),
        "the tax number is not a public column"
    );
    assert!(
        !text.contains("未公示的草稿公司"),
        "a draft is not published"
    );
    let all = rows(&text);
    assert_eq!(all[0], HEADER);
    assert_eq!(all.len(), 3, "{text}");
    let person = all.iter().find(|r| r[1] == "自然人").unwrap();
    assert_eq!(person[0], "欧阳**");
    assert_eq!(
        person[2], "",
        "a natural person has no credit code column value"
    );
    assert_eq!(person[10], "1.000000");
    assert_eq!(person[11], "0.012345");
    let company = all.iter().find(|r| r[0] == "银川星光网吧有限公司").unwrap();
    assert_eq!(company[3], "李四");
    assert_eq!(company[4], "银文旅罚〔2026〕88号");
    assert_eq!(company[8], "警告;罚款;暂扣许可证件");
    assert_eq!(company[10], "1.234567");
    assert_eq!(company[13], "2026-11-20");
    assert_eq!(company[16], "银川市文化旅游广电局");

    // Filters: decision date range and authority.
    let (_, text) = public(&app, "/api/v1/public/penalties.csv?from=2026-11-21").await;
    let r = rows(&text);
    assert_eq!(r.len(), 2);
    assert_eq!(r[1][0], "欧阳**");
    let (_, text) = public(&app, "/api/v1/public/penalties.csv?to=2026-11-20").await;
    assert_eq!(rows(&text).len(), 2);
    let other = b.authority + 1000;
    let (_, text) = public(
        &app,
        &format!("/api/v1/public/penalties.csv?authority_id={other}"),
    )
    .await;
    assert_eq!(rows(&text), vec![HEADER.map(String::from).to_vec()]);
    // Bad input names its parameter.
    let res = app
        .get("/api/v1/public/penalties.csv?from=2026-13-01")
        .await;
    let body = assert_problem(res, 400, "validation").await;
    assert_eq!(body["errors"][0]["field"], "from", "{body}");
    let res = app
        .get("/api/v1/public/penalties.csv?from=2026-12-01&to=2026-11-01")
        .await;
    let body = assert_problem(res, 400, "validation").await;
    assert_eq!(body["errors"][0]["field"], "to", "{body}");
    let res = app
        .get("/api/v1/public/penalties.csv?party_id_number=1")
        .await;
    assert_problem(res, 400, "validation").await;
    app.stop().await;
}

struct Entry {
    id: String,
    title: String,
    summary: String,
    updated: String,
}

/// The feed, parsed by a reader independent of the writer (feed-rs), after checking its type.
async fn feed(app: &crate::helpers::TestApp, query: &str) -> (Vec<Entry>, String) {
    let path = format!("/api/v1/public/penalties/feed.atom{query}");
    let res = app.get(&path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let (_, text) = public(app, &path).await;
    let parsed = feed_rs::parser::parse(text.as_bytes()).expect("the feed is Atom");
    assert_eq!(parsed.feed_type, feed_rs::model::FeedType::Atom);
    let entries = parsed
        .entries
        .iter()
        .map(|e| Entry {
            id: e.id.clone(),
            title: e
                .title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default(),
            summary: e
                .summary
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default(),
            updated: e.updated.map(|t| t.to_rfc3339()).unwrap_or_default(),
        })
        .collect();
    (entries, text)
}

fn ids(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|e| e.id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_lists_publications_withdrawals_and_ends_of_publicity_newest_first() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let (empty, _) = feed(&app, "").await;
    assert!(empty.is_empty());
    let person = publish(&app, &b, &natural_person("2026-11-27")).await;
    app.clock().set(shanghai(2026, 12, 1, 11, 0, 0)).unwrap();
    let company = publish(&app, &b, &organisation("2026-11-27")).await;
    app.clock().set(shanghai(2026, 12, 1, 12, 0, 0)).unwrap();
    ok_step(
        &app,
        &b.reviewer,
        person,
        "withdraw",
        json!({"reason": "行政复议决定撤销原处罚决定", "event_date": "2026-11-30"}),
    )
    .await;

    let (entries, text) = feed(&app, "").await;
    assert_eq!(
        ids(&entries),
        vec![
            format!("urn:gongshi:penalty:{person}:withdrawn"),
            format!("urn:gongshi:penalty:{company}:published"),
            format!("urn:gongshi:penalty:{person}:published"),
        ]
    );
    assert!(entries[0].summary.contains("行政复议决定撤销原处罚决定"));
    assert_eq!(entries[0].updated, "2026-12-01T04:00:00+00:00");
    assert!(
        entries[1].title.contains("银川星光网吧有限公司"),
        "{}",
        entries[1].title
    );
    assert!(entries[1].summary.contains("罚款"));
    // A withdrawn decision's publication entry shows no more than its notice does.
    assert!(!entries[2].title.contains("欧阳"), "{}", entries[2].title);
    assert_eq!(entries[2].summary, "该决定已撤销。");
    // The same events give the same document, so the same ETag.
    let (_, again) = feed(&app, "").await;
    assert_eq!(again, text);
    let (mine, _) = feed(&app, &format!("?authority_id={}", b.authority)).await;
    assert_eq!(ids(&mine), ids(&entries));
    let res = app
        .get(&format!(
            "/api/v1/public/penalties/feed.atom?authority_id={}",
            b.authority + 1000
        ))
        .await;
    assert_problem(res, 404, "not-found").await;

    // Publicity (one year from 2026-11-27) ends at midnight Asia/Shanghai after 2027-11-27.
    app.clock().set(shanghai(2027, 11, 27, 23, 59, 59)).unwrap();
    let (entries, _) = feed(&app, "").await;
    assert_eq!(entries.len(), 3);
    app.clock().set(shanghai(2027, 11, 28, 0, 0, 0)).unwrap();
    let (entries, text) = feed(&app, "").await;
    assert_eq!(
        ids(&entries),
        vec![
            format!("urn:gongshi:penalty:{company}:publicity-ended"),
            format!("urn:gongshi:penalty:{person}:publicity-ended"),
        ]
    );
    assert_eq!(entries[0].updated, "2027-11-27T16:00:00+00:00");
    assert!(
        !text.contains("银川星光网吧有限公司"),
        "an ended decision's party is not shown"
    );
    app.stop().await;
}

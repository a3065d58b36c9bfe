//! The calendar API, end to end, on the seeded national layer.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_app_with, TestDb};

async fn get_json(app: &crate::helpers::TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worked_examples_come_back_exactly() {
    let app = spawn_app().await;
    for (from, days, date) in [
        ("2026-02-13", 7, "2026-03-02"),
        ("2026-09-30", 7, "2026-10-15"),
        ("2026-04-30", 3, "2026-05-08"),
        ("2026-09-18", 20, "2026-10-22"),
        ("2026-02-12", 7, "2026-02-28"),
    ] {
        let body = get_json(
            &app,
            &format!("/api/v1/calendar/add-workdays?from={from}&days={days}&region=CN"),
        )
        .await;
        assert_eq!(
            body,
            json!({"from": from, "days": days, "region": "CN", "date": date, "provisional": false})
        );
    }
    let body = get_json(
        &app,
        "/api/v1/calendar/add-workdays?from=2026-02-13&rule=penalty_publication",
    )
    .await;
    assert_eq!(
        (
            body["date"].as_str(),
            body["days"].as_i64(),
            body["rule"].as_str()
        ),
        (Some("2026-03-02"), Some(7), Some("penalty_publication"))
    );
    let body = get_json(
        &app,
        "/api/v1/calendar/add-workdays?from=2026-04-30&rule=penalty_withdrawal",
    )
    .await;
    assert_eq!(body["date"], "2026-05-08");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_say_what_kind_they_are() {
    let app = spawn_app().await;
    let cases = [
        ("2026-02-14", true, "adjusted_workday", Some("春节")),
        ("2026-02-17", false, "holiday", Some("春节")),
        ("2026-02-21", false, "holiday", Some("春节")),
        ("2026-02-13", true, "workday", None),
        ("2026-03-07", false, "weekend", None),
        ("2026-10-10", true, "adjusted_workday", Some("国庆节")),
    ];
    for (date, is_workday, kind, name) in cases {
        let body = get_json(&app, &format!("/api/v1/calendar/days/{date}?region=CN")).await;
        assert_eq!(
            body,
            json!({"date": date, "region": "CN", "is_workday": is_workday, "kind": kind, "name": name, "provisional": false}),
        );
    }
    let body = get_json(
        &app,
        "/api/v1/calendar/workdays-between?from=2026-09-30&to=2026-10-15",
    )
    .await;
    assert_eq!(body["workdays"], 7);
    let body = get_json(
        &app,
        "/api/v1/calendar/workdays-between?from=2026-05-01&to=2026-05-01",
    )
    .await;
    assert_eq!(body["workdays"], 0);
    let year = get_json(&app, "/api/v1/calendar/years/2026").await;
    assert_eq!(year["workdays"], 248);
    assert!(year["days"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["date"] == "2026-02-28" && d["kind"] == "adjusted_workday"));
    let year = get_json(&app, "/api/v1/calendar/years/2025").await;
    assert_eq!(year["workdays"], 248);
    let today = get_json(&app, "/api/v1/calendar/today").await;
    assert_eq!(today["time_zone"], "Asia/Shanghai");
    let expected = gongshi::domain::shanghai::date_at(chrono::Utc::now()).to_string();
    assert_eq!(today["date"], expected);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coverage_lists_every_seeded_year_with_its_notice() {
    let app = spawn_app().await;
    let body = get_json(&app, "/api/v1/calendar/coverage").await;
    let cn: Vec<i64> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["region"] == "CN")
        .map(|i| i["year"].as_i64().unwrap())
        .collect();
    assert_eq!(cn, (2007..=2026).collect::<Vec<_>>());
    let y2026 = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["region"] == "CN" && i["year"] == 2026)
        .unwrap();
    assert!(y2026["source"]
        .as_str()
        .unwrap()
        .starts_with("国务院办公厅关于2026年部分节假日安排的通知"));
    assert_eq!(y2026["origin"], "seed");
    assert_eq!(body["default_region"], "CN");
    app.stop().await;
}

const CSV_2027: &str = "date,kind,name,source\n\
2027-01-01,holiday,元旦,test notice 2027\n\
2027-01-02,holiday,元旦,test notice 2027\n\
2027-01-03,holiday,元旦,test notice 2027\n\
2027-01-09,adjusted_workday,元旦,test notice 2027\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unloaded_year_is_refused_or_provisional_until_it_is_loaded() {
    let app = spawn_app().await;
    let path = "/api/v1/calendar/add-workdays?from=2026-12-31&days=7&region=CN";
    let p = assert_problem(app.get(path).await, 422, "calendar-not-loaded").await;
    assert_eq!(
        (p["region"].as_str(), p["year"].as_i64()),
        (Some("CN"), Some(2027))
    );

    let body = get_json(&app, &format!("{path}&provisional=true")).await;
    assert_eq!(body["date"], "2027-01-12", "statutory 1 Jan only, no 调休");
    assert_eq!(body["provisional"], true);
    let day = get_json(&app, "/api/v1/calendar/days/2027-10-04?provisional=true").await;
    assert_eq!(
        (day["kind"].as_str(), day["provisional"].as_bool()),
        (Some("holiday"), Some(true)),
        "Art. 6 补假 for 10/2, 10/3"
    );
    assert_problem(
        app.get("/api/v1/calendar/days/2027-01-04").await,
        422,
        "calendar-not-loaded",
    )
    .await;

    // A clerk may not load a year; an admin may, and it takes effect at once. (The test year
    // holds four days only: it is confirmed as incomplete.)
    let clerk = app.user_with_role("clerk1", "clerk").await;
    let put = |token: String, body: &'static str| {
        app.client
            .put(app.url("/api/v1/calendar/CN/2027?confirm_incomplete=true"))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    assert_problem(put(clerk, CSV_2027).await.unwrap(), 403, "forbidden").await;
    let res = put(app.admin_token.clone(), CSV_2027).await.unwrap();
    assert_eq!(res.status(), 200);
    let loaded: Value = res.json().await.unwrap();
    assert_eq!(
        (loaded["special_days"].as_i64(), loaded["revision"].as_i64()),
        (Some(4), Some(1))
    );

    let body = get_json(&app, path).await;
    // 1/4–1/8 (5), Sat 1/9 adjusted (6), Mon 1/11 (7).
    assert_eq!(
        (body["date"].as_str(), body["provisional"].as_bool()),
        (Some("2027-01-11"), Some(false))
    );
    let cov = get_json(&app, "/api/v1/calendar/coverage").await;
    let y = cov["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["year"] == 2027)
        .unwrap()
        .clone();
    assert_eq!(
        (y["source"].as_str(), y["origin"].as_str()),
        (Some("test notice 2027"), Some("operator"))
    );

    // Seeding again leaves the operator's year alone.
    let same = app.app.clone();
    tokio::task::spawn_blocking(move || gongshi::seeding::load_all(&same, false).unwrap())
        .await
        .unwrap();
    assert_eq!(get_json(&app, path).await["date"], "2027-01-11");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_upload_is_refused_whole_with_every_line_and_changes_nothing() {
    let app = spawn_app().await;
    let bad = "date,kind,name,source\n\
2026-02-30,holiday,春节,s\n\
2025-12-31,holiday,元旦,s\n\
2026-02-16,adjusted_workday,春节,s\n\
2026-02-17,holiday,,s\n\
2026-02-18,holiday,春节,s\n\
2026-02-18,holiday,春节,s\n";
    let res = app
        .client
        .put(app.url("/api/v1/calendar/CN/2026"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/csv")
        .body(bad)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 400, "validation").await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "line 2: date",
            "line 3: date",
            "line 4: kind",
            "line 5: name",
            "line 7: date"
        ]
    );
    // 2026 still answers from the seed.
    let body = get_json(&app, "/api/v1/calendar/add-workdays?from=2026-02-13&days=7").await;
    assert_eq!(body["date"], "2026-03-02");

    // JSON works too, and wrong content types are 415.
    let res = app
        .client
        .put(app.url("/api/v1/calendar/CN/2027"))
        .bearer_auth(&app.admin_token)
        .json(&json!({"source": "json notice", "confirm_incomplete": true,
                      "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .put(app.url("/api/v1/calendar/CN/2027"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported-media-type").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    let cases = [
        (
            "/api/v1/calendar/add-workdays?from=2026-02-30&days=7",
            "from",
        ),
        ("/api/v1/calendar/add-workdays?from=20260213&days=7", "from"),
        ("/api/v1/calendar/add-workdays?from=&days=7", "from"),
        ("/api/v1/calendar/add-workdays?days=7", "from"),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&days=401",
            "days",
        ),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&days=-1",
            "days",
        ),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&days=seven",
            "days",
        ),
        ("/api/v1/calendar/add-workdays?from=2026-02-13", "days"),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&rule=fast",
            "rule",
        ),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&days=7&region=CN-GD",
            "region",
        ),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&days=7&region=mars",
            "region",
        ),
        (
            "/api/v1/calendar/add-workdays?from=2026-02-13&days=7&provisional=maybe",
            "provisional",
        ),
        ("/api/v1/calendar/days/2026-02-30", "date"),
        ("/api/v1/calendar/days/20260213", "date"),
        (
            "/api/v1/calendar/workdays-between?from=2026-03-01&to=2026-02-01",
            "to",
        ),
        ("/api/v1/calendar/years/twenty", "year"),
    ];
    for (path, field) in cases {
        let p = assert_problem(app.get(path).await, 400, "validation").await;
        assert_eq!(p["errors"][0]["field"], field, "{path}: {p}");
    }
    // 0 days is the date itself.
    let body = get_json(&app, "/api/v1/calendar/add-workdays?from=2026-02-15&days=0").await;
    assert_eq!(body["date"], "2026-02-15");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_regional_layer_adds_its_days_and_its_own_coverage() {
    let app = spawn_app_with(Arc::new(TestDb::new()), "CN,CN-NX").await;
    // 2021 古尔邦节 7/19–7/20 (Mon, Tue) in 宁夏: from Fri 7/16, +3 is Fri 7/23 instead of Wed 7/21.
    let nx = get_json(&app, "/api/v1/calendar/add-workdays?from=2021-07-16&days=3").await;
    assert_eq!(
        (nx["region"].as_str(), nx["date"].as_str()),
        (Some("CN-NX"), Some("2021-07-23"))
    );
    let cn = get_json(
        &app,
        "/api/v1/calendar/add-workdays?from=2021-07-16&days=3&region=CN",
    )
    .await;
    assert_eq!(cn["date"], "2021-07-21");
    let day = get_json(&app, "/api/v1/calendar/days/2021-07-19").await;
    assert_eq!(
        (day["kind"].as_str(), day["name"].as_str()),
        (Some("holiday"), Some("古尔邦节"))
    );
    // No 宁夏 notice for 2026 is shipped: the regional answer names CN-NX and 2026.
    let p = assert_problem(
        app.get("/api/v1/calendar/add-workdays?from=2026-02-13&days=7")
            .await,
        422,
        "calendar-not-loaded",
    )
    .await;
    assert_eq!(
        (p["region"].as_str(), p["year"].as_i64()),
        (Some("CN-NX"), Some(2026))
    );
    let body = get_json(
        &app,
        "/api/v1/calendar/add-workdays?from=2026-02-13&days=7&provisional=true",
    )
    .await;
    assert_eq!(
        (body["date"].as_str(), body["provisional"].as_bool()),
        (Some("2026-03-02"), Some(true))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_follows_the_injected_clock_in_shanghai_time() {
    use chrono::TimeZone;
    // 2026-09-30 23:59:59 in Shanghai: the last working day before 国庆.
    let before_midnight = chrono::Utc
        .with_ymd_and_hms(2026, 9, 30, 15, 59, 59)
        .unwrap();
    let app = crate::helpers::spawn_app_at(before_midnight).await;
    let today = get_json(&app, "/api/v1/calendar/today").await;
    assert_eq!(
        (today["date"].as_str(), today["is_workday"].as_bool()),
        (Some("2026-09-30"), Some(true)),
        "{today}"
    );
    // One second later it is 1 October in Shanghai, a holiday, though still 30 September in UTC.
    app.clock()
        .set(before_midnight + chrono::Duration::seconds(1))
        .unwrap();
    let today = get_json(&app, "/api/v1/calendar/today").await;
    assert_eq!(
        (today["date"].as_str(), today["kind"].as_str()),
        (Some("2026-10-01"), Some("holiday")),
        "{today}"
    );
    app.stop().await;
}

/// Issue 23, finding 9: a national year without its statutory holidays (the probe's empty upload)
/// is refused with 422 naming them, nothing is stored, and only an explicit confirmation loads it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_national_year_without_its_statutory_holidays_is_refused_unless_confirmed() {
    let app = spawn_app().await;
    let put = |query: &'static str, body: Value| {
        app.client
            .put(app.url(&format!("/api/v1/calendar/CN/2027{query}")))
            .bearer_auth(&app.admin_token)
            .json(&body)
            .send()
    };
    // The probe's body: an empty year needs at least its notice named…
    let res = put("", json!({"source": null, "days": []})).await.unwrap();
    let p = assert_problem(res, 400, "validation").await;
    assert_eq!(p["errors"][0]["field"], "source");
    // …and with it, it is refused for what it leaves out.
    let res = put("", json!({"source": "国办发明电〔2026〕X号", "days": []}))
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation").await;
    assert_eq!(p["errors"][0]["field"], "days");
    assert_eq!(p["errors"][0]["code"], "statutory_holidays_missing");
    let message = p["errors"][0]["message"].as_str().unwrap();
    for day in [
        "2027-01-01 元旦",
        "2027-02-05 春节",
        "2027-05-02 劳动节",
        "2027-10-03 国庆节",
    ] {
        assert!(message.contains(day), "{message}");
    }
    // One festival day left out is enough to refuse.
    let mut days: Vec<Value> = Vec::new();
    for (d, name) in [
        ("2027-01-01", "元旦"),
        ("2027-02-05", "春节"),
        ("2027-02-06", "春节"),
        ("2027-02-07", "春节"),
        ("2027-02-08", "春节"),
        ("2027-04-05", "清明节"),
        ("2027-05-01", "劳动节"),
        ("2027-05-02", "劳动节"),
        ("2027-06-09", "端午节"),
        ("2027-09-15", "中秋节"),
        ("2027-10-01", "国庆节"),
        ("2027-10-02", "国庆节"),
    ] {
        days.push(json!({"date": d, "kind": "holiday", "name": name}));
    }
    let body = json!({"source": "a notice cut short", "days": days});
    let p = assert_problem(put("", body.clone()).await.unwrap(), 422, "validation").await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2027-10-03"),
        "{p}"
    );
    assert_problem(
        app.get("/api/v1/calendar/years/2027").await,
        422,
        "calendar-not-loaded",
    )
    .await;
    // Confirmed, it loads (the operator's word, audited like any upload).
    let res = put("?confirm_incomplete=true", body).await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // A regional layer adds to the national one and is not checked for it.
    let res = app
        .client
        .put(app.url("/api/v1/calendar/CN-NX/2027"))
        .bearer_auth(&app.admin_token)
        .json(&json!({"source": "宁夏 2027", "days": []}))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 422, "{}", res.text().await.unwrap());
    app.stop().await;
}

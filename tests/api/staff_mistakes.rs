//! Issue 25: the mistakes real clerks make, caught: an amount the 处罚内容 contradicts, a draft
//! logged by mistake, an import that would skip review, a week's work missing from the deadline
//! report.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app_at};
use crate::penalties::{bureau, december, draft, natural_person};

/// 贰仟元, 2000元 and 0.2万元 all agree with 200,000 分; 2000 分 (20 元) does not, is refused 422
/// `amount_mismatch` naming both values in 元, and nothing is written. An edit is checked the
/// same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amount_the_content_contradicts_is_refused_naming_both_values() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let with = |content: &str, fine: i64| {
        let mut body = natural_person("2026-11-27");
        body["penalty_types"] = json!(["罚款"]);
        body["confiscation_fen"] = Value::Null;
        body["content"] = json!(content);
        body["fine_fen"] = json!(fine);
        body
    };
    for content in ["警告，并处罚款人民币2000元", "罚款贰仟元", "罚款0.2万元"] {
        let audit = app.audit_count().await;
        let res = app
            .post_json(Some(&b.clerk), "/api/v1/penalties", &with(content, 2000))
            .await;
        let p = assert_problem(res, 422, "validation").await;
        assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{p}");
        assert_eq!(p["errors"][0]["field"], "fine_fen");
        assert_eq!(p["errors"][0]["code"], "amount_mismatch");
        let message = p["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("2,000 元") && message.contains("20 元"),
            "{content}: {message}"
        );
        assert_eq!(app.audit_count().await, audit, "nothing written");
        let made = draft(&app, &b, &with(content, 200_000)).await;
        assert_eq!(made["fine_fen"], 200_000, "{content}");
    }
    // An edit that changes the amount and not the text is refused the same way.
    let made = draft(&app, &b, &with("罚款人民币五千元", 500_000)).await;
    let id = made["id"].as_i64().unwrap();
    let res = app
        .patch_json(
            &b.clerk,
            &format!("/api/v1/penalties/{id}"),
            &json!({"version": made["version"], "fine_fen": 50_000}),
        )
        .await;
    let p = assert_problem(res, 422, "validation").await;
    assert_eq!(p["errors"][0]["code"], "amount_mismatch", "{p}");
    let res = app
        .patch_json(
            &b.clerk,
            &format!("/api/v1/penalties/{id}"),
            &json!({"version": made["version"], "fine_fen": 50_000, "content": "罚款人民币伍佰元"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    app.stop().await;
}

/// The newest audit record (admin view of the log).
async fn last_audit(app: &crate::helpers::TestApp) -> Value {
    let mut after = 0;
    let mut last = Value::Null;
    loop {
        let page: Value = app
            .get_as(
                &app.admin_token,
                &format!("/api/v1/audit?after={after}&limit=1000"),
            )
            .await
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap();
        let Some(l) = items.last() else {
            return last;
        };
        after = l["seq"].as_i64().unwrap();
        last = l.clone();
    }
}

/// A draft logged by mistake is discarded by its drafter (or a reviewer) with a reason: never
/// public, off the deadline report, audited, and its allocated number shows in the number
/// register as 作废 with the reason, so numbering has no unexplained gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discarded_draft_leaves_the_reports_and_its_number_is_voided_in_the_register() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let mistake = draft(&app, &b, &natural_person("2026-11-27")).await;
    let kept = draft(&app, &b, &natural_person("2026-11-27")).await;
    let submitted = draft(&app, &b, &natural_person("2026-11-27")).await;
    let id = mistake["id"].as_i64().unwrap();
    assert_eq!(mistake["decision_number"], "银文旅罚〔2026〕1号");
    let discard = |token: &str, id: i64, body: Value| {
        let app = &app;
        let token = token.to_string();
        async move {
            app.post_json(
                Some(&token),
                &format!("/api/v1/penalties/{id}/discard"),
                &body,
            )
            .await
        }
    };
    // Another clerk did not draft it; a reason is required.
    let other = app.user_with_role("clerk9", "clerk").await;
    assert_problem(
        discard(&other, id, json!({"reason": "录入错误"})).await,
        403,
        "forbidden",
    )
    .await;
    let p = assert_problem(discard(&b.clerk, id, json!({})).await, 422, "validation").await;
    assert_eq!(p["errors"][0]["field"], "reason");
    let audit = app.audit_count().await;
    let res = discard(&b.clerk, id, json!({"reason": "重复录入，见2号"})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["state"], "discarded");
    assert_eq!(after["state_label"], "已作废");
    assert_eq!(after["workflow"]["discard_reason"], "重复录入，见2号");
    assert_eq!(app.audit_count().await, audit + 1);
    let record = last_audit(&app).await;
    assert_eq!(record["action"], "penalty.discard", "{record}");
    // Nothing more can happen to it.
    assert_problem(
        app.post_json(
            Some(&b.clerk),
            &format!("/api/v1/penalties/{id}/submit"),
            &json!({}),
        )
        .await,
        409,
        "invalid-transition",
    )
    .await;
    // A reviewer discards a submitted decision; a published one cannot be discarded.
    let sid = submitted["id"].as_i64().unwrap();
    let res = app
        .post_json(
            Some(&b.clerk),
            &format!("/api/v1/penalties/{sid}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = discard(
        &b.reviewer,
        sid,
        json!({"reason": "当事人信息有误，重新登记"}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // The deadline report lists only the decision still waiting.
    let report: Value = app
        .get_as(&b.reviewer, "/api/v1/penalties/deadlines")
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [kept["id"].as_i64().unwrap()]);
    // Never public.
    assert_eq!(
        app.get(&format!("/api/v1/public/penalties/{id}"))
            .await
            .status(),
        404
    );
    // The register: 1 voided with its reason, 2 used, 3 voided.
    let register: Value = app
        .get_as(
            &b.reviewer,
            &format!("/api/v1/authorities/{}/numbers?year=2026", b.authority),
        )
        .await
        .json()
        .await
        .unwrap();
    let lines: Vec<(u64, &str, &str, &str)> = register["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sequence"].as_u64().unwrap(),
                l["decision_number"].as_str().unwrap(),
                l["status_label"].as_str().unwrap(),
                l["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (1, "银文旅罚〔2026〕1号", "作废", "重复录入，见2号"),
            (2, "银文旅罚〔2026〕2号", "已使用", ""),
            (3, "银文旅罚〔2026〕3号", "作废", "当事人信息有误，重新登记"),
        ]
    );
    // Staff only; another year is empty; a bad year names the field.
    assert_eq!(
        app.get(&format!("/api/v1/authorities/{}/numbers", b.authority))
            .await
            .status(),
        401
    );
    let empty: Value = app
        .get_as(
            &b.reviewer,
            &format!("/api/v1/authorities/{}/numbers?year=2025", b.authority),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["items"], json!([]));
    let p = assert_problem(
        app.get_as(
            &b.reviewer,
            &format!("/api/v1/authorities/{}/numbers?year=1999", b.authority),
        )
        .await,
        400,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "year");
    app.stop().await;
}

/// Every date-time in a JSON answer, with or without an offset: `(text, has_offset)`.
fn date_times(v: &Value, out: &mut Vec<(String, bool)>) {
    match v {
        Value::String(s) => {
            let b = s.as_bytes();
            let looks = b.len() >= 19
                && b[4] == b'-'
                && b[7] == b'-'
                && b[10] == b'T'
                && b[13] == b':'
                && b[16] == b':'
                && b[..4].iter().all(u8::is_ascii_digit);
            if looks {
                let tail = &s[19..];
                let offset = tail.ends_with('Z')
                    || tail
                        .rfind(['+', '-'])
                        .is_some_and(|i| tail[i..].len() == 6 && tail.as_bytes()[i + 3] == b':');
                out.push((s.clone(), offset));
            }
        }
        Value::Array(a) => a.iter().for_each(|x| date_times(x, out)),
        Value::Object(o) => o.values().for_each(|x| date_times(x, out)),
        _ => {}
    }
}

/// Issue 25: workflow times came back as naive UTC ("submitted_at":"2026-12-06T21:35:29", the
/// previous day in Beijing). Every time in a decision's staff answers, its audit records and the
/// lists is RFC 3339 with Asia/Shanghai's offset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_time_in_a_decisions_answers_carries_its_offset() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let d = draft(&app, &b, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    let mut answers = vec![d];
    for (token, step, body) in [
        (&b.clerk, "submit", json!({})),
        (&b.reviewer, "approve", json!({})),
        (&b.reviewer, "publish", json!({})),
        (
            &b.reviewer,
            "withdraw",
            json!({"reason": "经复议撤销", "event_date": "2026-12-01"}),
        ),
    ] {
        let res = app
            .post_json(
                Some(token),
                &format!("/api/v1/penalties/{id}/{step}"),
                &body,
            )
            .await;
        assert_eq!(res.status(), 200, "{step}");
        answers.push(res.json().await.unwrap());
    }
    for path in [
        format!("/api/v1/penalties/{id}"),
        "/api/v1/penalties".to_string(),
        "/api/v1/audit?limit=1000".to_string(),
    ] {
        answers.push(
            app.get_as(&app.admin_token, &path)
                .await
                .json()
                .await
                .unwrap(),
        );
    }
    let last = &answers[4];
    // 2026-12-01 10:00 in Beijing.
    assert_eq!(
        last["workflow"]["submitted_at"].as_str().map(|s| &s[..19]),
        Some("2026-12-01T10:00:00"),
        "{last}"
    );
    let mut found = Vec::new();
    for a in &answers {
        date_times(a, &mut found);
    }
    assert!(found.len() > 20, "{found:?}");
    let naive: Vec<&String> = found.iter().filter(|(_, o)| !o).map(|(s, _)| s).collect();
    assert!(naive.is_empty(), "times without an offset: {naive:?}");
    assert!(
        found.iter().all(|(s, _)| s.ends_with("+08:00")),
        "{found:?}"
    );
}

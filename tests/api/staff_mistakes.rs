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
pub(crate) async fn last_audit(app: &crate::helpers::TestApp) -> Value {
    app.audit_records().await.pop().unwrap_or(Value::Null)
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

/// A company in the directory: its name and legal representative fill a decision that leaves
/// them out; a different name is a confirmable rule (422 `party_name_differs`, `confirmable:
/// true`), accepted when confirmed, and the confirmation is in the audit record. An amount above
/// 1,000,000 元 likewise (`large_amount`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_rules_are_refused_then_accepted_when_confirmed_and_audited() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let code = crate::helpers::credit_code("640104", 31);
    let res = app
        .post_json(
            Some(&b.clerk),
            "/api/v1/entities",
            &json!({"credit_code": code, "name": "银川星光网吧有限公司", "category": "网吧",
                    "district": "640104", "legal_representative": "王五"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let company = |patch: Value| {
        let mut body = json!({
            "allocate_decision_number": true,
            "party_kind": "legal_person",
            "party_credit_code": code,
            "violation_type": "接纳未成年人进入营业场所",
            "facts": "经查，当事人接纳未成年人上网。",
            "legal_basis": "《互联网上网服务营业场所管理条例》第三十一条",
            "penalty_types": ["警告", "罚款"],
            "content": "警告，并处罚款",
            "fine_fen": 500_000,
            "decision_date": "2026-11-27",
            "procedure": "ordinary",
            "case_officers": ["64010020260001", "64010020260002"]
        });
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    // Left out: filled from the directory.
    let filled = draft(&app, &b, &company(json!({}))).await;
    assert_eq!(filled["party_name"], "银川星光网吧有限公司");
    assert_eq!(filled["legal_representative"], "王五");
    assert_eq!(filled["entity_credit_code"], code.as_str());
    // Given and the same in another bracket or width form: no question.
    draft(
        &app,
        &b,
        &company(json!({"party_name": "银川星光网吧有限公司 "})),
    )
    .await;
    // Different: refused, confirmable, nothing written.
    let audit = app.audit_count().await;
    let renamed = company(json!({"party_name": "银川星光网咖有限公司"}));
    let p = assert_problem(
        app.post_json(Some(&b.clerk), "/api/v1/penalties", &renamed)
            .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(
        p["errors"],
        json!([{"field": "party_name", "code": "party_name_differs", "confirmable": true,
                "message": p["errors"][0]["message"]}])
    );
    assert!(p["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("银川星光网吧有限公司"));
    assert_eq!(app.audit_count().await, audit);
    // Confirmed: accepted, and the audit record says so.
    let mut confirmed = renamed.clone();
    confirmed["confirm"] = json!(["party_name_differs"]);
    let made = draft(&app, &b, &confirmed).await;
    assert_eq!(made["party_name"], "银川星光网咖有限公司");
    let record = crate::staff_mistakes::last_audit(&app).await;
    assert_eq!(record["action"], "penalty.create");
    assert_eq!(
        record["after"]["confirmed"],
        json!(["party_name_differs"]),
        "{record}"
    );
    // An edit of its facts is not asked again; a large amount is.
    let id = made["id"].as_i64().unwrap();
    let edit = |body: Value| {
        let app = &app;
        let clerk = b.clerk.clone();
        async move {
            app.patch_json(&clerk, &format!("/api/v1/penalties/{id}"), &body)
                .await
        }
    };
    // A misspelt field is refused, naming it.
    let p = assert_problem(
        edit(json!({"version": 1, "fien_fen": 1})).await,
        400,
        "validation",
    )
    .await;
    assert_eq!(
        (&p["errors"][0]["field"], &p["errors"][0]["code"]),
        (&json!("fien_fen"), &json!("unknown_field"))
    );
    let res = edit(json!({"version": 1, "facts": "经复核，当事人接纳未成年人上网。"})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let p = assert_problem(
        edit(json!({"version": 2, "fine_fen": 100_000_001})).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "large_amount", "{p}");
    assert_eq!(p["errors"][0]["field"], "fine_fen");
    assert_eq!(p["errors"][0]["confirmable"], true);
    let res =
        edit(json!({"version": 2, "fine_fen": 100_000_001, "confirm": ["large_amount"]})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let record = crate::staff_mistakes::last_audit(&app).await;
    assert_eq!(record["action"], "penalty.update");
    assert_eq!(record["after"]["confirmed"], json!(["large_amount"]));
    // Exactly at the threshold: no question. An unknown code: named.
    let at_edge = draft(&app, &b, &company(json!({"fine_fen": 100_000_000}))).await;
    assert_eq!(at_edge["fine_fen"], 100_000_000);
    let p = assert_problem(
        app.post_json(
            Some(&b.clerk),
            "/api/v1/penalties",
            &company(json!({"confirm": ["amount_mismatch"]})),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "confirm");
    assert_eq!(p["errors"][0]["code"], "unknown");
    app.stop().await;
}

/// Three decisions in the 双公示 layout (CF_* headers), the second 警告 only (not published by
/// default), the third naming its fine in 万元.
pub(crate) fn three_decisions() -> Vec<u8> {
    let code = crate::helpers::credit_code("640104", 5);
    format!(
        "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_FRDB,CF_WSH,CF_WFXW,CF_SY,CF_YJ,CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ\n\
         银川甲网吧,法人及非法人组织,{code},王五,银文旅罚〔2026〕101号,违规,事实,依据,罚款,罚款人民币3000元,0.3,2026-11-25\n\
         银川乙网吧,法人及非法人组织,{code},王五,银文旅罚〔2026〕102号,违规,事实,依据,警告,警告,,2026-11-25\n\
         银川丙网吧,法人及非法人组织,{code},王五,银文旅罚〔2026〕103号,违规,事实,依据,罚款,罚款0.5万元,0.5,2026-11-26\n"
    )
    .into_bytes()
}

/// 先审后发 for imports: a clerk's import enters as `submitted` (nothing public), a dry run
/// writes nothing (the audit log's length is unchanged) and says what would be created, a
/// reviewer approves and publishes the whole import in one request, and importing as already
/// published is a reviewer's or an admin's, audited as such on each record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_goes_through_review_and_a_dry_run_writes_nothing() {
    let app = spawn_app_at(december()).await;
    let b = bureau(&app).await;
    let file = three_decisions();
    // A dry run: the report, and nothing written.
    let audit = app.audit_count().await;
    let res = app
        .post_csv(
            &b.clerk,
            "/api/v1/imports/penalties?dry_run=true",
            file.clone(),
        )
        .await;
    assert_eq!(res.status(), 200);
    let dry: Value = res.json().await.unwrap();
    assert_eq!(
        (&dry["dry_run"], &dry["inserted"], &dry["written"]),
        (&json!(true), &json!(3), &json!(false)),
        "{dry}"
    );
    assert_eq!(app.audit_count().await, audit, "a dry run writes nothing");
    // Already published is not a clerk's.
    assert_problem(
        app.post_csv(
            &b.clerk,
            "/api/v1/imports/penalties?already_published=true",
            file.clone(),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // The clerk's import: every decision submitted, none public.
    let report: Value = app
        .post_csv(&b.clerk, "/api/v1/imports/penalties", file.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["inserted"], 3, "{report}");
    let import_id = report["import_id"].as_str().unwrap().to_string();
    assert_eq!(import_id.len(), 64);
    let record = crate::staff_mistakes::last_audit(&app).await;
    assert_eq!(record["action"], "import");
    let staff: Value = app
        .get_as(&b.reviewer, "/api/v1/penalties?state=submitted")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff["items"].as_array().unwrap().len(), 3, "{staff}");
    assert!(staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["imported"] == true && d["workflow"]["submitted_by"] == "clerk1"));
    let public: Value = app
        .get("/api/v1/public/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["items"], json!([]));
    // A dry run of the same file now: all three left unchanged.
    let again: Value = app
        .post_csv(
            &b.clerk,
            "/api/v1/imports/penalties?dry_run=true",
            file.clone(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&again["inserted"], &again["unchanged"]),
        (&json!(0), &json!(3))
    );
    // The importer may not approve their own import; a reviewer does the whole of it at once.
    let path = format!("/api/v1/imports/penalties/{import_id}/publish");
    assert_problem(
        app.post_json(Some(&b.clerk), &path, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let res = app.post_json(Some(&b.reviewer), &path, &json!({})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let done: Value = res.json().await.unwrap();
    assert_eq!(
        (&done["approved"], &done["published"]),
        (&json!(3), &json!(2)),
        "{done}"
    );
    let states: Vec<&str> = done["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["published", "approved", "published"],
        "警告 only stays approved"
    );
    let public: Value = app
        .get("/api/v1/public/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["items"].as_array().unwrap().len(), 2);
    // Nothing is waiting any more.
    assert_problem(
        app.post_json(Some(&b.reviewer), &path, &json!({})).await,
        404,
        "not-found",
    )
    .await;
    // Legacy records moved in as published: an admin's, audited as such.
    let legacy = String::from_utf8(three_decisions())
        .unwrap()
        .replace("〔2026〕10", "〔2025〕10")
        .replace("2026-11-2", "2025-06-0");
    let res = app
        .post_csv(
            &app.admin_token,
            "/api/v1/imports/penalties?already_published=true",
            legacy.into_bytes(),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let page: Value = app
        .get_as(&app.admin_token, "/api/v1/audit?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "penalty.import_published")
            .count(),
        3,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "penalty.import").count(),
        3
    );
    // dry_run and already_published are for penalty imports only.
    let p = assert_problem(
        app.post_csv(
            &app.admin_token,
            "/api/v1/imports/entities?dry_run=true",
            b"credit_code,name\n".to_vec(),
        )
        .await,
        400,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "dry_run");
    app.stop().await;
}

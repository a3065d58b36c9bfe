//! The inspector roster and conflicts of interest (回避) over HTTP.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, credit_code, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspectors_are_admin_managed_and_conflicts_are_declared_listed_and_removed_with_reasons() {
    let app = spawn_app().await;
    let admin = app.admin_token.clone();
    let inspector = json!({"name": "张伟", "certificate_no": "64010020260001", "certificate_valid_from": "2024-01-01",
        "certificate_valid_to": "2028-12-31", "unit": "第一大队", "fields": ["网吧", "travel_agency"],
        "id_number": "11010519491231002X", "phone": "13800001234"});
    let clerk = app.user_with_role("clerk1", "clerk").await;
    assert_problem(
        app.post_json(Some(&clerk), "/api/v1/inspectors", &inspector)
            .await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .post_json(Some(&admin), "/api/v1/inspectors", &inspector)
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    assert_eq!(
        created["fields"],
        json!(["internet_service_venue", "travel_agency"])
    );
    let id = created["id"].as_i64().unwrap();
    assert_problem(
        app.post_json(Some(&admin), "/api/v1/inspectors", &inspector)
            .await,
        409,
        "duplicate",
    )
    .await;

    let res = app
        .patch_json(
            &admin,
            &format!("/api/v1/inspectors/{id}"),
            &json!({"version": 1, "status": "停用"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch_json(
            &admin,
            &format!("/api/v1/inspectors/{id}"),
            &json!({"version": 1, "unit": "x"}),
        )
        .await;
    assert_problem(res, 409, "stale-version").await;

    let code = credit_code("640104", 1);
    let res = app
        .post_json(Some(&clerk), "/api/v1/entities", &json!({"credit_code": code, "name": "银川星光网吧", "category": "网吧", "district": "640104"}))
        .await;
    assert_eq!(res.status(), 201);
    let conflicts = format!("/api/v1/inspectors/{id}/conflicts");
    for (body, field) in [
        (json!({"reason": "亲属"}), "credit_code"),
        (
            json!({"credit_code": code, "category": "网吧", "reason": "亲属"}),
            "credit_code",
        ),
        (
            json!({"credit_code": credit_code("640104", 2), "reason": "亲属"}),
            "credit_code",
        ),
        (json!({"category": "卖菜", "reason": "亲属"}), "category"),
        (json!({"credit_code": code}), "reason"),
    ] {
        let p = assert_problem(
            app.post_json(Some(&admin), &conflicts, &body).await,
            400,
            "validation",
        )
        .await;
        assert_eq!(p["errors"][0]["field"], field, "{body}");
    }
    let res = app
        .post_json(
            Some(&admin),
            &conflicts,
            &json!({"credit_code": code, "reason": "其配偶任该网吧股东"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let conflict: Value = res.json().await.unwrap();
    let res = app
        .post_json(
            Some(&admin),
            &conflicts,
            &json!({"category": "旅行社", "reason": "曾任旅行社从业人员"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let again = app
        .post_json(
            Some(&admin),
            &conflicts,
            &json!({"credit_code": code, "reason": "重复"}),
        )
        .await;
    assert_problem(again, 409, "duplicate").await;

    let remove = format!("{conflicts}/{}/remove", conflict["id"]);
    let p = assert_problem(
        app.post_json(Some(&admin), &remove, &json!({})).await,
        400,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "reason");
    let res = app
        .post_json(Some(&admin), &remove, &json!({"reason": "股权已转让"}))
        .await;
    assert_eq!(res.status(), 200);
    let removed: Value = res.json().await.unwrap();
    assert_eq!(removed["removal_reason"], "股权已转让");
    assert_problem(
        app.post_json(Some(&admin), &remove, &json!({"reason": "again"}))
            .await,
        409,
        "invalid-transition",
    )
    .await;

    let active: Value = app.get_as(&admin, &conflicts).await.json().await.unwrap();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    assert_eq!(active["items"][0]["category"], "travel_agency");
    let all: Value = app
        .get_as(&admin, &format!("{conflicts}?include_removed=true"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    let audit: Value = app
        .get_as(&admin, "/api/v1/audit?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for a in [
        "inspector.create",
        "inspector.update",
        "conflict.declare",
        "conflict.remove",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    let missing = app
        .get_as(&admin, "/api/v1/inspectors/999999/conflicts")
        .await;
    assert_problem(missing, 404, "not-found").await;
    app.stop().await;
}

/// Issue 26: the public roster shows 在岗 only while the certificate is valid that day
/// (Asia/Shanghai): not the day before it starts, not the day after it ends, and the answer
/// changes at midnight although nothing was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_roster_shows_on_duty_only_while_the_certificate_is_valid() {
    use crate::penalties::shanghai;
    let app = crate::helpers::spawn_app_at(shanghai(2026, 12, 31, 23, 59, 0)).await;
    for (no, from, to) in [
        ("64010020260001", "2024-01-01", "2026-12-31"),
        ("64010020260002", "2027-01-01", "2029-12-31"),
    ] {
        let res = app
            .post_json(
                Some(&app.admin_token),
                "/api/v1/inspectors",
                &json!({"name": format!("执法员{}", &no[13..]), "certificate_no": no,
                        "certificate_valid_from": from, "certificate_valid_to": to,
                        "unit": "第一大队", "fields": ["网吧"]}),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }
    let standing = || async {
        let page: Value = app
            .get("/api/v1/public/inspectors")
            .await
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["status"].as_str().unwrap().to_string(),
                    i["status_label"].as_str().unwrap().to_string(),
                    i["duty"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        standing().await,
        [
            s("active", "在岗", "on_duty"),
            s("active", "执法证尚未生效", "certificate_not_yet_valid"),
        ],
        "the last day of one certificate, the day before the other"
    );
    app.clock().set(shanghai(2027, 1, 1, 0, 0, 0)).unwrap();
    assert_eq!(
        standing().await,
        [
            s("active", "执法证已过期", "certificate_expired"),
            s("active", "在岗", "on_duty"),
        ],
        "midnight in Beijing"
    );
    app.stop().await;
}

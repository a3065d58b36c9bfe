//! The staff console (issue 28): sign-in and its session cookie, CSRF on every form that writes,
//! the Today page, a decision's page offering exactly its role's steps, the preview of the
//! public view, and a step taken from a form, on the same service functions as the API.

use serde_json::{json, Value};

use crate::helpers::{spawn_app_at, TestApp};
use crate::penalties::{
    bureau, december, draft, natural_person, ok_step, shanghai, ADDRESS, FULL_NAME, ID_NUMBER,
};

const PASSWORD: &str = "a long test password";

/// A browser without redirects followed and with its cookies kept by hand.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: Vec<(String, String)>,
}

/// An answer as a browser test reads it.
struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers["location"].to_str().unwrap()
    }

    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with(&format!("{name}=")))
    }

    /// The value of the first `<input … name="NAME" value="…">` on the page.
    fn input(&self, name: &str) -> String {
        let at = self
            .body
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no input {name} on the page: {}", self.body));
        let rest = &self.body[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }

    fn keep(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !v.contains("Max-Age=0") {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, res: reqwest::Response) -> Page {
        self.keep(&res);
        Page {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let res = self
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let res = self
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Posts a file as a browser's upload form does (`multipart/form-data`): `fields` first,
    /// then the file as `file`.
    async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        file: &[u8],
    ) -> Page {
        const BOUNDARY: &str = "----gongshi-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let res = self
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Signs in as `name` through the form; the Today page's answer.
    async fn sign_in(&mut self, name: &str) -> Page {
        let login = self.get("/console/login").await;
        assert_eq!(login.status, 200, "{}", login.body);
        let token = login.input("token");
        let res = self
            .post(
                "/console/login",
                &[
                    ("token", &token),
                    ("next", "/console/"),
                    ("name", name),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.location(), "/console/");
        self.get("/console/").await
    }
}

async fn account(app: &TestApp, name: &str, role: &str) {
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/users",
            &json!({"name": name, "role": role, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_gives_a_strict_session_cookie_and_signing_out_ends_it() {
    let app = spawn_app_at(december()).await;
    account(&app, "clerk9", "clerk").await;
    let mut b = Browser::new(&app);

    // `/` and every page lead a stranger to the sign-in page, which comes back after.
    let home = b.get("/").await;
    assert_eq!((home.status, home.location()), (303, "/console/"));
    let today = b.get("/console/penalties?state=draft").await;
    assert_eq!(today.status, 303);
    assert_eq!(
        today.location(),
        "/console/login?next=%2Fconsole%2Fpenalties%3Fstate%3Ddraft"
    );

    // The sign-in page: labelled fields, its own form cookie, the console's headers.
    let login = b.get("/console/login").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("<label for=\"name\">账号名</label>"));
    assert!(login.body.contains("<html lang=\"zh-CN\""));
    let form_cookie = login.set_cookie("gongshi_sign_in").unwrap();
    assert!(form_cookie.contains("HttpOnly") && form_cookie.contains("SameSite=Strict"));
    let csp = login.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(login.headers["x-frame-options"], "DENY");
    assert_eq!(login.headers["cache-control"], "no-store");
    assert!(login.headers.get("access-control-allow-origin").is_none());

    // A sign-in posted without the page's token (another site's form) is refused.
    let forged = b
        .post(
            "/console/login",
            &[
                ("token", "0000"),
                ("name", "clerk9"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(forged.set_cookie("gongshi_session").is_none());

    // A wrong password: the same words as an unknown name, the name kept in its field.
    let login = b.get("/console/login").await;
    let token = login.input("token");
    let again = b.get("/console/login").await;
    assert_eq!(
        again.input("token"),
        token,
        "the form cookie stays while the browser has it"
    );
    let wrong = b
        .post(
            "/console/login",
            &[
                ("token", &token),
                ("name", "clerk9"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("账号名或密码错误"));
    assert!(wrong.body.contains("value=\"clerk9\""));
    assert!(wrong.body.contains("aria-describedby=\"login-error\""));

    // The right one: a session cookie, HttpOnly and SameSite=Strict, and back where asked.
    let ok = b
        .post(
            "/console/login",
            &[
                ("token", &token),
                ("next", "/console/penalties"),
                ("name", "clerk9"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!((ok.status, ok.location()), (303, "/console/penalties"));
    let session = ok.set_cookie("gongshi_session").unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(session.contains(attr), "{session}");
    }
    assert!(!session.contains("Secure"), "plain HTTP: no Secure");
    let page = b.get("/console/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("今日待办"));
    assert!(page.body.contains("clerk9（经办人）"), "{}", page.body);

    // Signing out needs the session's CSRF token; without it nothing happens.
    let stale = b.post("/console/logout", &[("csrf", "x")]).await;
    assert_eq!(stale.status, 403);
    assert!(stale.body.contains("页面已过期"));
    assert_eq!(b.get("/console/").await.status, 200);
    let csrf = page.input("csrf");
    let out = b.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!((out.status, out.location()), (303, "/console/login"));
    assert!(out
        .set_cookie("gongshi_session")
        .unwrap()
        .contains("Max-Age=0"));
    // The old cookie is dead on the server too, not only forgotten by this browser.
    let old = session.split(';').next().unwrap().to_string();
    let res = b
        .client
        .get(app.url("/console/"))
        .header("cookie", old)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // Both were audited as the console's sign-in and sign-out.
    let actions: Vec<String> = app
        .audit_records()
        .await
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"console.sign_in".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"console.sign_out".to_string()),
        "{actions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_tls_the_session_cookie_is_secure() {
    let app = spawn_app_at(december()).await;
    account(&app, "clerk9", "clerk").await;
    let b = Browser::new(&app);
    let res = b
        .client
        .get(app.url("/console/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let c: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        c.iter()
            .any(|c| c.starts_with("gongshi_sign_in=") && c.ends_with("; Secure")),
        "{c:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_when_idle_an_hour_at_twelve_hours_and_when_its_account_is_disabled() {
    let start = shanghai(2026, 12, 1, 8, 0, 0);
    let app = spawn_app_at(start).await;
    account(&app, "clerk8", "clerk").await;
    account(&app, "clerk9", "clerk").await;

    // Disabled by an admin: refused at the next request.
    let mut b = Browser::new(&app);
    assert_eq!(b.sign_in("clerk9").await.status, 200);
    let user = app.find_user("clerk9").await;
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/users/{}", user["id"]),
            &json!({"version": user["version"], "active": false}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let page = b.get("/console/penalties").await;
    assert_eq!(page.status, 303);
    assert!(page.location().starts_with("/console/login"));

    // Used every 50 minutes, a session lives; at 12 hours it ends however busy.
    let mut b = Browser::new(&app);
    assert_eq!(b.sign_in("clerk8").await.status, 200);
    let mut at = start;
    for _ in 0..15 {
        at += chrono::Duration::minutes(50);
        app.clock().set(at).unwrap();
        let page = b.get("/console/").await;
        let alive = at - start < chrono::Duration::hours(12);
        assert_eq!(page.status == 200, alive, "at {at}: {}", page.status);
    }

    // Idle for more than an hour: ended.
    assert_eq!(b.sign_in("clerk8").await.status, 200);
    at += chrono::Duration::minutes(59);
    app.clock().set(at).unwrap();
    assert_eq!(b.get("/console/").await.status, 200);
    at += chrono::Duration::minutes(61);
    app.clock().set(at).unwrap();
    assert_eq!(b.get("/console/").await.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_submits_and_a_reviewer_previews_approves_and_publishes_from_the_console() {
    let app = spawn_app_at(december()).await;
    let bureau = bureau(&app).await;
    let d = draft(&app, &bureau, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    let number = d["decision_number"].as_str().unwrap().to_string();
    let record = format!("/console/penalties/{id}");

    // The clerk sees the draft on the Today page and may submit or discard it, never approve.
    let mut clerk = Browser::new(&app);
    let today = clerk.sign_in("clerk1").await;
    assert!(today.body.contains(&number), "{}", today.body);
    assert!(today.body.contains("我的草稿"));
    let page = clerk.get(&record).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("action=\"{record}/submit\"")));
    assert!(page.body.contains(&format!("action=\"{record}/discard\"")));
    assert!(!page.body.contains(&format!("action=\"{record}/approve\"")));
    // Staff see the private fields on their own page, marked as not published.
    assert!(page.body.contains(ID_NUMBER) && page.body.contains("内部信息（不公示）"));

    // A form without the session's CSRF token changes nothing.
    let version = page.input("version");
    let forged = clerk
        .post(
            &format!("{record}/submit"),
            &[("csrf", "forged"), ("version", &version)],
        )
        .await;
    assert_eq!(forged.status, 403);
    let api: Value = app
        .get_as(&bureau.clerk, &format!("/api/v1/penalties/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["state"], "draft");

    let csrf = page.input("csrf");
    let done = clerk
        .post(
            &format!("{record}/submit"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(
        (done.status, done.location()),
        (303, format!("{record}?done=submit").as_str())
    );
    let page = clerk.get(&format!("{record}?done=submit")).await;
    assert!(page.body.contains("已提交审核。"), "{}", page.body);
    assert!(page.body.contains("待审核"));
    // The history says who did what.
    assert!(page.body.contains("clerk1") && page.body.contains("提交审核"));

    // The reviewer: the submission waits on the Today page; approve and reject are offered.
    let mut reviewer = Browser::new(&app);
    let today = reviewer.sign_in("reviewer1").await;
    assert!(today.body.contains(&number));
    let page = reviewer.get(&record).await;
    assert!(page.body.contains(&format!("action=\"{record}/approve\"")));
    assert!(page.body.contains(&format!("action=\"{record}/reject\"")));

    // The preview is the public view: the name masked, no ID number, address or notes.
    let preview = reviewer.get(&format!("{record}/preview")).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("欧阳**"), "{}", preview.body);
    for private in [
        ID_NUMBER,
        ADDRESS,
        FULL_NAME,
        "内部备注：",
        "64010020260001",
    ] {
        assert!(
            !preview.body.contains(private),
            "the preview shows {private}"
        );
    }

    // A stale version is refused with the API's words, and nothing changes.
    let csrf = page.input("csrf");
    let stale = reviewer
        .post(
            &format!("{record}/approve"),
            &[("csrf", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale.body.contains("已被他人修改") || stale.body.contains("版本"),
        "{}",
        stale.body
    );

    let version = page.input("version");
    let approved = reviewer
        .post(
            &format!("{record}/approve"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let page = reviewer.get(&record).await;
    assert!(page.body.contains(&format!("action=\"{record}/publish\"")));
    let version = page.input("version");
    let published = reviewer
        .post(
            &format!("{record}/publish"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);

    // The public API shows it, as the preview said.
    let public: Value = app
        .get("/api/v1/public/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["items"][0]["decision_number"], number.as_str());
    assert_eq!(public["items"][0]["party_name"], "欧阳**");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_step_shows_its_error_next_to_the_field_and_keeps_what_was_typed() {
    let app = spawn_app_at(december()).await;
    let bureau = bureau(&app).await;
    let d = draft(&app, &bureau, &natural_person("2026-11-27")).await;
    let id = d["id"].as_i64().unwrap();
    ok_step(
        &app,
        &bureau.clerk,
        id,
        "submit",
        json!({"version": d["version"]}),
    )
    .await;
    let record = format!("/console/penalties/{id}");
    let mut reviewer = Browser::new(&app);
    reviewer.sign_in("reviewer1").await;
    let page = reviewer.get(&record).await;
    let (csrf, version) = (page.input("csrf"), page.input("version"));
    // Reject without a reason: the reason's error is tied to its field.
    let refused = reviewer
        .post(
            &format!("{record}/reject"),
            &[("csrf", &csrf), ("version", &version), ("reason", "  ")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("aria-describedby=\"reject-reason-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"reject-reason-error\""));
    // Still submitted.
    assert!(refused.body.contains("待审核"));
    let ok = reviewer
        .post(
            &format!("{record}/reject"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("reason", "事实部分请补充证据"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    // The clerk sees the reason on the Today page.
    let mut clerk = Browser::new(&app);
    let today = clerk.sign_in("clerk1").await;
    assert!(today.body.contains("事实部分请补充证据"), "{}", today.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_large_text_switch_is_kept_per_browser_and_comes_back_only_to_the_console() {
    let app = spawn_app_at(december()).await;
    let mut b = Browser::new(&app);
    let on = b
        .get("/console/text-size?large=1&back=%2Fconsole%2Flogin")
        .await;
    assert_eq!((on.status, on.location()), (303, "/console/login"));
    assert!(on
        .set_cookie("gongshi_large_text")
        .unwrap()
        .contains("Max-Age=31536000"));
    let login = b.get("/console/login").await;
    assert!(login.body.contains("class=\"large-text\""));
    assert!(login.body.contains("标准字号"));
    let away = b
        .get("/console/text-size?large=0&back=https%3A%2F%2Fevil.example%2F")
        .await;
    assert_eq!(away.location(), "/console/");
    let login = b.get("/console/login").await;
    assert!(!login.body.contains("class=\"large-text\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_assets_are_versioned_files_and_pages_load_nothing_else() {
    let app = spawn_app_at(december()).await;
    let mut b = Browser::new(&app);
    let login = b.get("/console/login").await;
    for (name, media) in [
        ("console.css", "text/css"),
        ("console.js", "text/javascript"),
    ] {
        let at = login
            .body
            .find(&format!("/console/assets/{name}?v="))
            .unwrap_or_else(|| panic!("{name} is not linked"));
        let href = &login.body[at..];
        let href = &href[..href.find('"').unwrap()];
        let res = b.get(href).await;
        assert_eq!(res.status, 200);
        assert!(res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(media));
        assert!(res.headers.get("etag").is_some());
    }
    assert_eq!(b.get("/console/assets/other.js").await.status, 404);
    // No inline script or style, nothing from another site.
    assert!(!login.body.contains("<script>"));
    assert!(!login.body.contains("style="));
    assert!(!login.body.contains("http://") && !login.body.contains("https://"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_logs_a_decision_in_the_form_fixing_an_amount_the_form_named() {
    let app = spawn_app_at(december()).await;
    let bureau = bureau(&app).await;
    let mut clerk = Browser::new(&app);
    clerk.sign_in("clerk1").await;
    let list = clerk.get("/console/penalties").await;
    assert!(list.body.contains("href=\"/console/penalties/new\""));
    let form = clerk
        .get("/console/penalties/new?decision_date=2026-11-27")
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    // Only eligible officers are offered, with the deadline of the decision date.
    assert!(form.body.contains("value=\"64010020260001\""));
    assert!(form.body.contains("value=\"64010020260002\""));
    assert!(form.body.contains("公示期限：2026-12-08"), "{}", form.body);
    let csrf = form.input("csrf");
    let mut fields: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("authority_id", ""),
        ("party_kind", "natural_person"),
        ("party_name", FULL_NAME),
        ("party_id_type", "resident_id_card"),
        ("party_id_number", ID_NUMBER),
        ("party_address", ADDRESS),
        ("violation_type", "无证从事营业性演出"),
        (
            "facts",
            "当事人未取得营业性演出许可证，擅自举办营业性演出。",
        ),
        ("legal_basis", "《营业性演出管理条例》第四十三条"),
        ("penalty_types", "fine"),
        ("content", "罚款人民币五千元"),
        ("fine_yuan", "5000元"),
        ("decision_date", "2026-11-27"),
        ("procedure", "ordinary"),
        ("case_officers", "64010020260001"),
        ("case_officers", "64010020260002"),
        ("internal_notes", "内部备注：现场检查两次"),
    ];
    let refused = clerk.post("/console/penalties", &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    // The amount's error in 元, next to its field; what was typed is kept.
    assert!(
        refused.body.contains("id=\"fine_yuan-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("不是以元为单位的金额"));
    assert!(refused.body.contains("aria-describedby=\"fine_yuan-error"));
    assert!(refused.body.contains(FULL_NAME) && refused.body.contains("现场检查两次"));
    // Nothing was written.
    let listed: Value = app
        .get_as(&bureau.clerk, "/api/v1/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    for f in fields.iter_mut() {
        if f.0 == "fine_yuan" {
            f.1 = "5,000";
        }
    }
    let saved = clerk.post("/console/penalties", &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let to = saved.location().to_string();
    assert!(to.ends_with("?done=created"), "{to}");
    let page = clerk.get(&to).await;
    assert!(page.body.contains("已保存为草稿"));
    assert!(page.body.contains("5,000"), "the fine is shown in 元");
    let listed: Value = app
        .get_as(&bureau.clerk, "/api/v1/penalties")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["fine_fen"], 500_000);
    assert_eq!(listed["items"][0]["created_by"], "clerk1");

    // The draft's page offers 修改草稿: the form comes back filled with what is stored.
    let id = listed["items"][0]["id"].as_i64().unwrap();
    assert!(page
        .body
        .contains(&format!("href=\"/console/penalties/{id}/edit\"")));
    let edit = clerk.get(&format!("/console/penalties/{id}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(edit.body.contains("修改草稿"));
    assert!(edit.body.contains("value=\"5000.00\""), "the fine in 元");
    assert!(edit.body.contains(FULL_NAME) && edit.body.contains("现场检查两次"));
    let version = edit.input("version");
    // Re-listing the officers for another date saves nothing and keeps what was typed.
    let mut changed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| *k != "internal_notes")
        .map(|&(k, v)| match k {
            "fine_yuan" => (k, "6000"),
            "content" => (k, "罚款人民币六千元"),
            _ => (k, v),
        })
        .collect();
    changed.push(("version", &version));
    changed.push(("internal_notes", ""));
    let mut refresh = changed.clone();
    refresh.push(("refresh", "1"));
    let relisted = clerk
        .post(&format!("/console/penalties/{id}/edit"), &refresh)
        .await;
    assert_eq!(relisted.status, 200, "{}", relisted.body);
    assert!(
        relisted.body.contains("value=\"6000\""),
        "what was typed is kept"
    );
    assert!(relisted.body.contains("value=\"64010020260001\""));
    // Saving: the fine changes and the cleared note is gone.
    let saved = clerk
        .post(&format!("/console/penalties/{id}/edit"), &changed)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(saved.location().ends_with("?done=saved"));
    let stored: Value = app
        .get_as(&bureau.clerk, &format!("/api/v1/penalties/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["fine_fen"], 600_000, "{stored}");
    assert!(stored["internal_notes"].is_null(), "{stored}");
    assert_eq!(stored["version"], 2);
    // The same form again, on the old version: refused, nothing changed.
    let stale = clerk
        .post(&format!("/console/penalties/{id}/edit"), &changed)
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    // Once submitted, it is no longer a draft to change here.
    let page = clerk.get(&format!("/console/penalties/{id}")).await;
    let submitted = clerk
        .post(
            &format!("/console/penalties/{id}/submit"),
            &[("csrf", &csrf), ("version", &page.input("version"))],
        )
        .await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let page = clerk.get(&format!("/console/penalties/{id}")).await;
    assert!(!page.body.contains(&format!("/console/penalties/{id}/edit")));
    let edit = clerk.get(&format!("/console/penalties/{id}/edit")).await;
    assert_eq!(edit.status, 409);
    assert!(edit.body.contains("只有草稿可以修改"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_looks_the_party_up_and_offers_no_officer_who_declared_a_conflict_with_it() {
    let app = spawn_app_at(december()).await;
    bureau(&app).await;
    let code = crate::helpers::credit_code("640104", 77);
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": code, "name": "银川星光网吧", "category": "互联网上网服务营业场所",
                    "district": "640104", "legal_representative": "马明"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let roster: Value = app
        .get_as(&app.admin_token, "/api/v1/inspectors")
        .await
        .json()
        .await
        .unwrap();
    let first = roster["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["certificate_no"] == "64010020260001")
        .unwrap()
        .clone();
    let res = app
        .post_json(
            Some(&app.admin_token),
            &format!("/api/v1/inspectors/{}/conflicts", first["id"]),
            &json!({"credit_code": code, "reason": "其配偶任该网吧股东"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

    let mut clerk = Browser::new(&app);
    clerk.sign_in("clerk1").await;
    // Looked up by part of its name: offered with a link that fills the form.
    let found = clerk
        .get("/console/penalties/new?party=%E6%98%9F%E5%85%89")
        .await;
    assert!(
        found
            .body
            .contains(&format!("/console/penalties/new?credit_code={code}")),
        "{}",
        found.body
    );
    let form = clerk
        .get(&format!("/console/penalties/new?credit_code={code}"))
        .await;
    assert!(
        form.body.contains("value=\"银川星光网吧\""),
        "the name is filled in"
    );
    assert!(
        form.body.contains("value=\"马明\""),
        "the legal representative is filled in"
    );
    // The officer with the 回避 is not offered for this party; the other one is.
    assert!(
        !form.body.contains("value=\"64010020260001\""),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"64010020260002\""));
    // Without the party, both are.
    let open = clerk.get("/console/penalties/new").await;
    assert!(open.body.contains("value=\"64010020260001\""));
}

/// How many decisions the staff list holds.
async fn decisions(app: &TestApp, token: &str) -> usize {
    let list: Value = app
        .get_as(token, "/api/v1/penalties?limit=100")
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().len()
}

/// A 双公示 file as Excel saves one in a Chinese locale (GBK), with a bad amount on line 3.
fn gbk_file(bad_amount: bool) -> Vec<u8> {
    let mut csv = String::from(
        "行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,法定代表人,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额（万元）,处罚决定日期\r\n",
    );
    for i in 1..=3 {
        let fine = if bad_amount && i == 2 {
            "三千"
        } else {
            "0.3"
        };
        csv.push_str(&format!(
            "银川星光{i}网吧,法人及非法人组织,{code},王五,银文旅罚〔2026〕9{i}号,违规经营,经查,《互联网上网服务营业场所管理条例》,罚款,罚款,{fine},2026-11-2{i}\r\n",
            code = crate::helpers::credit_code("640104", 40 + i as u32),
        ));
    }
    encoding_rs::GBK.encode(&csv).0.into_owned()
}

/// Issue 28: a clerk imports a 双公示 file Excel wrote (GBK) in the console: the check shows
/// every bad row in a table and writes nothing; a fixed file's check shows what the import will
/// do; importing it submits its decisions for review; the kept file is imported once only, and
/// only by the session that uploaded it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_checks_a_gbk_file_sees_its_bad_row_then_imports_it_for_review() {
    let app = spawn_app_at(december()).await;
    let bureau = bureau(&app).await;
    let mut clerk = Browser::new(&app);
    clerk.sign_in("clerk1").await;
    let page = clerk.get("/console/penalties/import").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        !page.body.contains("name=\"already_published\""),
        "a clerk cannot import decisions as published"
    );
    let csrf = page.input("csrf");

    // Without the session's CSRF token: refused, nothing kept.
    let forged = clerk
        .upload(
            "/console/penalties/import",
            &[("csrf", "forged")],
            "x.csv",
            &gbk_file(false),
        )
        .await;
    assert_eq!(forged.status, 403);

    let checked = clerk
        .upload(
            "/console/penalties/import",
            &[("csrf", &csrf)],
            "处罚.csv",
            &gbk_file(true),
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(
        checked.body.contains("GBK"),
        "the encoding Excel used is named"
    );
    assert!(
        checked
            .body
            .contains("<tr><td>3</td><td>罚款金额（万元）</td>"),
        "{}",
        checked.body
    );
    assert!(checked
        .body
        .contains("跳过上表中有错误的 1 行，只导入其余 2 行"));
    assert_eq!(
        decisions(&app, &bureau.clerk).await,
        0,
        "a check writes nothing"
    );

    // The fixed file: the check says three new decisions; importing submits them for review.
    let checked = clerk
        .upload(
            "/console/penalties/import",
            &[("csrf", &csrf)],
            "处罚.csv",
            &gbk_file(false),
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(
        checked
            .body
            .contains("<tr><th scope=\"row\">新增</th><td>3</td></tr>"),
        "{}",
        checked.body
    );
    let at = checked
        .body
        .find("action=\"/console/penalties/import/")
        .unwrap();
    let rest = &checked.body[at + 8..];
    let action = rest[..rest.find('"').unwrap()].to_string();

    // Another session cannot import this clerk's upload.
    let mut other = Browser::new(&app);
    let other_page = other.sign_in("clerk1").await;
    assert_eq!(other_page.status, 200);
    let other_csrf = other.get("/console/penalties/import").await.input("csrf");
    let stolen = other.post(&action, &[("csrf", &other_csrf)]).await;
    assert!(stolen.body.contains("请重新选择文件"), "{}", stolen.body);
    assert_eq!(decisions(&app, &bureau.clerk).await, 0);

    let done = clerk.post(&action, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("新增 3 条"), "{}", done.body);
    assert!(done.body.contains("已提交审核"));
    let list: Value = app
        .get_as(&bureau.clerk, "/api/v1/penalties?state=submitted&limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3, "{list}");
    assert_eq!(
        list["items"][0]["party_name"], "银川星光3网吧",
        "newest date first"
    );
    // Imported once: the kept file is gone.
    let again = clerk.post(&action, &[("csrf", &csrf)]).await;
    assert!(again.body.contains("这份文件已经导入"), "{}", again.body);
    assert_eq!(decisions(&app, &bureau.clerk).await, 3);
    app.stop().await;
}

/// Issue 29, first slice: the directory in the console: a two-character search finds the entity
/// (a whole credit code too), a one-character one is refused next to the box in Chinese, and
/// the entity's page shows its fields and its history (who changed what).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_find_an_entity_by_part_of_its_name_and_read_its_fields_and_history() {
    let app = spawn_app_at(december()).await;
    bureau(&app).await;
    let code = crate::helpers::credit_code("640104", 78);
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": code, "name": "银川月光歌舞厅", "category": "歌舞娱乐场所",
                    "district": "640104", "legal_representative": "马明", "address": "兴庆区某路2号"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let res = app
        .patch_json(
            &app.admin_token,
            &format!("/api/v1/entities/{code}"),
            &json!({"version": 1, "legal_representative": "马亮"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let mut clerk = Browser::new(&app);
    clerk.sign_in("clerk1").await;
    let empty = clerk.get("/console/entities").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("aria-current=\"page\">市场主体名录"));
    let found = clerk.get("/console/entities?q=%E6%9C%88%E5%85%89").await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert!(found.body.contains(&format!(
        "<a href=\"/console/entities/{code}\">银川月光歌舞厅</a>"
    )));
    let by_code = clerk.get(&format!("/console/entities?q={code}")).await;
    assert!(by_code.body.contains("银川月光歌舞厅"), "{}", by_code.body);
    let nothing = clerk.get("/console/entities?q=%E6%97%A5%E5%85%89").await;
    assert!(nothing.body.contains("没有符合条件的市场主体"));
    let bad = clerk.get("/console/entities?district=64").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"filter-errors\""));

    let page = clerk.get(&format!("/console/entities/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<dd>马亮</dd>") && page.body.contains("歌舞娱乐场所"));
    assert!(page.body.contains("兴庆区某路2号"));
    // The history: the creation and the change, with who made them.
    assert!(page.body.matches("<tr><td>").count() >= 2, "{}", page.body);
    assert!(page.body.contains("admin"));
    let missing = clerk
        .get(&format!(
            "/console/entities/{}",
            crate::helpers::credit_code("640104", 79)
        ))
        .await;
    assert_eq!(missing.status, 404);
    app.stop().await;
}

/// Issue 29: the roster in the console (admin only): a certificate ending within 30 days is said
/// so with its days left, an expired one as expired; an inspector's page shows the private
/// fields marked 不公示 and the 回避 declarations with their reasons, a removed one as removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sees_certificates_ending_soon_and_an_inspectors_conflicts() {
    let app = spawn_app_at(december()).await;
    bureau(&app).await;
    account(&app, "admin1", "admin").await;
    let add = |no: &'static str, to: &'static str| {
        let app = &app;
        async move {
            let res = app
                .post_json(
                    Some(&app.admin_token),
                    "/api/v1/inspectors",
                    &json!({"name": "周敏", "certificate_no": no,
                            "certificate_valid_from": "2024-01-01", "certificate_valid_to": to,
                            "unit": "第二大队", "fields": ["网吧"], "id_number": ID_NUMBER,
                            "phone": "13800001234"}),
                )
                .await;
            assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
            res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let soon = add("64010020269001", "2026-12-11").await;
    add("64010020269002", "2026-11-30").await;
    let code = crate::helpers::credit_code("640104", 80);
    let res = app
        .post_json(
            Some(&app.admin_token),
            "/api/v1/entities",
            &json!({"credit_code": code, "name": "银川星河网吧", "category": "互联网上网服务营业场所",
                    "district": "640104"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let res = app
        .post_json(
            Some(&app.admin_token),
            &format!("/api/v1/inspectors/{soon}/conflicts"),
            &json!({"credit_code": code, "reason": "其兄为该场所股东"}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

    // A clerk is not offered the roster and is refused it.
    let mut clerk = Browser::new(&app);
    let today = clerk.sign_in("clerk1").await;
    assert!(!today.body.contains("/console/inspectors"));
    assert_eq!(clerk.get("/console/inspectors").await.status, 403);

    let mut admin = Browser::new(&app);
    let today = admin.sign_in("admin1").await;
    assert!(today.body.contains("href=\"/console/inspectors\""));
    let list = admin.get("/console/inspectors").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains("在岗；执法证 10 天后到期（2026-12-11）"),
        "{}",
        list.body
    );
    assert!(list.body.contains("执法证已过期"));
    let page = admin.get(&format!("/console/inspectors/{soon}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("内部信息（不公示）") && page.body.contains(ID_NUMBER));
    assert!(page.body.contains(&format!("市场主体 {code}")));
    assert!(page.body.contains("其兄为该场所股东") && page.body.contains("<td>有效</td>"));
    assert!(page.body.contains("变更记录"));
    app.stop().await;
}

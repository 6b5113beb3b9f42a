//! The pages over HTTP, without a browser: sessions, CSRF, and every page handler's scope —
//! the same rules as the API (R-WEB, R-AUTHZ).

use crate::helpers::{PASSWORD, TestApp, evidence};
use chrono::Duration;
use reqwest::{StatusCode, header};
use serde_json::json;

/// A browser-like client: no redirects followed, cookies kept by hand.
pub struct Web<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: Vec<(String, String)>,
    pub csrf: String,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: header::HeaderMap,
    pub body: String,
}

fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(body[at..at + 64].to_owned())
}

impl<'a> Web<'a> {
    pub async fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut me = Self {
            app,
            client,
            cookies: vec![],
            csrf: String::new(),
        };
        let p = me.get("/login").await;
        me.csrf = csrf_in(&p.body).expect("the login form carries a CSRF token");
        me
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, resp: reqwest::Response) -> Page {
        for c in resp.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let page = Page {
            status: resp.status(),
            location: resp
                .headers()
                .get(header::LOCATION)
                .map(|l| l.to_str().unwrap().to_owned()),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap(),
        };
        if let Some(t) = csrf_in(&page.body) {
            self.csrf = t;
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .client
            .get(self.app.url(path))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(resp).await
    }

    /// A form POST with the CSRF token and this host as its origin.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        let csrf = self.csrf.clone();
        pairs.push(("csrf", &csrf));
        self.post_raw(path, &pairs, Some(&self.app.base.clone())).await
    }

    pub async fn post_raw(&mut self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = self
            .client
            .post(self.app.url(path))
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let resp = req.send().await.unwrap();
        self.finish(resp).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        self.post(
            "/login",
            &[("username", username), ("password", password), ("next", "/home")],
        )
        .await
    }

    pub fn session(&self) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k == "zhihui_session")
            .map(|(_, v)| v.clone())
    }

    /// A multipart POST from this host, the CSRF token in `?csrf=` (as upload forms carry it)
    /// unless `csrf` is false; `file` is `(field, file name, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        texts: &[(&str, &str)],
        file: Option<(&str, &str, Vec<u8>)>,
        csrf: bool,
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in texts {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, filename, bytes)) = file {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(filename.to_owned())
                .mime_str("application/octet-stream")
                .unwrap();
            form = form.part(name.to_owned(), part);
        }
        let url = if csrf {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}csrf={}", self.csrf)
        } else {
            path.to_owned()
        };
        let resp = self
            .client
            .post(self.app.url(&url))
            .header(header::COOKIE, self.cookie_header())
            .header(header::ORIGIN, self.app.base.clone())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.finish(resp).await
    }
}

pub async fn user(app: &TestApp, name: &str, role: &str, unit: Option<i64>, team: Option<i64>) {
    let (s, v) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"username": name, "password": PASSWORD, "display_name": name, "role": role,
                   "unit_id": unit, "team_id": team}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

pub async fn logged_in<'a>(app: &'a TestApp, name: &str) -> Web<'a> {
    let mut w = Web::new(app).await;
    let p = w.login(name, PASSWORD).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // The token follows the session: read it from a page of the new session.
    assert_eq!(w.get("/home").await.status, StatusCode::OK);
    w
}

/// R-WEB: pages answer in Chinese, with the CSP that forbids inline and foreign scripts.
#[tokio::test]
async fn pages_are_zh_cn_with_a_strict_content_security_policy() {
    let app = TestApp::spawn().await;
    let mut w = Web::new(&app).await;
    let p = w.get("/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("<html lang=\"zh-CN\">"));
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(!p.body.contains("<script>"), "no inline script");
    let missing = w.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("页面不存在") && missing.body.contains("返回首页"));
}

/// Assets are embedded and served at a content-hashed URL with a year-long immutable cache.
#[tokio::test]
async fn assets_have_hashed_urls_and_a_long_cache() {
    let app = TestApp::spawn().await;
    let mut w = Web::new(&app).await;
    let page = w.get("/login").await;
    for marker in ["/assets/app.", "/assets/htmx."] {
        let at = page.body.find(marker).expect("the page links its asset");
        let url = &page.body[at..at + page.body[at..].find('"').unwrap()];
        let a = w.get(url).await;
        assert_eq!(a.status, StatusCode::OK, "{url}");
        assert_eq!(a.headers["cache-control"], "public, max-age=31536000, immutable");
    }
    assert_eq!(
        w.get("/assets/app.00000000.css").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The page session is an API session: same token rows, logout revokes it everywhere.
#[tokio::test]
async fn a_page_session_is_an_api_session_and_logout_revokes_it() {
    let app = TestApp::spawn().await;
    user(&app, "staff_a", "finance", None, None).await;
    let mut w = Web::new(&app).await;
    assert_eq!(
        w.get("/home").await.location.as_deref(),
        Some("/login?next=%2Fhome")
    );
    let p = w.login("staff_a", PASSWORD).await;
    let cookie = p.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Secure"), "plain http without ZHIHUI_PUBLIC_URL");
    let token = w.session().unwrap();
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK);
    assert_eq!(w.get("/home").await.status, StatusCode::OK);
    let out = w.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED);
}

/// The page login is throttled like the API login (429 after repeated failures).
#[tokio::test]
async fn the_page_login_is_throttled() {
    let app = TestApp::spawn().await;
    let mut w = Web::new(&app).await;
    for _ in 0..5 {
        let p = w.login("admin", "wrong-password-9").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        assert!(p.body.contains("用户名或密码错误"));
    }
    let p = w.login("admin", "wrong-password-9").await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.body.contains("登录失败次数过多"));
    assert!(
        p.headers.contains_key("retry-after"),
        "R-THROTTLE: the page's 429 says when"
    );
}

/// R-WEB: a POST without the token, or from another origin, is the 403 page.
#[tokio::test]
async fn state_changing_requests_need_the_token_and_this_origin() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let team = app.create_team(unit).await;
    user(&app, "team_x", "team", None, Some(team)).await;
    let mut w = logged_in(&app, "team_x").await;
    let base = app.base.clone();
    let no_token = w.post_raw("/activities/new", &[("name", "x")], Some(&base)).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.body.contains("无权访问"));
    let csrf = w.csrf.clone();
    let foreign = w
        .post_raw(
            "/activities/new",
            &[("name", "x"), ("csrf", &csrf)],
            Some("http://evil.example"),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let wrong = w.post_raw("/logout", &[("csrf", &"0".repeat(64))], None).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let token = w.session().unwrap();
    assert_eq!(
        app.get("/api/v1/me", &token).await.0,
        StatusCode::OK,
        "still logged in"
    );
}

/// R-PREREG through the page: refused with the message under the field, input kept.
#[tokio::test]
async fn a_late_registration_keeps_the_form_and_names_the_field() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let team = app.create_team(unit).await;
    user(&app, "team_y", "team", None, Some(team)).await;
    let mut w = logged_in(&app, "team_y").await;
    let past = zhihui::web::format::input_time(app.now() - Duration::hours(1));
    let end = zhihui::web::format::input_time(app.now() + Duration::hours(1));
    let p = w
        .post(
            "/activities/new",
            &[
                ("name", "迟到的活动"),
                ("planned_start", &past),
                ("planned_end", &end),
                ("location", "和平区"),
                ("category", "科普报告"),
                ("leader_name", "李四"),
                ("leader_mobile", "13912345678"),
                ("task_content", "内容一"),
                ("task_target", "目标一"),
                ("task_content", "内容二"),
                ("task_target", "目标二"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("data-testid=\"error-planned_start\">活动计划开始时间已过")
    );
    assert!(p.body.contains("value=\"迟到的活动\"") && p.body.contains(">内容二</textarea>"));
    let (_, v) = app.get("/api/v1/activities", &app.admin).await;
    assert_eq!(v["total"], 0);
}

/// R-AUTHZ on every page handler: another team's activity, application and attachment are
/// the 404 page; a unit outside the chain sees nothing; roles that may not act get 403.
#[tokio::test]
async fn page_handlers_keep_the_api_scope() {
    let app = TestApp::spawn().await;
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    let cycle = app.open_cycle(year).await;
    let unit = app.create_unit("university", None).await;
    let other_unit = app.create_unit("university", None).await;
    let (_team, token, app_id) = app.draft_application(cycle, unit).await;
    let (s, v) = app
        .upload(&token, app_id, "summary", "活动总结.pdf", evidence::pdf())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .upload(&token, app_id, "photo", "照片.jpg", evidence::jpeg())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{app_id}/submit"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, acts) = app.get("/api/v1/activities", &token).await;
    let act = acts["items"][0]["id"].as_i64().unwrap();
    let (_, atts) = app
        .get(&format!("/api/v1/applications/{app_id}/attachments"), &token)
        .await;
    let att = atts["items"][0]["id"].as_i64().unwrap();
    let other_team = app.create_team(unit).await;
    user(&app, "team_other", "team", None, Some(other_team)).await;
    user(&app, "unit_own", "unit", Some(unit), None).await;
    user(&app, "unit_far", "unit", Some(other_unit), None).await;

    let mut stranger = logged_in(&app, "team_other").await;
    for path in [
        format!("/applications/{app_id}"),
        format!("/applications/{app_id}/edit"),
        format!("/activities/{act}"),
        format!("/activities/{act}/report"),
        format!("/attachments/{att}"),
        format!("/applications/{app_id}/form.docx"),
        format!("/activities/{act}/form.docx"),
    ] {
        let p = stranger.get(&path).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!p.body.contains("社区科普进万家"), "{path}");
    }
    let p = stranger
        .post(&format!("/applications/{app_id}/submit"), &[])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let p = stranger.post(&format!("/activities/{act}/cancel"), &[]).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    let mut far = logged_in(&app, "unit_far").await;
    assert_eq!(
        far.get(&format!("/applications/{app_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let p = far
        .post(
            &format!("/applications/{app_id}/opinion"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!far.get("/review").await.body.contains("社区科普进万家"));
    assert_eq!(far.get("/activities/new").await.status, StatusCode::FORBIDDEN);

    let mut own = logged_in(&app, "unit_own").await;
    let review = own.get("/review").await;
    assert!(review.body.contains("社区科普进万家"), "waiting for its opinion");
    assert!(review.body.contains("data-testid=\"pending-count\">1<"));
    let page = own.get(&format!("/applications/{app_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("6222 0202 0001 2345 678"),
        "R-PII: masked for the unit"
    );
    assert_eq!(
        own.get(&format!("/attachments/{att}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        own.get(&format!("/activities/{act}")).await.status,
        StatusCode::OK
    );
    // R-FORM: the unit downloads the forms it stamps, from the pages, through the same service.
    assert!(page.body.contains(&format!("/applications/{app_id}/form.docx")));
    for path in [
        format!("/applications/{app_id}/form.docx"),
        format!("/activities/{act}/form.docx"),
    ] {
        let p = own.get(&path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert_eq!(
            p.headers[header::CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "{path}"
        );
        assert!(p.body.starts_with("PK"), "{path}: a zip package");
    }
    assert_eq!(own.get("/application").await.status, StatusCode::FORBIDDEN);
    let p = own
        .post(
            &format!("/applications/{app_id}/opinion"),
            &[("decision", "return")],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs a comment"
    );
    assert!(p.body.contains("退回或不予推荐时请说明理由"));
    let p = own
        .post(
            &format!("/applications/{app_id}/opinion"),
            &[("decision", "approve"), ("comment", "同意")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, v) = app
        .get(&format!("/api/v1/applications/{app_id}"), &app.admin)
        .await;
    assert_eq!(v["status"], "unit_approved");
}

pub async fn admin_web(app: &TestApp) -> Web<'_> {
    let mut w = Web::new(app).await;
    let (name, password) = crate::helpers::ADMIN;
    assert_eq!(w.login(name, password).await.status, StatusCode::SEE_OTHER);
    assert_eq!(w.get("/home").await.status, StatusCode::OK);
    w
}

/// R-AUTHZ on the association's pages: a team, an expert or finance opening them gets the
/// 403 page; finance opening an application and an expert opening one not assigned to them get
/// the 404 page, without its content.
#[tokio::test]
async fn admin_pages_and_applications_keep_their_roles() {
    let app = TestApp::spawn().await;
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    let cycle = app.open_cycle(year).await;
    let unit = app.create_unit("university", None).await;
    let (team, _token, app_id) = app.submitted_application(cycle, unit).await;
    user(&app, "team_t", "team", None, Some(team)).await;
    user(&app, "expert_e", "expert", Some(unit), None).await;
    user(&app, "finance_f", "finance", None, None).await;
    let admin_pages = [
        "/admin/units".to_owned(),
        "/admin/teams".to_owned(),
        "/admin/users".to_owned(),
        "/admin/cycles".to_owned(),
        "/admin/cycles/new".to_owned(),
        format!("/admin/cycles/{cycle}"),
        format!("/admin/cycles/{cycle}/step?to=close"),
    ];
    for who in ["team_t", "expert_e", "finance_f"] {
        let mut w = logged_in(&app, who).await;
        for path in &admin_pages {
            let p = w.get(path).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who} {path}");
            assert!(p.body.contains("无权访问"), "{who} {path}");
        }
        let p = w
            .post("/admin/units", &[("name", "冒名单位"), ("kind", "other")])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
        let p = w
            .post(&format!("/admin/cycles/{cycle}/step"), &[("to", "close")])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{who}");
    }
    let (_, v) = app.get(&format!("/api/v1/cycles/{cycle}"), &app.admin).await;
    assert_eq!(v["status"], "open", "nothing changed");
    let (_, v) = app.get("/api/v1/units", &app.admin).await;
    assert_eq!(v["total"], 1, "no unit created");
    for who in ["expert_e", "finance_f"] {
        let mut w = logged_in(&app, who).await;
        let p = w.get(&format!("/applications/{app_id}")).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{who}");
        assert!(!p.body.contains("社区科普进万家"), "{who}");
    }
}

/// The association sets up its organisations through the pages: a district, a unit under
/// it, a team, users; search and refused forms keep what was typed (R-WEB).
#[tokio::test]
async fn admin_sets_up_organisations_through_pages() {
    let app = TestApp::spawn().await;
    let mut w = admin_web(&app).await;
    let home = w.get("/home").await;
    for item in ["受理", "组织管理", "年度评审"] {
        assert!(home.body.contains(item), "{item} in the admin's menu");
    }
    let p = w
        .post("/admin/units", &[("name", "和平区科协"), ("kind", "district")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, v) = app.get("/api/v1/units", &app.admin).await;
    let district = v["items"][0]["id"].as_i64().unwrap().to_string();
    let p = w
        .post(
            "/admin/units",
            &[
                ("name", "沈阳理工学院"),
                ("kind", "university"),
                ("parent_id", &district),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // A district under a district is refused under its field, with the name kept.
    let p = w
        .post(
            "/admin/units",
            &[
                ("name", "皇姑区科协"),
                ("kind", "district"),
                ("parent_id", &district),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("data-testid=\"error-parent_id\">区县科协自身即为推荐单位")
    );
    assert!(p.body.contains("value=\"皇姑区科协\""));
    let list = w.get("/admin/units?q=%E7%90%86%E5%B7%A5").await;
    assert!(list.body.contains("沈阳理工学院") && list.body.contains("和平区科协"));
    assert!(list.body.contains("共 1 条"), "the search finds the one unit");
    let (_, v) = app.get("/api/v1/units", &app.admin).await;
    let unit = v["items"][1]["id"].as_i64().unwrap().to_string();
    let p = w
        .post(
            "/admin/teams",
            &[
                ("name", "理工科普服务队"),
                ("unit_id", &unit),
                ("founded_on", "2020-05-01"),
                ("volunteer_count", "30"),
                ("leader_name", "王五"),
                ("leader_mobile", "139123"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-testid=\"error-leader_mobile\""));
    let p = w
        .post(
            "/admin/teams",
            &[
                ("name", "理工科普服务队"),
                ("unit_id", &unit),
                ("founded_on", "2020-05-01"),
                ("volunteer_count", "30"),
                ("leader_name", "王五"),
                ("leader_mobile", "13912345678"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, v) = app.get("/api/v1/teams", &app.admin).await;
    let team = v["items"][0]["id"].as_i64().unwrap().to_string();
    let p = w
        .post(
            "/admin/users",
            &[
                ("username", "ligong_team"),
                ("display_name", "王五"),
                ("password", "short"),
                ("role", "team"),
                ("team_id", &team),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-testid=\"error-password\">密码强度不足："));
    assert!(
        !p.body.contains("value=\"short\""),
        "the password is never echoed"
    );
    let p = w
        .post(
            "/admin/users",
            &[
                ("username", "ligong_team"),
                ("display_name", "王五"),
                ("password", PASSWORD),
                ("role", "team"),
                ("team_id", &team),
                ("unit_id", &unit),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let users = w.get("/admin/users?q=ligong").await;
    assert!(users.body.contains("ligong_team") && users.body.contains("理工科普服务队"));
    let mut t = logged_in(&app, "ligong_team").await;
    assert!(t.get("/home").await.body.contains("服务队"));
}

/// 年度评审 through the pages: a cycle with tiers and a rubric (a bad rubric is refused under
/// the rubric editor), opened and closed after the confirmation that says what each step does.
#[tokio::test]
async fn admin_creates_opens_and_closes_a_cycle() {
    let app = TestApp::spawn().await;
    let mut w = admin_web(&app).await;
    let form = w.get("/admin/cycles/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("data-rubric-max") && form.body.contains("活动场次"));
    let open = zhihui::web::format::input_time(app.now() - Duration::hours(1));
    let close = zhihui::web::format::input_time(app.now() + Duration::days(30));
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    let year_s = year.to_string();
    let start = format!("{}-01-01", year - 1);
    let end = format!("{year}-12-31");
    let mut fields: Vec<(&str, &str)> = vec![
        ("year", &year_s),
        ("title", "年度评审"),
        ("applications_open_at", &open),
        ("applications_close_at", &close),
        ("activity_period_start", &start),
        ("activity_period_end", &end),
        ("min_award_score", "60"),
        ("reviewers_per_application", "2"),
        ("aggregation", "mean"),
        ("quota_first", "1"),
        ("subsidy_first", "10000"),
        ("quota_second", "2"),
        ("subsidy_second", "5000.00"),
        ("quota_third", "3"),
        ("subsidy_third", "2000"),
        ("crit_key", "sessions"),
        ("crit_name", "活动场次"),
        ("crit_max", "50"),
        ("crit_key", "sessions"),
        ("crit_name", "重复"),
        ("crit_max", "50"),
    ];
    let p = w.post("/admin/cycles/new", &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "duplicate key");
    assert!(p.body.contains("data-testid=\"error-rubric\""), "{}", p.body);
    assert!(p.body.contains("value=\"重复\""), "the rubric is kept");
    fields.truncate(fields.len() - 3);
    fields.extend([
        ("crit_key", "impact"),
        ("crit_name", "社会效益"),
        ("crit_max", "50"),
    ]);
    let p = w.post("/admin/cycles/new", &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let at = p.location.unwrap();
    let id = at.rsplit('/').next().unwrap().to_owned();
    let (_, v) = app.get(&format!("/api/v1/cycles/{id}"), &app.admin).await;
    assert_eq!(v["status"], "draft");
    assert_eq!(v["tiers"][1]["subsidy_fen"], 500_000);
    assert_eq!(v["rubric"].as_array().unwrap().len(), 2);
    let page = w.get(&at).await;
    assert!(page.body.contains("开放申报") && page.body.contains("value=\"社会效益\""));
    let confirm = w.get(&format!("{at}/step?to=open")).await;
    assert!(confirm.body.contains("除申报时间外"), "says what opening does");
    let p = w.post(&format!("{at}/step"), &[("to", "open")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // Open: only the window may move; the other inputs are disabled and not sent.
    let page = w.get(&at).await;
    assert!(page.body.contains("只能调整申报时间"));
    let later = zhihui::web::format::input_time(app.now() + Duration::days(40));
    let p = w
        .post(
            &at,
            &[("applications_open_at", &open), ("applications_close_at", &later)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let confirm = w.get(&format!("{at}/step?to=close")).await;
    assert!(confirm.body.contains("不再接受新的申报"));
    let p = w.post(&format!("{at}/step"), &[("to", "close")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, v) = app.get(&format!("/api/v1/cycles/{id}"), &app.admin).await;
    assert_eq!(v["status"], "reviewing");
    // Closing twice is refused with the reason on the confirmation page.
    let p = w.post(&format!("{at}/step"), &[("to", "close")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("当前状态下不能进行此操作"));
}

pub async fn user_id(app: &TestApp, username: &str) -> i64 {
    let (_, v) = app.get("/api/v1/users?per_page=100", &app.admin).await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .and_then(|u| u["id"].as_i64())
        .expect("the user exists")
}

/// 分配专家 and 评分 through the pages (R-COI, R-SCORE): the own-unit expert is greyed and a
/// manual assignment of them is refused with the reason; an infeasible automatic assignment
/// explains itself and writes nothing; the automatic one assigns two experts; an expert sees
/// their progress, scores beside the 申报书 (no bank account, no full mobile), a score over
/// the maximum stays in the form under its criterion; an unassigned expert gets the 404 page.
#[tokio::test]
async fn admin_assigns_experts_and_experts_score_through_pages() {
    use crate::review_seed::{ACCOUNT_NO, CycleSpec, TEAM_MOBILE};
    let app = TestApp::spawn().await;
    let cycle = app
        .seed_cycle(CycleSpec {
            reviewers: 2,
            ..Default::default()
        })
        .await;
    let unit_a = app.create_unit("university", None).await;
    let unit_b = app.create_unit("institute", None).await;
    let team = app.seed_team(unit_a).await;
    let app_id = app.seed_application(cycle, &team, 12, 300).await;
    user(&app, "exp_own", "expert", Some(unit_a), None).await;
    user(&app, "exp_b1", "expert", Some(unit_b), None).await;
    let own = user_id(&app, "exp_own").await;
    let b1 = user_id(&app, "exp_b1").await;
    let mut w = admin_web(&app).await;
    let grid_url = format!("/admin/cycles/{cycle}/assign");
    let grid = w.get(&grid_url).await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(
        grid.body
            .contains(&format!("class=\"conflict\" data-testid=\"cell-{app_id}-{own}\""))
    );
    // Only one expert without a conflict for two places: infeasible, nothing written.
    let p = w.post(&format!("{grid_url}/auto"), &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("未分配任何专家"), "{}", p.body);
    let (_, v) = app
        .get(&format!("/api/v1/assignments?cycle_id={cycle}"), &app.admin)
        .await;
    assert_eq!(v["total"], 0, "{v}");
    let own_s = own.to_string();
    let app_s = app_id.to_string();
    let p = w
        .post(
            &format!("{grid_url}/add"),
            &[("application_id", &app_s), ("expert_id", &own_s)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("须回避"));
    user(&app, "exp_b2", "expert", Some(unit_b), None).await;
    let p = w.post(&format!("{grid_url}/auto"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let grid = w.get(&grid_url).await;
    assert!(grid.body.contains(&format!("data-testid=\"load-{b1}\">1<")));
    assert!(
        grid.body
            .contains(&format!("class=\"assigned\" data-testid=\"cell-{app_id}-{b1}\""))
    );

    let mut stranger = logged_in(&app, "exp_own").await;
    let p = stranger.get(&format!("/my-reviews/{app_id}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!p.body.contains("社区科普项目"));

    let mut e = logged_in(&app, "exp_b1").await;
    let list = e.get("/my-reviews").await;
    assert!(list.body.contains("已评分 0 / 1"), "{}", list.body);
    let page = e.get(&format!("/my-reviews/{app_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("12 场") && page.body.contains("300 人次"));
    assert!(page.body.contains("满分 25.0") && page.body.contains("data-score-max"));
    for secret in [ACCOUNT_NO, TEAM_MOBILE] {
        assert!(
            !page.body.contains(secret),
            "R-PII: {secret} on the expert's page"
        );
    }
    let p = e
        .post(
            &format!("/my-reviews/{app_id}"),
            &[
                ("c_sessions", "26"),
                ("c_people_served", "20"),
                ("c_social_benefit", "25.5"),
                ("c_highlights_materials", "15"),
                ("comment", "材料翔实"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("data-testid=\"error-sessions\""), "{}", p.body);
    assert!(p.body.contains("value=\"25.5\"") && p.body.contains("材料翔实"));
    let p = e
        .post(
            &format!("/my-reviews/{app_id}"),
            &[
                ("c_sessions", "24"),
                ("c_people_served", "20"),
                ("c_social_benefit", "25.5"),
                ("c_highlights_materials", "15"),
                ("comment", "材料翔实"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(e.get("/my-reviews").await.body.contains("已评分 1 / 1"));
    let (_, v) = app
        .get(&format!("/api/v1/applications/{app_id}/scores"), &app.admin)
        .await;
    assert_eq!(v["items"][0]["total"], 84.5, "{v}");
    let grid = w.get(&grid_url).await;
    assert!(grid.body.contains("已评分"));
}

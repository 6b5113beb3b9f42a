//! The year of a team, its unit and its district through pages only, and the refusals a
//! browser must meet (R-WEB, R-AUTHZ, R-PREREG, R-SUBMIT, R-PII).

use crate::{
    harness::Browser,
    helpers::{PASSWORD, TestApp, evidence},
    review_seed::{ACCOUNT_NO, CycleSpec, Scenario, TEAM_MOBILE},
};
use chrono::Duration;
use fantoccini::Locator;
use serde_json::json;
use zhihui::web::format;

async fn make_user(app: &TestApp, username: &str, role: &str, unit: Option<i64>, team: Option<i64>) {
    let (s, v) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"username": username, "password": PASSWORD, "display_name": username,
                   "role": role, "unit_id": unit, "team_id": team}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{v}");
}

/// A district, a university under it, two teams of the university; users for all of them;
/// an open cycle.
struct World {
    unit_name: String,
    team_a: i64,
}

async fn world(app: &TestApp) -> World {
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let team_a = app.create_team(unit).await;
    let team_b = app.create_team(unit).await;
    make_user(app, "team_a", "team", None, Some(team_a)).await;
    make_user(app, "team_b", "team", None, Some(team_b)).await;
    make_user(app, "unit_u", "unit", Some(unit), None).await;
    make_user(app, "district_d", "district", Some(district), None).await;
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    app.open_cycle(year).await;
    World {
        unit_name: app.unit_name(unit).await,
        team_a,
    }
}

/// A datetime-local value `by` from the app's clock.
fn local(app: &TestApp, by: Duration) -> String {
    format::input_time(app.now() + by)
}

async fn fill_activity(b: &Browser, app: &TestApp, start_in: Duration) {
    b.fill("活动名称", "社区防灾减灾科普讲座").await;
    b.set("计划开始时间", &local(app, start_in)).await;
    b.set("计划结束时间", &local(app, start_in + Duration::hours(2)))
        .await;
    b.fill("地点", "沈北新区道义街道社区服务中心").await;
    b.choose("类别", "科普报告").await;
    b.fill("负责人", "李四").await;
    b.fill("手机", "13912345678").await;
}

async fn fill_nth(b: &Browser, label: &str, n: usize, value: &str) {
    let xpath = format!("(//label[normalize-space(text()[1])='{label}'])[{n}]");
    let l = b.wait_find(Locator::XPath(&xpath)).await;
    let id = l.attr("for").await.unwrap().unwrap();
    let el = b.client.find(Locator::Id(&id)).await.unwrap();
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

async fn click_label(b: &Browser, text: &str) {
    let xpath = format!("//label[starts-with(normalize-space(.), '{text}')]");
    b.wait_find(Locator::XPath(&xpath)).await.click().await.unwrap();
}

async fn upload(b: &Browser, kind: &str, path: &std::path::Path, name: &str) {
    b.choose("材料类型", kind).await;
    b.by_label("选择文件")
        .await
        .send_keys(&path.display().to_string())
        .await
        .unwrap();
    b.click("upload").await;
    b.wait_text(name).await;
}

fn application_id(path: &str) -> i64 {
    path.trim_start_matches("/applications/")
        .split(['/', '?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("not an application page: {path}"))
}

async fn give_opinion(b: &Browser, app_id: i64, decision: &str, comment: &str) {
    b.goto(&format!("/applications/{app_id}")).await;
    click_label(b, decision).await;
    b.fill("意见说明", comment).await;
    b.click("give-opinion").await;
    b.wait_find(Locator::Css("[data-testid='nothing-pending']")).await;
}

/// R-WEB, R-PREREG, R-REPORT, R-SUBMIT and the opinion chain, through pages only: a team
/// registers an activity with two tasks, is refused a late one (the message by the field,
/// its input kept), reports, writes its application counting the activity, uploads a PDF and
/// a photo (the progress reaches 100 %), watches the checklist turn green and submits; the
/// unit returns it with a comment; the team edits and resubmits; the unit and the district
/// approve.
#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn a_team_year_from_registration_to_the_district_recommendation() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let b = Browser::start(&app, "year").await;

    b.goto("/").await;
    b.shot("landing").await;
    b.login("team_a", PASSWORD).await;
    b.shot("team-home").await;

    // Register an activity with two tasks.
    b.goto("/activities/new").await;
    fill_activity(&b, &app, Duration::hours(1)).await;
    fill_nth(&b, "具体内容", 1, "讲解家庭应急避险知识").await;
    fill_nth(&b, "任务目标", 1, "覆盖居民100人").await;
    b.click("add-task").await;
    fill_nth(&b, "具体内容", 2, "发放防灾减灾宣传手册").await;
    fill_nth(&b, "任务目标", 2, "发放手册300册").await;
    b.shot("activity-form").await;
    b.click("save-activity").await;
    b.wait_text("已登记 · 待开展").await;
    b.wait_text("发放防灾减灾宣传手册").await;
    b.shot("activity-registered").await;
    let activity_path = b.path().await;

    // A registration after the planned start is refused, by the field, nothing lost.
    b.goto("/activities/new").await;
    fill_activity(&b, &app, Duration::hours(-1)).await;
    fill_nth(&b, "具体内容", 1, "补登的活动").await;
    fill_nth(&b, "任务目标", 1, "无").await;
    b.click("save-activity").await;
    let err = b.text_of("error-planned_start").await;
    assert!(err.contains("计划开始时间已过"), "{err}");
    let kept = b.by_label("活动名称").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("社区防灾减灾科普讲座"));
    b.shot("late-registration-refused").await;

    // Once started, report it.
    app.advance(Duration::hours(2));
    b.goto(&activity_path).await;
    b.click("report-link").await;
    b.fill("开展场次", "2").await;
    b.fill("服务对象人数", "130").await;
    b.fill("参与志愿者人数", "9").await;
    b.fill("情况简述", "两场讲座，居民反响良好").await;
    b.shot("report-form").await;
    b.click("save-report").await;
    b.wait_text("已填报").await;

    // The application, counting the activity.
    b.goto("/application").await;
    b.fill("项目名称", "社区防灾科普进万家").await;
    let count = b.text_of("name-count").await;
    assert_eq!(count, "9 / 20 字");
    b.fill("项目负责人", "张三").await;
    b.fill("职务/职称", "副教授").await;
    b.fill("联系电话", "024-88886666").await;
    b.fill("手机", "13812345678").await;
    b.fill("项目概述", "志愿者48人，全年讲座2场，服务居民130人。")
        .await;
    b.fill("活动亮点", "立足社区，常态开展。").await;
    b.fill("项目效益", "居民应急避险知识明显提升。").await;
    click_label(&b, "社区防灾减灾科普讲座").await;
    b.fill("开户银行", "中国工商银行沈阳北陵支行").await;
    b.fill("账号", "6222 0202 0001 2345 678").await;
    b.fill("户名", "沈阳某某公司").await;
    let warn = b.testid("account-name-warning").await;
    assert!(
        warn.is_displayed().await.unwrap(),
        "户名 ≠ unit name is flagged while typing"
    );
    b.fill("户名", &w.unit_name).await;
    assert!(!warn.is_displayed().await.unwrap());
    b.shot("application-form").await;
    b.click("save-application").await;
    b.wait_find(Locator::Css("[data-testid='checklist']")).await;
    let app_id = application_id(&b.path().await);
    assert!(!b.testids("check-no").await.is_empty(), "evidence still missing");
    assert!(!b.testid("submit-application").await.is_enabled().await.unwrap());
    b.shot("application-draft").await;

    // Evidence: a PDF summary (a few MB, so the upload reports progress) and a photo.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("活动总结.pdf");
    let mut bytes = evidence::pdf();
    bytes.extend(std::iter::repeat_n(b'%', 3 * 1024 * 1024));
    std::fs::write(&pdf, bytes).unwrap();
    let photo = dir.path().join("活动照片.png");
    std::fs::write(&photo, crate::png::bands(320, 200)).unwrap();
    upload(&b, "活动总结", &pdf, "活动总结.pdf").await;
    let progress = b
        .js("return document.body.getAttribute('data-upload-progress')")
        .await;
    assert_eq!(progress, json!("100"), "the upload's progress was shown");
    upload(&b, "活动图片", &photo, "活动照片.png").await;
    assert_eq!(b.testids("file").await.len(), 2);
    b.js("document.getElementById('evidence').scrollIntoView(); return true;")
        .await;
    b.shot("evidence").await;

    // The checklist is green; submit.
    b.goto(&format!("/applications/{app_id}")).await;
    assert!(b.testids("check-no").await.is_empty(), "{}", b.body_text().await);
    assert!(b.testid("submit-application").await.is_enabled().await.unwrap());
    b.shot("application-ready").await;
    b.click("submit-application").await;
    b.wait_text("已提交 · 待隶属单位意见").await;
    b.logout().await;

    // The unit returns it with a comment (a return without one is refused by the field).
    b.login("unit_u", PASSWORD).await;
    assert_eq!(b.text_of("pending-count").await, "1");
    b.shot("unit-pending").await;
    b.goto(&format!("/applications/{app_id}")).await;
    click_label(&b, "退回修改").await;
    b.click("give-opinion").await;
    let err = b.text_of("error-comment").await;
    assert!(err.contains("说明理由"), "{err}");
    b.shot("unit-opinion-refused").await;
    give_opinion(&b, app_id, "退回修改", "请补充活动照片说明").await;
    b.logout().await;

    // The team edits and resubmits.
    b.login("team_a", PASSWORD).await;
    b.goto(&format!("/applications/{app_id}")).await;
    b.wait_text("退回修改").await;
    b.wait_text("请补充活动照片说明").await;
    b.shot("team-returned").await;
    b.click("edit-application").await;
    b.fill("活动亮点", "立足社区，常态开展，照片见附件。").await;
    b.click("save-application").await;
    b.wait_find(Locator::Css("[data-testid='checklist']")).await;
    b.click("submit-application").await;
    b.wait_text("已提交 · 待隶属单位意见").await;
    b.logout().await;

    // The unit approves, then the district recommends.
    b.login("unit_u", PASSWORD).await;
    give_opinion(&b, app_id, "同意", "同意推荐").await;
    b.logout().await;
    b.login("district_d", PASSWORD).await;
    b.goto(&format!("/applications/{app_id}")).await;
    b.shot("district-opinion").await;
    give_opinion(&b, app_id, "同意", "同意推荐至市科协").await;
    b.goto(&format!("/applications/{app_id}")).await;
    b.wait_text("区县科协已推荐 · 待市科协审核").await;
    b.shot("district-approved").await;
    b.goto("/teams").await;
    b.shot("district-teams").await;

    let (_, v) = app
        .get(&format!("/api/v1/applications/{app_id}"), &app.admin)
        .await;
    assert_eq!(v["status"], "district_approved");
    assert_eq!(v["team_id"], w.team_a);
    b.close().await;
}

/// R-AUTHZ: another team's application is the 404 page, not its contents.
#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn a_team_cannot_open_another_teams_application() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let cycle = {
        let (_, v) = app.get("/api/v1/cycles", &app.admin).await;
        v["items"][0]["id"].as_i64().unwrap()
    };
    let token_a = app.login("team_a", PASSWORD).await;
    let (_, me) = app.get("/api/v1/me", &token_a).await;
    let team_a = me["user"]["team_id"].as_i64().unwrap();
    let act = app.reported_activity(&token_a, team_a, 2, 80).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token_a,
            app.application_body(team_a, &[act]),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{v}");
    let id = v["id"].as_i64().unwrap();

    let b = Browser::start(&app, "authz").await;
    b.login("team_b", PASSWORD).await;
    b.goto(&format!("/applications/{id}")).await;
    b.testid("error-page").await;
    let text = b.body_text().await;
    assert!(text.contains("页面不存在"), "{text}");
    assert!(
        !text.contains("社区科普进万家"),
        "nothing of the application shows"
    );
    b.shot("other-team-404").await;
    b.close().await;
}

/// R-WEB: a state-changing request without the CSRF token is refused (403 page) and
/// changes nothing.
#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn a_post_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let b = Browser::start(&app, "csrf").await;
    b.login("team_a", PASSWORD).await;
    b.goto("/activities").await;
    b.js(
        "var f = document.createElement('form'); f.method = 'post'; f.action = '/activities/new';\
          var i = document.createElement('input'); i.name = 'name'; i.value = '伪造的活动'; f.appendChild(i);\
          document.body.appendChild(f); f.submit(); return true;",
    )
    .await;
    b.testid("error-page").await;
    b.wait_text("无权访问").await;
    b.shot("csrf-refused").await;
    let token = app.login("team_a", PASSWORD).await;
    let (_, v) = app.get("/api/v1/activities", &token).await;
    assert_eq!(v["total"], 0, "nothing was registered");
    b.close().await;
}

/// R-PII: the public results page shows teams, units, projects, prizes and scores — no
/// names of people, phones or account numbers; anyone may object during publicity.
#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn the_public_results_page_shows_no_personal_data() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(3, 200), (2, 90)], 1).await;
    s.score(&app, &[&[88.0], &[75.5]]).await;
    app.rank(s.cycle).await;
    let (st, v) = app.publish(s.cycle, Duration::days(7)).await;
    assert_eq!(st.as_u16(), 200, "{v}");

    let b = Browser::start(&app, "public").await;
    b.goto("/").await;
    b.click_text(&{
        let (_, c) = app.get(&format!("/api/v1/cycles/{}", s.cycle), &app.admin).await;
        c["title"].as_str().unwrap().to_owned()
    })
    .await;
    b.testid("public-results").await;
    let text = b.body_text().await;
    assert!(text.contains("一等奖") && text.contains("88.00"), "{text}");
    for secret in [ACCOUNT_NO, "6222", TEAM_MOBILE, "13812345678", "张三"] {
        assert!(!text.contains(secret), "{secret} must not be public:\n{text}");
    }
    let html = b.client.source().await.unwrap();
    assert!(!html.contains(ACCOUNT_NO) && !html.contains(TEAM_MOBILE));
    b.shot("public-results").await;

    b.choose("异议项目", &{
        let first = b
            .client
            .find(Locator::Css("#application_id option:nth-child(2)"))
            .await
            .unwrap();
        first.text().await.unwrap()
    })
    .await;
    b.fill("异议理由", "该项目活动场次与实际不符").await;
    b.fill("联系人", "王某").await;
    b.fill("联系手机", "13500001111").await;
    b.click_text("提交异议").await;
    b.testid("lodged").await;
    b.shot("objection-lodged").await;
    b.close().await;
}

/// R-ACCOUNT, R-WEB: the admin resets a user's password on 组织管理 · 用户 (confirmation, the
/// temporary password shown once); the user logging in with it is sent to 修改密码 and, once
/// the new password is saved, uses the site as before.
#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn a_reset_password_must_be_changed_before_anything_else() {
    let app = TestApp::spawn().await;
    make_user(&app, "cashier_li", "finance", None, None).await;
    let b = Browser::start(&app, "account").await;
    b.login("admin", crate::helpers::ADMIN.1).await;
    b.goto("/admin/users?q=cashier_li").await;
    b.click("reset-user").await;
    b.click("confirm-user-action").await;
    let temporary = b.text_of("temporary-password").await;
    assert!(temporary.len() >= 16, "{temporary}");
    b.shot("reset-temporary-password").await;
    b.logout().await;

    b.login("cashier_li", &temporary).await;
    b.wait_find(Locator::Css("[data-testid='password-forced']")).await;
    assert_eq!(b.path().await, "/account/password");
    b.goto("/home").await;
    b.wait_find(Locator::Css("[data-testid='password-forced']")).await;
    assert_eq!(b.path().await, "/account/password");
    b.fill("当前密码", &temporary).await;
    b.fill("新密码", "Amber-Falcon-Meadow-31").await;
    b.fill("再次输入新密码", "Amber-Falcon-Meadow-31").await;
    b.shot("forced-password-change").await;
    b.click("save-password").await;
    b.wait_find(Locator::Css("[data-testid='password-changed']"))
        .await;
    b.goto("/home").await;
    b.wait_find(Locator::Css("[data-testid='change-password']")).await;
    assert_eq!(b.path().await, "/home");
    b.close().await;
}

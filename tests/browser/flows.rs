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

// ---------------------------------------------------------------- the whole year

async fn fill_id(b: &Browser, id: &str, value: &str) {
    let el = b.wait_find(Locator::Id(id)).await;
    el.clear().await.expect("clear");
    el.send_keys(value).await.expect("type");
}

/// Sets a date or time input by id the way a picker would.
async fn set_id(b: &Browser, id: &str, value: &str) {
    let el = b.wait_find(Locator::Id(id)).await;
    let arg = serde_json::to_value(&el).expect("element");
    b.client
        .execute(
            "arguments[0].value = arguments[1];\
             arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
             arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![arg, json!(value)],
        )
        .await
        .expect("set value");
}

async fn choose_id(b: &Browser, id: &str, option: &str) {
    b.wait_find(Locator::Id(id))
        .await
        .select_by_label(option)
        .await
        .unwrap_or_else(|e| panic!("{id}: no option {option}: {e}"));
}

/// 组织管理 → 单位: one unit, waiting for it in the list.
async fn page_unit(b: &Browser, name: &str, kind: &str, parent: Option<&str>) {
    b.goto("/admin/units").await;
    fill_id(b, "unit_name", name).await;
    choose_id(b, "kind", kind).await;
    if let Some(p) = parent {
        choose_id(b, "parent_id", p).await;
    }
    b.click_text("创建单位").await;
    b.wait_text(name).await;
}

/// 组织管理 → 用户: one account, waiting for it in the list.
async fn page_user(
    b: &Browser,
    username: &str,
    name: &str,
    role: &str,
    unit: Option<&str>,
    team: Option<&str>,
) {
    b.goto("/admin/users").await;
    fill_id(b, "username", username).await;
    fill_id(b, "display_name", name).await;
    fill_id(b, "password", PASSWORD).await;
    choose_id(b, "role", role).await;
    if let Some(u) = unit {
        choose_id(b, "unit_id", u).await;
    }
    if let Some(t) = team {
        choose_id(b, "team_id", t).await;
    }
    b.click_text("创建用户").await;
    b.wait_text(username).await;
}

async fn score(b: &Browser, app_id: i64, points: [&str; 4], comment: &str) {
    b.goto(&format!("/my-reviews/{app_id}")).await;
    for (key, p) in [
        "sessions",
        "people_served",
        "social_benefit",
        "highlights_materials",
    ]
    .into_iter()
    .zip(points)
    {
        fill_id(b, &format!("c_{key}"), p).await;
    }
    fill_id(b, "comment", comment).await;
    b.click_text("保存评分").await;
    b.wait_text("已评分 1 / 1").await;
}

/// Runs `script` (asynchronous: it calls its last argument with the answer) in the page.
async fn js_async(b: &Browser, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
    b.client.execute_async(script, args).await.expect("async script")
}

/// The whole year through pages only (issue 9; R-PREREG, R-SUBMIT, R-COI, R-SCORE, R-RANK,
/// R-NOPAY2, R-PII): the association sets up a district, a unit, a team and every account and
/// opens the cycle; the team registers and reports an activity and applies with evidence; the
/// unit, the district and the association give their opinions; the association closes the
/// cycle and assigns two experts automatically; the experts score; the results are ranked,
/// published, objected to by the public, the objection dismissed, the cycle finalized; finance
/// makes a batch, downloads the payout sheet (an xlsx holding the amount in 大写), records the
/// payment with the same form sent twice and once more (one payment, 已登记), and the summary
/// shows awarded = paid.
#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn the_whole_year_through_pages() {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    use zhihui::{domain::rmb::rmb_capital, export::payout_sheet::SHEET_NAME};

    let app = TestApp::spawn().await;
    let b = Browser::start(&app, "whole-year").await;
    let (admin_name, admin_password) = crate::helpers::ADMIN;

    // The association: organisations, accounts, the cycle.
    b.login(admin_name, admin_password).await;
    page_unit(&b, "和平区科协", "区县科协", None).await;
    page_unit(&b, "沈阳理工学院", "高校", Some("和平区科协（区县科协）")).await;
    page_unit(&b, "沈阳市科学技术研究院", "科研院所", None).await;
    b.shot("admin-units").await;
    b.goto("/admin/teams").await;
    fill_id(&b, "team_name", "理工科普服务队").await;
    choose_id(&b, "unit_id", "沈阳理工学院（高校）").await;
    set_id(&b, "founded_on", "2020-05-01").await;
    fill_id(&b, "volunteer_count", "48").await;
    fill_id(&b, "platform_id", "DMZY-2020-0518").await;
    fill_id(&b, "leader_name", "张三").await;
    fill_id(&b, "leader_mobile", "13812345678").await;
    b.click_text("创建服务队").await;
    b.wait_text("理工科普服务队").await;
    page_user(&b, "ligong_team", "张三", "服务队", None, Some("理工科普服务队")).await;
    page_user(
        &b,
        "ligong_unit",
        "李老师",
        "隶属单位",
        Some("沈阳理工学院（高校）"),
        None,
    )
    .await;
    page_user(
        &b,
        "heping_district",
        "赵主任",
        "区县科协",
        Some("和平区科协（区县科协）"),
        None,
    )
    .await;
    page_user(
        &b,
        "expert_one",
        "钱专家",
        "评审专家",
        Some("沈阳市科学技术研究院（科研院所）"),
        None,
    )
    .await;
    page_user(
        &b,
        "expert_two",
        "孙专家",
        "评审专家",
        Some("沈阳市科学技术研究院（科研院所）"),
        None,
    )
    .await;
    page_user(&b, "finance_one", "周会计", "财务", None, None).await;
    b.shot("admin-users").await;

    b.goto("/admin/cycles/new").await;
    set_id(&b, "applications_open_at", &local(&app, Duration::hours(-1))).await;
    set_id(&b, "applications_close_at", &local(&app, Duration::days(30))).await;
    let day = |by: Duration| (app.now() + by).format("%Y-%m-%d").to_string();
    set_id(&b, "activity_period_start", &day(Duration::days(-200))).await;
    set_id(&b, "activity_period_end", &day(Duration::days(60))).await;
    fill_id(&b, "reviewers_per_application", "2").await;
    for (tier, quota, subsidy) in [
        ("first", "1", "10000"),
        ("second", "1", "5000"),
        ("third", "1", "2000"),
    ] {
        fill_id(&b, &format!("quota_{tier}"), quota).await;
        fill_id(&b, &format!("subsidy_{tier}"), subsidy).await;
    }
    b.shot("admin-cycle-form").await;
    b.click_text("保存").await;
    b.testid("next-step").await;
    let cycle_path = b.path().await;
    let cycle: i64 = cycle_path.rsplit('/').next().unwrap().parse().unwrap();
    b.click("next-step").await;
    b.testid("step-explanation").await;
    b.click("confirm-step").await;
    b.wait_text("申报中").await;
    b.logout().await;

    // The team: an activity registered before it starts, reported after, then the application.
    b.login("ligong_team", PASSWORD).await;
    b.goto("/activities/new").await;
    fill_activity(&b, &app, Duration::hours(1)).await;
    fill_nth(&b, "具体内容", 1, "讲解家庭应急避险知识").await;
    fill_nth(&b, "任务目标", 1, "覆盖居民100人").await;
    b.click("save-activity").await;
    b.wait_text("已登记 · 待开展").await;
    let activity_path = b.path().await;
    app.advance(Duration::hours(2));
    b.goto(&activity_path).await;
    b.click("report-link").await;
    b.fill("开展场次", "2").await;
    b.fill("服务对象人数", "130").await;
    b.fill("参与志愿者人数", "9").await;
    b.fill("情况简述", "两场讲座，居民反响良好").await;
    b.click("save-report").await;
    b.wait_text("已填报").await;

    b.goto("/application").await;
    b.fill("项目名称", "社区防灾科普进万家").await;
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
    b.fill("户名", "沈阳理工学院").await;
    b.click("save-application").await;
    b.wait_find(Locator::Css("[data-testid='checklist']")).await;
    let app_id = application_id(&b.path().await);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("活动总结.pdf");
    std::fs::write(&pdf, evidence::pdf()).unwrap();
    let photo = dir.path().join("活动照片.png");
    std::fs::write(&photo, crate::png::bands(320, 200)).unwrap();
    upload(&b, "活动总结", &pdf, "活动总结.pdf").await;
    upload(&b, "活动图片", &photo, "活动照片.png").await;
    b.goto(&format!("/applications/{app_id}")).await;
    assert!(b.testids("check-no").await.is_empty(), "{}", b.body_text().await);
    b.click("submit-application").await;
    b.wait_text("已提交 · 待隶属单位意见").await;
    b.shot("team-submitted").await;
    b.logout().await;

    // Unit, district, then the association (受理) approve.
    b.login("ligong_unit", PASSWORD).await;
    give_opinion(&b, app_id, "同意", "同意推荐").await;
    b.logout().await;
    b.login("heping_district", PASSWORD).await;
    give_opinion(&b, app_id, "同意", "同意推荐至市科协").await;
    b.logout().await;
    b.login(admin_name, admin_password).await;
    b.goto("/review").await;
    b.wait_text("社区防灾科普进万家").await;
    b.shot("admin-acceptance").await;
    give_opinion(&b, app_id, "同意", "材料齐全，予以受理").await;

    // Close the cycle, assign two experts automatically.
    b.goto(&cycle_path).await;
    b.click("next-step").await;
    b.testid("step-explanation").await;
    b.click("confirm-step").await;
    b.wait_text("评审中").await;
    b.goto(&format!("/admin/cycles/{cycle}/assign")).await;
    b.click("auto-assign").await;
    b.wait_text("已分配").await;
    b.shot("admin-assigned").await;
    b.logout().await;

    // The experts score.
    b.login("expert_one", PASSWORD).await;
    score(&b, app_id, ["22", "18", "22", "13"], "活动扎实，覆盖面广").await;
    b.shot("expert-scored").await;
    b.logout().await;
    b.login("expert_two", PASSWORD).await;
    score(&b, app_id, ["20", "20", "20", "15"], "材料规范").await;
    b.logout().await;

    // The association ranks (the tier shows on the row) and publishes for seven days.
    b.login(admin_name, admin_password).await;
    b.goto(&format!("/admin/cycles/{cycle}")).await;
    b.click("tab-ranking").await;
    b.click("rank").await;
    b.testid("ranking").await;
    assert_eq!(b.text_of(&format!("tier-{app_id}")).await, "一等奖");
    assert_eq!(b.text_of(&format!("score-{app_id}")).await, "75.00");
    b.js("document.querySelector('[data-testid=ranking]').scrollIntoView(); return true;")
        .await;
    b.shot("admin-ranking").await;
    b.click("tab-publicity").await;
    b.testid("publish-section").await;
    set_id(&b, "publicity_ends_at", &local(&app, Duration::days(7))).await;
    b.click("publish").await;
    b.testid("public-results-link").await;
    b.logout().await;

    // The public objects during publicity.
    b.goto(&format!("/results/{cycle}")).await;
    b.testid("public-results").await;
    b.wait_text("一等奖").await;
    choose_id(&b, "application_id", &{
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
    b.shot("public-objection").await;

    // The association dismisses it with a reply, and finalizes once publicity is over.
    b.login(admin_name, admin_password).await;
    b.goto(&format!("/admin/cycles/{cycle}/publicity")).await;
    let radio = b
        .wait_find(Locator::Css("[data-testid^='decision-dismissed-']"))
        .await;
    let objection = radio
        .attr("data-testid")
        .await
        .unwrap()
        .unwrap()
        .trim_start_matches("decision-dismissed-")
        .to_owned();
    radio.click().await.unwrap();
    fill_id(&b, &format!("note_{objection}"), "经核实，活动场次无误").await;
    b.click(&format!("resolve-{objection}")).await;
    b.testid(&format!("objection-reply-{objection}")).await;
    assert_eq!(b.text_of("open-objections").await, "0");
    b.shot("admin-objection-dismissed").await;
    b.logout().await;
    app.advance(Duration::days(8));
    // Sessions live 12 hours on the service's clock: log in again after the week.
    b.login(admin_name, admin_password).await;
    b.goto(&format!("/admin/cycles/{cycle}/publicity")).await;
    b.click("finalize").await;
    b.testid("finalized").await;
    b.shot("admin-finalized").await;
    b.logout().await;

    // Finance: a batch, the sheet, the payment (the same form sent twice, then once more).
    b.login("finance_one", PASSWORD).await;
    b.testid("finance-home").await;
    b.shot("finance-home").await;
    b.click("go-payouts").await;
    b.testid("payouts").await;
    assert!(
        b.body_text().await.contains("6222 0202 0001 2345 678")
            || b.body_text().await.contains("6222020200012345678"),
        "R-PII: finance sees the account in full"
    );
    b.shot("finance-payouts").await;
    b.click("create-batch").await;
    b.testid("batch-lines").await;
    assert_eq!(b.text_of("batch-total").await, "¥10,000.00");
    assert_eq!(b.text_of("batch-capital").await, rmb_capital(1_000_000));
    b.shot("finance-batch").await;
    let href = b
        .testid("download-sheet")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("the sheet's link");
    let bytes = js_async(
        &b,
        "const done = arguments[arguments.length - 1];\
         fetch(arguments[0], {credentials: 'same-origin'})\
           .then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status))\
           .then(buf => done(Array.from(new Uint8Array(buf))))\
           .catch(e => done(String(e)));",
        vec![json!(href)],
    )
    .await;
    let bytes: Vec<u8> = serde_json::from_value(bytes.clone())
        .unwrap_or_else(|_| panic!("the sheet did not download: {bytes}"));
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    let sheet = book.worksheet_range(SHEET_NAME).expect("the payout sheet");
    let cells: Vec<String> = sheet.cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        cells.iter().any(|c| c.contains("壹万元整")),
        "the amount in 大写: {cells:?}"
    );

    b.click("record-link").await;
    b.testid("paid-form").await;
    b.fill("银行流水号", "ICBC-2026-000123").await;
    b.js("document.querySelector('[data-testid=paid-form]').scrollIntoView(); return true;")
        .await;
    b.shot("finance-record").await;
    // A double click: the same form, sent twice at once.
    let answers = js_async(
        &b,
        "const done = arguments[arguments.length - 1];\
         const f = document.querySelector('[data-testid=paid-form]');\
         const send = () => fetch(f.action, {method: 'POST', credentials: 'same-origin',\
           body: new URLSearchParams(new FormData(f))}).then(r => r.url);\
         Promise.all([send(), send()]).then(done).catch(e => done(String(e)));",
        vec![],
    )
    .await;
    let mut endings: Vec<String> = serde_json::from_value::<Vec<String>>(answers.clone())
        .unwrap_or_else(|_| panic!("{answers}"))
        .into_iter()
        .map(|u| u.rsplit('?').next().unwrap().to_owned())
        .collect();
    endings.sort();
    assert_eq!(endings, ["done=paid", "done=repeat"], "one payment, one replay");
    // And once more, the form as it is still on the screen: 已登记, nothing paid again.
    b.click("mark-paid").await;
    b.testid("already-recorded").await;
    assert_eq!(b.text_of("payout-status").await, "已支付");
    b.shot("finance-already-recorded").await;
    let (_, payouts) = app
        .get(&format!("/api/v1/payouts?cycle_id={cycle}"), &app.admin)
        .await;
    assert_eq!(payouts["total"], 1);
    assert_eq!(payouts["items"][0]["status"], "paid");

    b.goto(&format!("/finance/summary?cycle={cycle}")).await;
    b.testid("summary-total").await;
    let awarded = b.text_of("total-awarded").await;
    assert_eq!(awarded, "¥10,000.00");
    assert_eq!(b.text_of("total-paid").await, awarded, "awarded = paid");
    assert_eq!(b.text_of("total-outstanding").await, "¥0.00");
    b.shot("finance-summary").await;
    let (_, sum) = app
        .get(&format!("/api/v1/cycles/{cycle}/payout-summary"), &app.admin)
        .await;
    assert_eq!(sum["paid_total_fen"], 1_000_000, "{sum}");
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

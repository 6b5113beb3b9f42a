//! Issue 14 in Chromium: the 统计 page (the year and grouping filters change the table, the
//! SVG charts are drawn, a district sees only its own units), the bell and the 提醒 inbox (a
//! reminder made by moving the clock, counted, opened and marked read), and the 提醒邮箱 on
//! 账号设置 (a bad address refused in Chinese) — screenshots at phone and desktop sizes
//! (R-STAT, R-REMIND, R-WEB).

use crate::{
    harness::Browser,
    helpers::{ADMIN, PASSWORD, TestApp},
    stat_world::{activity, cst},
};
use chrono::Duration;
use fantoccini::Locator;
use serde_json::json;
use zhihui::domain::activity::Category;

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

async fn team_name(app: &TestApp, id: i64) -> String {
    let (_, v) = app.get(&format!("/api/v1/teams/{id}"), &app.admin).await;
    v["name"].as_str().unwrap().to_owned()
}

/// Picks `option` in the select `[data-testid=id]` and submits the filters (htmx swaps the
/// figures in place).
async fn filter(b: &Browser, id: &str, option: &str) {
    b.testid(id).await.select_by_label(option).await.expect("select");
    b.click_text("查看").await;
}

async fn table(b: &Browser) -> String {
    b.text_of("stat-table").await
}

/// Waits until the figures table contains `needle`.
async fn wait_table(b: &Browser, needle: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let t = table(b).await;
        if t.contains(needle) {
            return t;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{needle:?} never appeared in the table:\n{t}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn statistics_filters_change_the_table_and_a_district_sees_its_own() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let t1 = app.create_team(d1).await;
    let t2 = app.create_team(d2).await;
    let (d1_name, d2_name) = (app.unit_name(d1).await, app.unit_name(d2).await);
    let t1_name = team_name(&app, t1).await;
    let ahead = Duration::days(2);
    activity(
        &app,
        t1,
        Category::Lecture,
        cst(2025, 5, 1, 9, 0),
        ahead,
        Some((2, 4321, 3)),
        false,
    )
    .await;
    activity(
        &app,
        t2,
        Category::Lecture,
        cst(2025, 6, 1, 9, 0),
        ahead,
        Some((2, 9876, 3)),
        false,
    )
    .await;
    activity(
        &app,
        t1,
        Category::Lecture,
        cst(2024, 5, 1, 9, 0),
        ahead,
        Some((1, 1357, 2)),
        false,
    )
    .await;
    make_user(&app, "stats_district", "district", Some(d1), None).await;

    let b = Browser::start(&app, "statistics").await;
    b.login(ADMIN.0, ADMIN.1).await;
    b.goto("/statistics?year=2025&group_by=district").await;
    let t = wait_table(&b, "9876").await;
    assert!(
        t.contains("4321") && t.contains(&d1_name) && t.contains(&d2_name),
        "{t}"
    );
    assert!(!t.contains("1357"), "2024 is not in 2025: {t}");
    assert!(!b.testids("stat-chart").await.is_empty(), "SVG charts are drawn");
    let svg = b
        .js("return document.querySelectorAll(\"svg[data-testid='stat-chart'] rect\").length")
        .await;
    assert!(svg.as_u64().unwrap_or(0) >= 2, "bars in the charts: {svg}");
    b.shot("admin-2025-by-district").await;

    filter(&b, "stat-year", "2024年").await;
    let t = wait_table(&b, "1357").await;
    assert!(!t.contains("9876") && !t.contains("4321"), "{t}");
    assert!(
        b.path().await.contains("year=2024"),
        "the filter is in the address"
    );

    filter(&b, "stat-year", "2025年").await;
    wait_table(&b, "9876").await;
    filter(&b, "stat-group", "按服务队").await;
    let t = wait_table(&b, &t1_name).await;
    assert!(t.contains("服务队"), "{t}");
    b.shot("admin-2025-by-team").await;
    b.logout().await;

    b.login("stats_district", PASSWORD).await;
    b.goto("/statistics?year=2025&group_by=unit").await;
    let t = wait_table(&b, "4321").await;
    assert!(
        !t.contains("9876") && !t.contains(&d2_name),
        "only its own units: {t}"
    );
    assert!(!b.body_text().await.contains("9876"), "nor in the charts");
    b.shot("district-2025-by-unit").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn the_bell_counts_a_reminder_until_it_is_read() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let team = app.create_team(unit).await;
    make_user(&app, "bell_team", "team", None, Some(team)).await;
    let token = app.login("bell_team", PASSWORD).await;
    app.register_activity(&token, team, Duration::hours(1)).await;
    app.register_activity(&token, team, Duration::hours(2)).await;

    let b = Browser::start(&app, "reminders").await;
    b.login("bell_team", PASSWORD).await;
    assert!(b.testids("unread-count").await.is_empty(), "nothing unread yet");
    app.advance(Duration::days(8));
    zhihui::services::reminders::run_once(&app.state).await.unwrap();
    b.goto("/home").await;
    assert_eq!(b.text_of("unread-count").await, "2");
    b.shot("bell-two-unread").await;

    b.click("bell").await;
    b.wait_text("活动待填报").await;
    assert_eq!(b.path().await, "/notifications");
    assert_eq!(b.testids("inbox-item").await.len(), 2);
    b.shot("inbox-unread").await;
    b.click("mark-read").await;
    b.wait_find(Locator::Css("[data-testid='unread-count']")).await;
    assert_eq!(b.text_of("unread-count").await, "1", "one read, one left");
    assert_eq!(b.testids("mark-read").await.len(), 1);
    b.click("read-all").await;
    b.wait_text("活动待填报").await;
    assert!(b.testids("unread-count").await.is_empty(), "the bell is clear");
    assert!(b.testids("mark-read").await.is_empty());
    assert!(b.testids("read-all").await.is_empty(), "nothing left to mark");
    b.shot("inbox-read").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn the_reminder_email_is_set_on_the_account_page_and_a_bad_one_refused() {
    let app = TestApp::spawn().await;
    make_user(&app, "mail_finance", "finance", None, None).await;
    let b = Browser::start(&app, "email").await;
    b.login("mail_finance", PASSWORD).await;
    b.click("change-password").await;
    b.wait_text("提醒邮箱").await;
    b.fill("电子邮箱", "wang at example.cn").await;
    b.click("save-email").await;
    let error = b.text_of("error-email").await;
    assert!(error.contains("电子邮箱格式不正确"), "{error}");
    b.shot("email-refused").await;

    b.fill("电子邮箱", "wang.finance@example.cn").await;
    b.click("save-email").await;
    b.wait_find(Locator::Css("[data-testid='email-saved']")).await;
    let (_, me) = app
        .get("/api/v1/me", &app.login("mail_finance", PASSWORD).await)
        .await;
    assert_eq!(me["user"]["email"], "wang.finance@example.cn");
    b.shot("email-saved").await;
    b.click("clear-email").await;
    b.wait_text("提醒邮箱已清除").await;
    assert!(b.testids("clear-email").await.is_empty());
    b.close().await;
}

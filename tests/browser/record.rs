//! Issue 18 in Chromium: the association records one past activity through the single 补录
//! form (a bad mobile first, refused in Chinese by its field), attaches the scan of its
//! original 登记表 and sees it counted in the ranking; the assigned expert's 计入的活动 page
//! marks the 补录 and opens its files; a team uploads an activity photo and deletes it.
//! Screenshots at phone and desktop sizes.

use crate::{
    harness::Browser,
    helpers::{ADMIN, PASSWORD, TestApp, evidence},
    review_seed::{CycleSpec, Scenario},
};
use chrono::Duration;
use fantoccini::Locator;
use sea_orm::{ActiveModelTrait, Set};
use zhihui::web::format;

fn local(app: &TestApp, by: Duration) -> String {
    format::input_time(app.now() + by)
}

async fn username(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", token).await.1["user"]["username"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Picks a file for the file input labelled `label`.
async fn send_file(b: &Browser, label: &str, path: &std::path::Path) {
    b.by_label(label)
        .await
        .send_keys(&path.display().to_string())
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn issue_18_a_backfill_through_the_form_counts_and_experts_open_it() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(5, 100)], 1).await;
    let team = &s.teams[0];
    let team_name = app.get(&format!("/api/v1/teams/{}", team.id), &app.admin).await.1["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("原始登记表.pdf");
    std::fs::write(&scan, evidence::pdf()).unwrap();
    let photo = dir.path().join("活动现场.png");
    std::fs::write(&photo, evidence::png()).unwrap();

    let b = Browser::start(&app, "record-backfill").await;
    b.login(ADMIN.0, ADMIN.1).await;
    b.goto("/admin/backfill").await;
    b.shot("backfill-page").await;

    // The form, as the e-mailed 登记表 says — with a mistyped mobile first.
    let start = Duration::days(-30);
    b.choose("服务队", &team_name).await;
    b.fill("活动名称", "防灾减灾科普进社区").await;
    b.set("计划开始时间", &local(&app, start)).await;
    b.set("计划结束时间", &local(&app, start + Duration::hours(3)))
        .await;
    b.fill("地点", "沈阳市和平区南京街道社区服务中心").await;
    b.choose("类别", "科普报告").await;
    b.fill("负责人", "李四").await;
    b.fill("手机", "1391234567").await;
    b.fill("具体内容", "讲解家庭防灾减灾知识").await;
    b.fill("任务目标", "覆盖居民100人").await;
    b.set("实际开始时间", &local(&app, start)).await;
    b.set("实际结束时间", &local(&app, start + Duration::hours(2)))
        .await;
    b.fill("开展场次", "2").await;
    b.fill("服务对象人数", "160").await;
    b.fill("参与志愿者人数", "8").await;
    b.fill("情况简述", "两场讲座，居民反响良好").await;
    let sent = zhihui::domain::cst_date(app.now() - Duration::days(35)).to_string();
    b.set("登记表发送日期", &sent).await;
    b.fill("补录原因", "系统上线前已按通知邮件登记").await;
    b.click("save-backfill").await;
    let err = b.text_of("error-leader_mobile").await;
    assert!(err.contains("手机"), "{err}");
    let kept = b.by_label("补录原因").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("系统上线前已按通知邮件登记"));
    // The message by its field, on a phone first (the shot keeps the scroll at 390 px).
    b.client.set_window_size(390, 844).await.unwrap();
    b.js("document.querySelector(\"[data-testid='error-leader_mobile']\").scrollIntoView({block:'center'})")
        .await;
    b.shot("backfill-refused").await;

    b.fill("手机", "13912345678").await;
    b.click("save-backfill").await;
    b.testid("recorded-unscanned").await;
    b.shot("backfill-scan-step").await;
    let href = b
        .testid("recorded-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let activity: i64 = href.trim_start_matches("/activities/").parse().unwrap();
    send_file(&b, "原始登记表或邮件的扫描件", &scan).await;
    b.click("upload-scan").await;
    b.testid("recorded-scanned").await;
    b.testid("waiting-none").await;
    b.shot("backfill-scanned").await;

    // The 补录 on its page, with its scan; a photo of it too.
    b.goto(&format!("/activities/{activity}")).await;
    b.wait_text("已上传原始登记表扫描件").await;
    b.choose("材料类型", "活动图片").await;
    send_file(&b, "选择文件", &photo).await;
    b.click("upload-activity-file").await;
    b.wait_text("活动现场.png").await;
    b.shot("backfill-activity").await;

    // The team's application counts it (its list was fixed before review; seeded here).
    entity::application_activities::ActiveModel {
        application_id: Set(s.apps[0] as i32),
        activity_id: Set(activity as i32),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    // The expert sees it marked 补录 and opens its files.
    let (_, expert_token) = &s.experts[0];
    let expert = username(&app, expert_token).await;
    b.logout().await;
    b.login(&expert, PASSWORD).await;
    b.goto(&format!("/my-reviews/{}", s.apps[0])).await;
    b.click("counted-activities-link").await;
    b.testid("backfilled").await;
    b.wait_text("防灾减灾科普进社区").await;
    b.shot("expert-activities").await;
    let files = b
        .client
        .find_all(Locator::Css("[data-testid='file'] a"))
        .await
        .unwrap();
    assert_eq!(
        files.len(),
        2,
        "the team's own activity has none; the 补录 its scan and photo"
    );
    let mut hrefs = vec![];
    for f in &files {
        hrefs.push(f.attr("href").await.unwrap().unwrap());
    }
    b.goto(hrefs.last().unwrap()).await;
    let kind = b.js("return document.contentType").await;
    assert_eq!(kind, serde_json::json!("image/png"), "the expert opens the photo");
    app.score_total(expert_token, s.apps[0], 86.0).await;

    // Ranked, the row says how many of its activities are 补录.
    b.goto("/my-reviews").await;
    b.logout().await;
    b.login(ADMIN.0, ADMIN.1).await;
    b.goto(&format!("/admin/cycles/{}/ranking", s.cycle)).await;
    b.click("rank").await;
    let mark = b.text_of(&format!("backfilled-{}", s.apps[0])).await;
    assert_eq!(mark, "其中补录 1 项");
    b.js("document.querySelector(\"[data-testid='ranking']\").scrollIntoView()")
        .await;
    b.shot("ranking-backfilled").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver"]
async fn issue_18_4_a_team_uploads_and_deletes_an_activity_photo() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let activity = app.reported_activity(&token, team, 2, 90).await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("活动现场照片.png");
    std::fs::write(&photo, evidence::png()).unwrap();

    let b = Browser::start(&app, "record-files").await;
    b.login(&username(&app, &token).await, PASSWORD).await;
    b.goto(&format!("/activities/{activity}")).await;
    b.choose("材料类型", "活动图片").await;
    send_file(&b, "选择文件", &photo).await;
    b.click("upload-activity-file").await;
    b.wait_text("活动现场照片.png").await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.js("document.getElementById('files').scrollIntoView()").await;
    b.shot("activity-photo").await;
    let (_, v) = app
        .get(&format!("/api/v1/activities/{activity}/attachments"), &token)
        .await;
    let file = v["items"][0]["id"].as_i64().unwrap();

    // 删除 asks first; dismissing keeps the photo, accepting removes it.
    b.click(&format!("delete-file-{file}")).await;
    b.client.dismiss_alert().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(b.body_text().await.contains("活动现场照片.png"));
    b.click(&format!("delete-file-{file}")).await;
    b.client.accept_alert().await.unwrap();
    let started = std::time::Instant::now();
    while b.body_text().await.contains("活动现场照片.png") {
        assert!(started.elapsed().as_secs() < 10, "the photo stayed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.wait_text("尚未上传活动图片").await;
    b.shot("activity-photo-deleted").await;
    let (_, v) = app
        .get(&format!("/api/v1/activities/{activity}/attachments"), &token)
        .await;
    assert_eq!(v["total"], 0, "{v}");
    b.close().await;
}

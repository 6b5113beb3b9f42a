//! Issue 18.1 in pages: the single 补录 form on the admin's 活动补录 page — every field the API
//! takes, the team and category from their lists, refusals in Chinese under their field with
//! what was typed kept — then the scan of the original 登记表, without which it does not count.

use crate::{
    helpers::{TestApp, evidence},
    web_pages::admin_web,
};
use chrono::Duration;
use reqwest::StatusCode;
use zhihui::web::format::input_time;

fn when(app: &TestApp, by: Duration) -> String {
    input_time(app.now() + by)
}

/// The form as the admin fills it in from an e-mailed 登记表.
fn filled(app: &TestApp, team: i64) -> Vec<(String, String)> {
    let start = Duration::days(-30);
    [
        ("team_id", team.to_string()),
        ("name", "防灾减灾科普进社区".to_owned()),
        ("category", "lecture".to_owned()),
        ("planned_start", when(app, start)),
        ("planned_end", when(app, start + Duration::hours(3))),
        ("location", "沈阳市和平区社区服务中心".to_owned()),
        ("leader_name", "李四".to_owned()),
        ("leader_mobile", "13912345678".to_owned()),
        ("task_content", "讲解防灾减灾知识".to_owned()),
        ("task_target", "覆盖居民100人".to_owned()),
        ("actual_start", when(app, start)),
        ("actual_end", when(app, start + Duration::hours(2))),
        ("sessions", "3".to_owned()),
        ("people_served", "210".to_owned()),
        ("volunteers", "9".to_owned()),
        ("summary", "活动顺利完成".to_owned()),
        (
            "registered_on",
            zhihui::domain::cst_date(app.now() - Duration::days(35)).to_string(),
        ),
        ("reason", "系统上线前已按通知邮件登记".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn with(form: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| (k.clone(), if k == key { value.to_owned() } else { v.clone() }))
        .collect()
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Issue 18.1: the page offers every team and every category of the service's list (nothing
/// hard-coded) and says that a 补录 counts only once its scan is attached.
#[tokio::test]
async fn issue_18_1_the_backfill_form_reads_the_teams_and_the_categories() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, _) = app.team_with_user(unit).await;
    let team_name = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await.1["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut w = admin_web(&app).await;
    let p = w.get("/admin/backfill").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body
            .contains(&format!("<option value=\"{team}\">{team_name}</option>")),
        "{}",
        p.body
    );
    let (_, cats) = app.get("/api/v1/categories", &app.admin).await;
    for c in cats.as_array().unwrap() {
        let option = format!(
            "<option value=\"{}\">{}</option>",
            c["code"].as_str().unwrap(),
            c["name"].as_str().unwrap()
        );
        assert!(p.body.contains(&option), "{option} missing");
    }
    assert!(
        p.body
            .contains("补录的活动须上传原始登记表或邮件的扫描件后才计入申报")
    );
    for label in [
        "登记表发送日期",
        "补录原因",
        "实际开始时间",
        "服务对象人数",
        "参与志愿者人数",
    ] {
        assert!(p.body.contains(label), "{label} missing");
    }
}

/// Issue 18.1: a bad field comes back under itself, in Chinese, with everything typed kept;
/// a good form records the 补录 (as the API does) and asks for its scan; the scan sent from
/// there makes it count and takes it off the waiting list.
#[tokio::test]
async fn issue_18_1_the_backfill_form_records_one_activity_then_its_scan() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut w = admin_web(&app).await;
    let form = filled(&app, team);

    let p = w
        .post("/admin/backfill", &pairs(&with(&form, "leader_mobile", "12345")))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("data-testid=\"error-leader_mobile\""),
        "{}",
        p.body
    );
    assert!(p.body.contains("手机"), "{}", p.body);
    assert!(p.body.contains("防灾减灾科普进社区") && p.body.contains("系统上线前已按通知邮件登记"));

    let late = zhihui::domain::cst_date(app.now() - Duration::days(10)).to_string();
    let p = w
        .post("/admin/backfill", &pairs(&with(&form, "registered_on", &late)))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("data-testid=\"error-registered_on\""),
        "{}",
        p.body
    );
    assert!(
        p.body.contains("登记表发送日期应早于活动计划开始时间"),
        "{}",
        p.body
    );

    let p = w
        .post("/admin/backfill", &pairs(&with(&form, "team_id", "")))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("请选择服务队"), "{}", p.body);
    let p = w
        .post("/admin/backfill", &pairs(&with(&form, "sessions", "三")))
        .await;
    assert!(p.body.contains("data-testid=\"error-sessions\""), "{}", p.body);
    let p = w
        .post("/admin/backfill", &pairs(&with(&form, "task_content", "")))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = app
        .get(&format!("/api/v1/activities?team_id={team}"), &app.admin)
        .await;
    assert_eq!(list["total"], 0, "nothing recorded by a refused form");

    let p = w.post("/admin/backfill", &pairs(&form)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let location = p.location.unwrap();
    let id: i64 = location
        .trim_start_matches("/admin/backfill?recorded=")
        .trim_end_matches("#scan")
        .parse()
        .unwrap();
    let (_, v) = app.get(&format!("/api/v1/activities/{id}"), &token).await;
    assert_eq!(v["backfilled"], true, "{v}");
    assert_eq!(v["status"], "reported");
    assert_eq!(v["category"], "lecture");
    assert_eq!(v["report"]["people_served"], 210);
    assert_eq!(v["backfill"]["reason"], "系统上线前已按通知邮件登记");
    assert_eq!(v["backfill"]["scan_attached"], false);

    let p = w.get(&location).await;
    assert!(
        p.body.contains("data-testid=\"recorded-unscanned\""),
        "{}",
        p.body
    );
    assert!(
        p.body.contains(&format!("/activities/{id}/files?csrf=")),
        "{}",
        p.body
    );
    assert!(p.body.contains("data-testid=\"waiting-list\""), "{}", p.body);

    let p = w
        .post_multipart(
            &format!("/activities/{id}/files?back=backfill"),
            &[("kind", "scan")],
            Some(("file", "登记表扫描件.pdf", evidence::pdf())),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        p.location.as_deref(),
        Some(format!("/admin/backfill?recorded={id}#scan").as_str())
    );
    let p = w.get(&format!("/admin/backfill?recorded={id}")).await;
    assert!(p.body.contains("data-testid=\"recorded-scanned\""), "{}", p.body);
    assert!(p.body.contains("data-testid=\"waiting-none\""), "{}", p.body);
    let (_, v) = app.get(&format!("/api/v1/activities/{id}"), &token).await;
    assert_eq!(v["backfill"]["scan_attached"], true, "{v}");
}

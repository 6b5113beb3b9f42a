//! The 统计 page and the bell (issue 14, R-STAT, R-REMIND, R-WEB): the same service as the API,
//! so the same figures and scope; charts as inline SVG.

use crate::{
    helpers::TestApp,
    stat_world::{activity, cst},
    web_pages::{logged_in, user},
};
use chrono::Duration;
use reqwest::StatusCode;
use zhihui::domain::activity::Category;

/// R-STAT: a district sees its own figures, drawn as SVG bars; another district's never appear.
#[tokio::test]
async fn statistics_page_shows_the_scoped_figures_with_svg_charts() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let t1 = app.create_team(d1).await;
    let t2 = app.create_team(d2).await;
    activity(
        &app,
        t1,
        Category::Lecture,
        cst(2025, 5, 1, 9, 0),
        Duration::days(2),
        Some((2, 4321, 3)),
        false,
    )
    .await;
    activity(
        &app,
        t2,
        Category::Lecture,
        cst(2025, 5, 1, 9, 0),
        Duration::days(2),
        Some((2, 9876, 3)),
        false,
    )
    .await;
    user(&app, "stat_d1", "district", Some(d1), None).await;
    let mut w = logged_in(&app, "stat_d1").await;
    let home = w.get("/home").await;
    assert!(
        home.body.contains("href=\"/statistics\""),
        "统计 in the district's menu"
    );
    let p = w.get("/statistics?year=2025&group_by=district").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("<svg"), "a server-drawn chart");
    assert!(p.body.contains("data-testid=\"stat-chart\""));
    assert!(p.body.contains("4321"));
    assert!(
        !p.body.contains("9876"),
        "another district's figures never appear"
    );
    assert!(!p.body.contains(&app.unit_name(d2).await));
    // Unknown filters fall back to the defaults rather than failing.
    let p = w.get("/statistics?year=abc&group_by=galaxy").await;
    assert_eq!(p.status, StatusCode::OK);

    user(&app, "stat_fin", "finance", None, None).await;
    let mut f = logged_in(&app, "stat_fin").await;
    let p = f.get("/statistics?year=2025").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("财务仅查看"));
    assert!(!p.body.contains("4321"), "finance sees no activity figures");
}

/// R-REMIND: the bell counts unread reminders; 全部标为已读 clears it.
#[tokio::test]
async fn the_bell_counts_unread_reminders_and_read_all_clears_it() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let team = app.create_team(unit).await;
    user(&app, "bell_team", "team", None, Some(team)).await;
    let token = app.login("bell_team", crate::helpers::PASSWORD).await;
    app.register_activity(&token, team, Duration::hours(1)).await;
    app.advance(Duration::days(8));
    zhihui::services::reminders::run_once(&app.state).await.unwrap();
    let mut w = logged_in(&app, "bell_team").await;
    let p = w.get("/home").await;
    assert!(p.body.contains("data-testid=\"unread-count\">1<"), "{}", p.body);
    let p = w.get("/notifications").await;
    assert!(p.body.contains("活动待填报"));
    let p = w.post("/notifications/read-all", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = w.get("/home").await;
    assert!(!p.body.contains("data-testid=\"unread-count\""));
}

/// R-REMIND, R-AUTHZ: 标为已读 on the page marks one of the caller's reminders; another user's
/// answers 404 and stays unread.
#[tokio::test]
async fn one_reminder_is_marked_read_on_the_page_and_anothers_is_404() {
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let team = app.create_team(unit).await;
    let other_team = app.create_team(unit).await;
    user(&app, "read_team", "team", None, Some(team)).await;
    user(&app, "read_other", "team", None, Some(other_team)).await;
    for (name, t) in [("read_team", team), ("read_other", other_team)] {
        let token = app.login(name, crate::helpers::PASSWORD).await;
        app.register_activity(&token, t, Duration::hours(1)).await;
    }
    app.advance(Duration::days(8));
    zhihui::services::reminders::run_once(&app.state).await.unwrap();
    let rows = entity::notifications::Entity::find().all(&app.db).await.unwrap();
    let mine = user_of(&app, "read_team").await;
    let (own, theirs): (Vec<_>, Vec<_>) = rows.into_iter().partition(|n| n.recipient_id == mine);
    let mut w = logged_in(&app, "read_team").await;
    let p = w
        .post(&format!("/notifications/{}/read", theirs[0].id), &[])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let p = w.post(&format!("/notifications/{}/read", own[0].id), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let after = |id| {
        let db = app.db.clone();
        async move {
            entity::notifications::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .read_at
        }
    };
    assert!(after(own[0].id).await.is_some());
    assert!(after(theirs[0].id).await.is_none(), "another's stays unread");
}

async fn user_of(app: &TestApp, username: &str) -> i32 {
    crate::web_pages::user_id(app, username).await as i32
}

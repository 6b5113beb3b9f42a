//! R-REMIND (issue 14): reminders created once per kind, object and recipient by the scheduler
//! on the app's clock; the inbox; e-mail to a real SMTP server; restarts and two instances.

use crate::{
    helpers::{TestApp, assert_error},
    payout_seed::finalized_cycle,
    smtp_sink::Sink,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use zhihui::{services::reminders::run_once, startup::Application, state::AppState};

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, v) = app.get("/api/v1/notifications", token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

fn kinds(items: &[Value]) -> Vec<String> {
    let mut k: Vec<String> = items
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect();
    k.sort();
    k
}

/// Another instance of the service on the same database and clock (a restart, or a second
/// server): its state, to run its scheduler.
async fn another_state(app: &TestApp, tune: impl FnOnce(&mut zhihui::config::Settings)) -> AppState {
    let mut settings = (*app.state.settings).clone();
    settings.bind = "127.0.0.1:0".into();
    tune(&mut settings);
    let built = Application::build(settings, app.clock.clone())
        .await
        .expect("another instance");
    built.state().clone()
}

/// R-REMIND: an activity not reported 7 days after its planned end reminds its team, once,
/// when the test clock passes the threshold; the inbox reads, counts and marks it.
#[tokio::test]
async fn unreported_activity_reminds_its_team_once_when_the_clock_passes_the_threshold() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let (_, other) = app.team_with_user(unit).await;
    let id = app.register_activity(&token, team, Duration::hours(1)).await; // ends in 4 h
    assert_eq!(run_once(&app.state).await.unwrap().created, 0);
    app.advance(Duration::days(7) + Duration::hours(3));
    assert_eq!(
        run_once(&app.state).await.unwrap().created,
        0,
        "not yet 7 days after the end"
    );
    app.advance(Duration::hours(2));
    assert_eq!(run_once(&app.state).await.unwrap().created, 1);
    assert_eq!(
        run_once(&app.state).await.unwrap().created,
        0,
        "a second run adds nothing"
    );

    let items = inbox(&app, &token).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "activity_unreported");
    assert_eq!(items[0]["object_id"], id);
    assert_eq!(items[0]["link"], format!("/activities/{id}"));
    assert_eq!(items[0]["channel"], "inbox");
    assert!(items[0]["title"].as_str().unwrap().contains("社区科普讲座"));
    assert!(inbox(&app, &other).await.is_empty(), "another team hears nothing");

    let (_, v) = app.get("/api/v1/notifications/unread-count", &token).await;
    assert_eq!(v["unread"], 1);
    let nid = items[0]["id"].as_i64().unwrap();
    // R-AUTHZ: another user's reminder is 404.
    let r = app
        .post(&format!("/api/v1/notifications/{nid}/read"), &other, json!({}))
        .await;
    assert_error(&r, 404, "not_found");
    let (s, v) = app
        .post(&format!("/api/v1/notifications/{nid}/read"), &token, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["read_at"].is_string());
    let (_, v) = app.get("/api/v1/notifications/unread-count", &token).await;
    assert_eq!(v["unread"], 0);
    let (_, v) = app.get("/api/v1/notifications?unread=true", &token).await;
    assert_eq!(v["total"], 0);
}

/// R-REMIND: the window closing (teams without a submitted application), an opinion waiting
/// (the unit), scores missing before the review deadline (the expert), payouts pending (finance).
#[tokio::test]
async fn each_kind_reaches_its_recipients() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("society", Some(district)).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;
    let cycle = app.open_cycle(2026).await; // window closes in 30 days
    let (_, applied, application) = app.submitted_application(cycle, unit).await;
    let (_, idle) = app.team_with_user(unit).await;

    app.advance(Duration::days(28));
    run_once(&app.state).await.unwrap();
    assert_eq!(
        kinds(&inbox(&app, &idle).await),
        vec!["application_window_closing"]
    );
    assert!(
        inbox(&app, &applied).await.is_empty(),
        "its application is submitted"
    );
    let unit_items = inbox(&app, &unit_user).await;
    assert_eq!(kinds(&unit_items), vec!["opinion_waiting_unit"]);
    assert_eq!(unit_items[0]["object_id"], application);
    assert!(
        inbox(&app, &district_user).await.is_empty(),
        "not the district's turn"
    );

    // Scores: an expert assigned, the review deadline 36 hours away.
    let expert_unit = app.create_unit("university", None).await;
    let (expert_id, expert) = app.user("expert", Some(expert_unit), None).await;
    {
        use sea_orm::{ActiveModelTrait, Set};
        entity::assignments::ActiveModel {
            cycle_id: Set(cycle as i32),
            application_id: Set(application as i32),
            expert_id: Set(expert_id as i32),
            created_at: Set(app.now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let (s, v) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/cycles/{cycle}/review-deadline"),
            Some(&app.admin),
            Some(json!({"review_deadline": app.at(Duration::hours(36))})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    run_once(&app.state).await.unwrap();
    assert_eq!(kinds(&inbox(&app, &expert).await), vec!["scores_missing"]);

    // Payouts pending more than 14 days.
    let (_, finance) = app.user("finance", None, None).await;
    finalized_cycle(&app, 2025).await;
    run_once(&app.state).await.unwrap();
    assert!(inbox(&app, &finance).await.is_empty());
    app.advance(Duration::days(14));
    run_once(&app.state).await.unwrap();
    assert_eq!(kinds(&inbox(&app, &finance).await), vec!["payout_pending"; 3]);
}

/// R-REMIND: a restarted service (a new instance on the same database) creates nothing twice.
#[tokio::test]
async fn a_restart_creates_no_reminder_twice() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    app.register_activity(&token, team, Duration::hours(1)).await;
    app.advance(Duration::days(8));
    assert_eq!(run_once(&app.state).await.unwrap().created, 1);
    let restarted = another_state(&app, |_| {}).await;
    assert_eq!(run_once(&restarted).await.unwrap().created, 0);
    assert_eq!(inbox(&app, &token).await.len(), 1);
}

async fn email_world(app: &TestApp) -> String {
    let unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let (s, v) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/email",
            Some(&token),
            Some(json!({"email": "team@example.cn"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["email"], "team@example.cn");
    app.register_activity(&token, team, Duration::hours(1)).await;
    app.advance(Duration::days(8));
    token
}

async fn spawn_mailing(sink_url: String) -> TestApp {
    TestApp::spawn_tuned(Default::default(), None, move |s| {
        s.reminders.smtp_url = Some(sink_url);
        s.public_url = Some("https://zhihui.example.cn".into());
    })
    .await
}

/// R-REMIND: with SMTP configured and an address on the user, the reminder is e-mailed to a
/// real SMTP server: recipient, subject and link checked; sent once.
#[tokio::test]
async fn reminder_is_emailed_with_subject_and_link() {
    let sink = Sink::start().await;
    let app = spawn_mailing(sink.url()).await;
    let token = email_world(&app).await;
    let o = run_once(&app.state).await.unwrap();
    assert_eq!((o.created, o.emailed, o.failed), (1, 1, 0));
    assert_eq!(run_once(&app.state).await.unwrap().emailed, 0, "sent once");
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt, vec!["team@example.cn"]);
    assert_eq!(mails[0].subject(), "活动待填报：社区科普讲座");
    let items = inbox(&app, &token).await;
    let link = format!("https://zhihui.example.cn{}", items[0]["link"].as_str().unwrap());
    assert!(mails[0].text().contains(&link), "{}", mails[0].text());
    assert!(mails[0].text().contains("尚未填报"));
    assert_eq!(items[0]["channel"], "email");
    assert!(items[0]["sent_at"].is_string());
}

/// R-REMIND: a failed send is recorded and retried with back-off, never twice at once.
#[tokio::test]
async fn failed_email_is_recorded_and_retried_later() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = spawn_mailing(format!("smtp://127.0.0.1:{port}")).await;
    email_world(&app).await;
    let o = run_once(&app.state).await.unwrap();
    assert_eq!((o.created, o.emailed, o.failed), (1, 0, 1));
    use sea_orm::EntityTrait;
    let row = entity::notifications::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    assert!(row.sent_at.is_none());
    assert_eq!(
        run_once(&app.state).await.unwrap().failed,
        0,
        "not before its back-off"
    );
    app.advance(Duration::minutes(2));
    assert_eq!(run_once(&app.state).await.unwrap().failed, 1, "retried after it");
    let row = entity::notifications::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 2);
}

/// R-REMIND: two schedulers on one database (PostgreSQL with `ZHIHUI_TEST_DATABASE_URL`) at
/// the same moment: each reminder is stored once and e-mailed once.
#[tokio::test]
async fn two_schedulers_on_one_database_send_once() {
    let sink = Sink::start().await;
    let app = spawn_mailing(sink.url()).await;
    let unit = app.create_unit("society", None).await;
    let mut tokens = vec![];
    for i in 0..5 {
        let (team, token) = app.team_with_user(unit).await;
        app.call(
            reqwest::Method::PUT,
            "/api/v1/me/email",
            Some(&token),
            Some(json!({"email": format!("team{i}@example.cn")})),
        )
        .await;
        app.register_activity(&token, team, Duration::hours(1)).await;
        tokens.push(token);
    }
    app.advance(Duration::days(8));
    let other = Arc::new(another_state(&app, |_| {}).await);
    let mine = Arc::new(app.state.clone());
    let mut runs = vec![];
    for round in 0..3 {
        let (a, b) = (mine.clone(), other.clone());
        runs.push(tokio::spawn(async move { run_once(&a).await.unwrap() }));
        runs.push(tokio::spawn(async move { run_once(&b).await.unwrap() }));
        let _ = round;
    }
    let mut created = 0;
    let mut emailed = 0;
    for r in runs {
        let o = r.await.unwrap();
        created += o.created;
        emailed += o.emailed;
    }
    assert_eq!(created, 5);
    assert_eq!(emailed, 5);
    let mails = sink.mails();
    assert_eq!(mails.len(), 5);
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt.clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 5, "each address once");
    for t in &tokens {
        assert_eq!(inbox(&app, t).await.len(), 1);
    }
}

/// R-ERR: a malformed address is 422 `invalid_email` on `email`; null clears it.
#[tokio::test]
async fn bad_email_addresses_are_refused() {
    let app = TestApp::spawn().await;
    for bad in [
        "no-at-sign",
        "a@b",
        "a b@example.cn",
        "x@y@example.cn",
        "<a@example.cn>",
    ] {
        let r = app
            .call(
                reqwest::Method::PUT,
                "/api/v1/me/email",
                Some(&app.admin),
                Some(json!({"email": bad})),
            )
            .await;
        assert_error(&r, 422, "invalid_email");
        assert_eq!(r.1["field"], "email");
    }
    let (s, v) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/email",
            Some(&app.admin),
            Some(json!({"email": null})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["email"], Value::Null);
}

/// R-REMIND (issue 14): a reminder is once per wait, not once ever — an application reminded
/// at its unit's step, sent back and resubmitted, that waits again at the same step is
/// reminded again (once), and a restarted instance adds nothing.
#[tokio::test]
async fn a_resubmitted_application_waiting_again_is_reminded_again() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, team, application) = app.submitted_application(cycle, unit).await;

    app.advance(Duration::days(3) + Duration::hours(1));
    assert_eq!(run_once(&app.state).await.unwrap().created, 1);
    let items = inbox(&app, &unit_user).await;
    assert_eq!(kinds(&items), vec!["opinion_waiting_unit"]);

    // Sent back, amended and resubmitted: the unit's step waits again from now.
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/opinions"),
            &unit_user,
            json!({"decision": "return", "comment": "请补充项目效益"}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("returned")),
        "{v}"
    );
    app.advance(Duration::hours(2));
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/submit"),
            &team,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    app.advance(Duration::days(2));
    assert_eq!(
        run_once(&app.state).await.unwrap().created,
        0,
        "the new wait is not 3 days old yet"
    );
    app.advance(Duration::days(1) + Duration::hours(1));
    assert_eq!(run_once(&app.state).await.unwrap().created, 1, "reminded again");
    assert_eq!(run_once(&app.state).await.unwrap().created, 0, "once per wait");
    let restarted = another_state(&app, |_| {}).await;
    assert_eq!(
        run_once(&restarted).await.unwrap().created,
        0,
        "a restart adds nothing"
    );
    let items = inbox(&app, &unit_user).await;
    assert_eq!(kinds(&items), vec!["opinion_waiting_unit"; 2]);
    assert!(items.iter().all(|i| i["object_id"] == application));
    assert_ne!(items[0]["due_at"], items[1]["due_at"], "two waits, two deadlines");
}

/// Issue 14 (SMTP over TLS): `?tls=required` (STARTTLS) and `smtps://` (TLS) never fall back to
/// plain text — against a server that offers no TLS the send fails and is recorded (the
/// address masked), and the server receives no message.
#[tokio::test]
async fn tls_urls_never_send_in_the_clear() {
    for form in ["smtp://127.0.0.1:{port}?tls=required", "smtps://127.0.0.1:{port}"] {
        let sink = Sink::start().await;
        let app = spawn_mailing(form.replace("{port}", &sink.port.to_string())).await;
        email_world(&app).await;
        let o = run_once(&app.state).await.unwrap();
        assert_eq!((o.created, o.emailed, o.failed), (1, 0, 1), "{form}");
        assert!(sink.mails().is_empty(), "{form}: nothing in the clear");
        use sea_orm::EntityTrait;
        let row = entity::notifications::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let error = row.last_error.unwrap();
        assert!(!error.contains("team@example.cn"), "{form}: {error}");
        assert!(row.sent_at.is_none());
    }
}

/// Issue 14: reminders stored before `waiting_since` existed get the moment of the wait they
/// reminded of, so the scheduler does not remind the same wait again after the upgrade (on
/// SQLite and PostgreSQL).
#[tokio::test]
async fn reminders_stored_before_the_upgrade_are_not_repeated() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let cycle = app.open_cycle(2026).await;
    let (team_id, team, _) = app.submitted_application(cycle, unit).await;
    app.register_activity(&team, team_id, Duration::hours(1)).await;
    app.advance(Duration::days(8));
    assert_eq!(run_once(&app.state).await.unwrap().created, 2);
    let stored = || async {
        use sea_orm::QueryOrder;
        entity::notifications::Entity::find()
            .order_by_asc(entity::notifications::Column::Id)
            .all(&app.db)
            .await
            .unwrap()
    };
    let before = stored().await;

    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261208_300001_reminder_waits")
        .expect("the reminder-waits migration");
    Migrator::down(&app.db, Some((all.len() - at) as u32))
        .await
        .unwrap();
    Migrator::up(&app.db, None).await.unwrap();

    let after = stored().await;
    assert_eq!(after.len(), 2);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.waiting_since, b.waiting_since, "{}", a.kind);
    }
    assert_eq!(run_once(&app.state).await.unwrap().created, 0, "the same waits");
    assert_eq!(inbox(&app, &unit_user).await.len(), 1);
}

//! Issue 20 point 9: start-up. The port is bound before anything touches the database (a busy
//! port changes nothing); the database password never appears in an error; two instances
//! started at the same moment on one fresh PostgreSQL database both come up.

use std::sync::Arc;
use zhihui::{clock::OffsetClock, config::Settings, startup::Application};

fn settings(bind: String, database_url: String, dir: &std::path::Path) -> Settings {
    Settings {
        bind,
        database_url,
        storage_dir: dir.join("files"),
        admin_username: Some("admin".into()),
        admin_password: Some("admin-password-1".into()),
        upload_limits: Default::default(),
        token_ttl_hours: 12,
        public_url: None,
        statement_header: false,
        security: Default::default(),
        objection_rate_per_minute: 5,
        attachments_per_application: 40,
        attachment_bytes_per_application: 500 * 1024 * 1024,
        reminders: Default::default(),
    }
}

/// A fresh PostgreSQL database when `ZHIHUI_TEST_DATABASE_URL` names a server.
async fn fresh_pg() -> Option<String> {
    use sea_orm::ConnectionTrait;
    let base = std::env::var("ZHIHUI_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))?;
    let name = format!("zhihui_t_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&base).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    admin.close().await.ok();
    Some(format!("{}/{name}", &base[..base.rfind('/').unwrap()]))
}

async fn build(s: Settings) -> Result<Application, String> {
    Application::build(s, Arc::new(OffsetClock::default()))
        .await
        .map_err(|e| e.to_string())
}

/// A busy port: one clear error, and the database is not even created.
#[tokio::test]
async fn a_busy_port_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let db_file = dir.path().join("z.db");
    let url = match fresh_pg().await {
        Some(u) => u,
        None => format!("sqlite://{}?mode=rwc", db_file.display()),
    };
    let err = build(settings(bind.clone(), url.clone(), dir.path()))
        .await
        .err()
        .expect("the port is taken");
    assert!(err.starts_with(&format!("cannot listen on {bind}")), "{err}");
    assert!(!err.contains('\n'), "{err}");
    if url.starts_with("sqlite") {
        assert!(!db_file.exists(), "the database was touched");
    } else {
        use sea_orm::{ConnectionTrait, Statement};
        let db = sea_orm::Database::connect(&url).await.unwrap();
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
            ))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        assert_eq!(n, 0, "migrations ran although the port was busy");
    }
}

/// The password of a database URL is never in an error.
#[tokio::test]
async fn the_database_password_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://zhihui:hunter2-secret@127.0.0.1:1/nowhere".to_owned();
    let err = build(settings("127.0.0.1:0".into(), url, dir.path()))
        .await
        .err()
        .expect("nothing listens on port 1");
    assert!(err.contains("postgres://zhihui:***@127.0.0.1:1/nowhere"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert_eq!(
        zhihui::startup::scrub("failed: postgres://u:pw-x@h/db (pw-x)", "postgres://u:pw-x@h/db"),
        "failed: postgres://u:***@h/db (***)"
    );
}

/// Two instances started at the same moment on one fresh PostgreSQL database both come up
/// (migrations and the first admin under `pg_advisory_lock`); one admin exists.
#[tokio::test]
async fn two_instances_started_together_on_fresh_postgres_both_come_up() {
    let Some(url) = fresh_pg().await else {
        eprintln!("skipped: set ZHIHUI_TEST_DATABASE_URL to a PostgreSQL server to run this test");
        return;
    };
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = tokio::join!(
        build(settings("127.0.0.1:0".into(), url.clone(), d1.path())),
        build(settings("127.0.0.1:0".into(), url.clone(), d2.path())),
    );
    let (a, b) = (a.expect("first instance"), b.expect("second instance"));
    assert_ne!(a.address(), b.address());
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        entity::users::Entity::find().count(&a.state().db).await.unwrap(),
        1
    );
}

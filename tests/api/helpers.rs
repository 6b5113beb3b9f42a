//! `TestApp::spawn()`: the real service on 127.0.0.1:0 with a fresh database — a temporary
//! SQLite file, or with `ZHIHUI_TEST_DATABASE_URL=postgres://…/db` a new PostgreSQL database
//! per test — and a clock the test can move forward.

#![allow(dead_code)] // each test module uses its own subset of the helpers

use chrono::{DateTime, Duration, FixedOffset, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use zhihui::{
    clock::OffsetClock,
    config::{Settings, UploadLimits},
    startup::Application,
};

pub const ADMIN: (&str, &str) = ("admin", "admin-password-1");
pub const PASSWORD: &str = "correct-horse-1";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<OffsetClock>,
    pub admin: String,
    pub storage_dir: std::path::PathBuf,
    /// Direct database access, for seeding states a test does not walk through over HTTP.
    pub db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
    seq: std::sync::atomic::AtomicU32,
}

async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("ZHIHUI_TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = format!("zhihui_t_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&base)
                .await
                .expect("connect to the test PostgreSQL");
            use sea_orm::ConnectionTrait;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            admin.close().await.ok();
            let cut = base.rfind('/').expect("a database URL ends in /name");
            format!("{}/{name}", &base[..cut])
        }
        _ => format!("sqlite://{}/zhihui.db?mode=rwc", dir.display()),
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(UploadLimits::default(), None).await
    }

    /// `token_ttl_hours`: `None` keeps tokens valid across the long clock jumps tests make.
    pub async fn spawn_with(upload_limits: UploadLimits, token_ttl_hours: Option<i64>) -> Self {
        zhihui::telemetry::init_for_tests();
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings {
            bind: "127.0.0.1:0".into(),
            database_url: fresh_database(dir.path()).await,
            storage_dir: dir.path().join("files"),
            admin_username: Some(ADMIN.0.into()),
            admin_password: Some(ADMIN.1.into()),
            upload_limits,
            token_ttl_hours: token_ttl_hours.unwrap_or(24 * 3650),
        };
        let storage_dir = settings.storage_dir.clone();
        let clock = Arc::new(OffsetClock::default());
        let app = Application::build(settings, clock.clone())
            .await
            .expect("build app");
        let base = format!("http://{}", app.address());
        let db = app.state().db.clone();
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        let client = reqwest::Client::new();
        let mut me = Self {
            base,
            client,
            clock,
            admin: String::new(),
            storage_dir,
            db,
            _dir: dir,
            seq: Default::default(),
        };
        me.admin = me.login(ADMIN.0, ADMIN.1).await;
        me
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn unique(&self, prefix: &str) -> String {
        let n = self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        format!("{prefix}{n}")
    }

    pub fn now(&self) -> DateTime<Utc> {
        use zhihui::clock::Clock;
        self.clock.now()
    }

    /// Moves the service's clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by)
    }

    /// An RFC 3339 time `by` from now, in China Standard Time.
    pub fn at(&self, by: Duration) -> String {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        (self.now() + by).with_timezone(&cst).to_rfc3339()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON body for {path}: {text}"))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let (s, v) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "login {username}: {v}");
        v["token"].as_str().unwrap().to_owned()
    }

    pub async fn create_unit(&self, kind: &str, parent_id: Option<i64>) -> i64 {
        let name = self.unique(&format!("沈阳{kind}单位"));
        let (s, v) = self
            .post(
                "/api/v1/units",
                &self.admin,
                json!({"name": name, "kind": kind, "parent_id": parent_id}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    pub async fn unit_name(&self, id: i64) -> String {
        let (_, v) = self.get("/api/v1/units?per_page=500", &self.admin).await;
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn team_body(&self, unit_id: i64) -> Value {
        json!({
            "name": self.unique("科技志愿服务队"),
            "unit_id": unit_id,
            "founded_on": "2020-03-01",
            "volunteer_count": 35,
            "platform_id": self.unique("DMZY-"),
            "leader_name": "张三",
            "leader_mobile": "13812345678"
        })
    }

    pub async fn create_team(&self, unit_id: i64) -> i64 {
        let (s, v) = self
            .post("/api/v1/teams", &self.admin, self.team_body(unit_id))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    /// Creates a user of `role` and logs in: (user id, token).
    pub async fn user(&self, role: &str, unit_id: Option<i64>, team_id: Option<i64>) -> (i64, String) {
        let username = self.unique(&format!("{role}_"));
        let (s, v) = self
            .post(
                "/api/v1/users",
                &self.admin,
                json!({"username": username, "password": PASSWORD, "display_name": "测试用户",
                       "role": role, "unit_id": unit_id, "team_id": team_id}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (v["id"].as_i64().unwrap(), self.login(&username, PASSWORD).await)
    }

    /// A unit with one team and its user: (unit id, team id, team token).
    pub async fn team_with_user(&self, unit_id: i64) -> (i64, String) {
        let team = self.create_team(unit_id).await;
        let (_, token) = self.user("team", None, Some(team)).await;
        (team, token)
    }

    pub fn activity_body(&self, team_id: i64, start_in: Duration) -> Value {
        json!({
            "team_id": team_id,
            "name": "社区科普讲座",
            "category": "科普报告",
            "planned_start": self.at(start_in),
            "planned_end": self.at(start_in + Duration::hours(3)),
            "location": "沈阳市和平区社区服务中心",
            "leader_name": "李四",
            "leader_mobile": "13912345678",
            "tasks": [{"content": "讲解防灾减灾知识", "target": "覆盖居民100人"}]
        })
    }

    pub async fn register_activity(&self, token: &str, team_id: i64, start_in: Duration) -> i64 {
        let (s, v) = self
            .post("/api/v1/activities", token, self.activity_body(team_id, start_in))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    pub async fn report_activity(&self, token: &str, id: i64, sessions: i64, people: i64) {
        let body = json!({
            "actual_start": self.at(Duration::hours(-2)), "actual_end": self.at(Duration::hours(-1)),
            "sessions": sessions, "people_served": people, "volunteers": 6, "summary": "活动顺利完成"
        });
        let (s, v) = self
            .post(&format!("/api/v1/activities/{id}/report"), token, body)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
}

/// Asserts an error response: status and code (and the field when given).
#[track_caller]
pub fn assert_error(resp: &(StatusCode, Value), status: u16, code: &str) {
    assert_eq!(
        resp.0.as_u16(),
        status,
        "expected {status} {code}, got {}",
        resp.1
    );
    assert_eq!(resp.1["code"], code, "body: {}", resp.1);
    let msg = resp.1["message"].as_str().unwrap_or_default();
    assert!(msg.contains(" / "), "message has Chinese and English: {msg}");
}

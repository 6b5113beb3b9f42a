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
    config::{Security, Settings, UploadLimits},
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
    /// The running service's state (to call a service directly, e.g. the purge).
    pub state: zhihui::state::AppState,
    /// The database URL, for a second instance on the same database.
    pub database_url: String,
    _dir: tempfile::TempDir,
    seq: std::sync::atomic::AtomicU32,
}

pub async fn fresh_database(dir: &std::path::Path) -> String {
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
        Self::spawn_tuned(upload_limits, token_ttl_hours, |_| {}).await
    }

    /// With security settings of the test's choosing (e.g. 127.0.0.1 as a trusted proxy, so
    /// `X-Forwarded-For` names the client).
    pub async fn spawn_with_security(security: Security) -> Self {
        Self::spawn_tuned(UploadLimits::default(), None, move |s| s.security = security).await
    }

    /// Security settings with this machine as the trusted proxy.
    pub fn behind_proxy() -> Security {
        Security {
            trusted_proxies: zhihui::client_addr::parse_trusted("127.0.0.1, ::1").unwrap(),
            ..Security::default()
        }
    }

    /// As `spawn_with`, then `tune` may change any setting before the app is built.
    pub async fn spawn_tuned(
        upload_limits: UploadLimits,
        token_ttl_hours: Option<i64>,
        tune: impl FnOnce(&mut Settings),
    ) -> Self {
        zhihui::telemetry::init_for_tests();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings {
            bind: "127.0.0.1:0".into(),
            database_url: fresh_database(dir.path()).await,
            storage_dir: dir.path().join("files"),
            admin_username: Some(ADMIN.0.into()),
            admin_password: Some(ADMIN.1.into()),
            upload_limits,
            token_ttl_hours: token_ttl_hours.unwrap_or(24 * 3650),
            public_url: None,
            statement_header: true,
            security: Security::default(),
            // Every test client is 127.0.0.1; the rate limit has its own test.
            objection_rate_per_minute: 100_000,
            attachments_per_application: 40,
            attachment_bytes_per_application: 500 * 1024 * 1024,
            reminders: Default::default(),
        };
        tune(&mut settings);
        let storage_dir = settings.storage_dir.clone();
        let database_url = settings.database_url.clone();
        let clock = Arc::new(OffsetClock::default());
        let app = Application::build(settings, clock.clone())
            .await
            .expect("build app");
        let base = format!("http://{}", app.address());
        let db = app.state().db.clone();
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        let client = reqwest::Client::new();
        let mut me = Self {
            base,
            client,
            clock,
            admin: String::new(),
            storage_dir,
            db,
            state,
            database_url,
            _dir: dir,
            seq: Default::default(),
        };
        me.admin = me.login(ADMIN.0, ADMIN.1).await;
        me
    }

    /// A second instance of the service on the same database, storage and clock; its base URL.
    pub async fn another_instance(&self) -> String {
        // The same settings (database, storage, limits), another port.
        let mut settings = (*self.state.settings).clone();
        settings.bind = "127.0.0.1:0".into();
        let app = Application::build(settings, self.clock.clone())
            .await
            .expect("build a second instance");
        let base = format!("http://{}", app.address());
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        base
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
            "category": "lecture",
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

// ---- cycles and applications -------------------------------------------------------------

impl TestApp {
    pub fn cycle_body(&self, year: i32) -> Value {
        json!({
            "year": year,
            "title": format!("{year}年度沈阳市科技志愿服务\"智惠行动\"项目评审"),
            "applications_open_at": self.at(Duration::hours(-1)),
            "applications_close_at": self.at(Duration::days(30)),
            "activity_period_start": format!("{}-01-01", self.now().format("%Y").to_string().parse::<i32>().unwrap() - 1),
            "activity_period_end": format!("{}-12-31", self.now().format("%Y").to_string().parse::<i32>().unwrap() + 1),
            "min_award_score": 60,
            "reviewers_per_application": 3,
            "aggregation": "mean",
            "tiers": [
                {"tier": "first", "quota": 1, "subsidy_fen": 1_000_000},
                {"tier": "second", "quota": 2, "subsidy_fen": 500_000},
                {"tier": "third", "quota": 3, "subsidy_fen": 200_000}
            ]
        })
    }

    /// Creates and opens a cycle whose window is open now.
    pub async fn open_cycle(&self, year: i32) -> i64 {
        let (s, v) = self
            .post("/api/v1/cycles", &self.admin, self.cycle_body(year))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        let (s, v) = self
            .post(&format!("/api/v1/cycles/{id}/open"), &self.admin, json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        id
    }

    pub fn application_body(&self, team_id: i64, activity_ids: &[i64]) -> Value {
        json!({
            "team_id": team_id,
            "project_name": "社区科普进万家",
            "leader_name": "王五",
            "leader_title": "副教授",
            "phone": "024-22729879",
            "mobile": "13612345678",
            "overview": "志愿者30人，设施齐全，经费2万元；全年开展讲座12场，服务居民2000人。",
            "highlights": "立足社区，常态化开展。",
            "benefits": "提升居民科学素质。",
            "activity_ids": activity_ids,
            "bank": {"bank_name": "中国工商银行沈阳分行", "account_no": "6222 0202 0001 2345 678", "account_name": "沈阳某大学"}
        })
    }

    /// A reported activity of the team (registered ahead, clock moved past its start).
    pub async fn reported_activity(&self, token: &str, team_id: i64, sessions: i64, people: i64) -> i64 {
        let id = self.register_activity(token, team_id, Duration::hours(1)).await;
        self.advance(Duration::hours(2));
        self.report_activity(token, id, sessions, people).await;
        id
    }

    /// Seeds an evidence row directly (the upload path has its own tests).
    pub async fn seed_attachment(&self, application_id: i64, kind: &str) {
        use sea_orm::{ActiveModelTrait, Set};
        let user = entity::users::Entity::find()
            .one(&self.db)
            .await
            .unwrap()
            .unwrap();
        entity::attachments::ActiveModel {
            application_id: Set(application_id as i32),
            kind: Set(zhihui::storage::EvidenceKind::parse(kind).expect("a known evidence kind")),
            filename: Set(format!("{kind}.bin")),
            size: Set(4),
            sha256: Set("0".repeat(64)),
            content_type: Set("application/pdf".into()),
            uploaded_by: Set(user.id),
            created_at: Set(self.now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap();
    }

    /// A team with a reported activity and a draft application in `cycle`: (team, token, application).
    pub async fn draft_application(&self, cycle: i64, unit: i64) -> (i64, String, i64) {
        let (team, token) = self.team_with_user(unit).await;
        let act = self.reported_activity(&token, team, 2, 120).await;
        let (s, v) = self
            .post(
                &format!("/api/v1/cycles/{cycle}/applications"),
                &token,
                self.application_body(team, &[act]),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (team, token, v["id"].as_i64().unwrap())
    }

    /// As `draft_application`, with evidence, submitted.
    pub async fn submitted_application(&self, cycle: i64, unit: i64) -> (i64, String, i64) {
        let (team, token, app) = self.draft_application(cycle, unit).await;
        self.seed_attachment(app, "summary").await;
        self.seed_attachment(app, "photo").await;
        let (s, v) = self
            .post(&format!("/api/v1/applications/{app}/submit"), &token, json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        (team, token, app)
    }
}

use sea_orm::EntityTrait as _;

// ---- Evidence uploads and seeded applications (storage branch) ----

impl TestApp {
    /// Seeds an open cycle (a fresh year each call) and a draft application of `team_id`
    /// directly in the database; returns the application id.
    pub async fn seed_draft_application(&self, team_id: i64) -> i64 {
        use entity::{applications, cycles};
        use sea_orm::{ActiveModelTrait, Set};
        use zhihui::domain::cycle;
        let n = self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as i32;
        let now = self.now();
        let day = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let cycle = cycles::ActiveModel {
            year: Set(2060 + n),
            title: Set(format!("{}年度智惠行动", 2060 + n)),
            applications_open_at: Set(now - Duration::days(1)),
            applications_close_at: Set(now + Duration::days(30)),
            activity_period_start: Set(day(2024, 1, 1)),
            activity_period_end: Set(day(2024, 12, 31)),
            min_award_score_tenths: Set(600),
            reviewers_per_application: Set(3),
            aggregation: Set(cycle::Aggregation::Mean),
            tiers: Set(cycle::Tiers(vec![cycle::TierRule {
                tier: zhihui::domain::ranking::Tier::First,
                quota: 1,
                subsidy_fen: 1_000_000,
            }])),
            rubric: Set(cycle::Rubric(cycle::default_rubric())),
            status: Set(cycle::CycleStatus::Open),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("seed cycle");
        let app = applications::ActiveModel {
            cycle_id: Set(cycle.id),
            team_id: Set(team_id as i32),
            project_name: Set("社区科普进万家".into()),
            leader_name: Set("张三".into()),
            leader_title: Set("队长".into()),
            phone: Set("024-12345678".into()),
            mobile: Set("13812345678".into()),
            overview: Set("志愿者20人，开展科普讲座12场".into()),
            highlights: Set("贴近社区".into()),
            benefits: Set("服务居民1200人次".into()),
            bank_name: Set("中国工商银行沈阳分行".into()),
            account_no: Set("6222020200010123".into()),
            account_name: Set("沈阳市某单位".into()),
            status: Set(zhihui::domain::application::ApplicationStatus::Draft),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("seed application");
        i64::from(app.id)
    }

    /// Sets an application's status directly in the database.
    pub async fn set_application_status(&self, id: i64, status: &str) {
        use entity::applications;
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let mut a = applications::Entity::find_by_id(id as i32)
            .one(&self.db)
            .await
            .unwrap()
            .expect("application exists")
            .into_active_model();
        a.status =
            Set(zhihui::domain::application::ApplicationStatus::parse(status).expect("a known status"));
        a.update(&self.db).await.unwrap();
    }

    /// POSTs a multipart form: text parts, then an optional file part `(name, filename, bytes)`.
    pub async fn post_multipart(
        &self,
        path: &str,
        token: &str,
        texts: &[(&str, &str)],
        file: Option<(&str, &str, Vec<u8>)>,
    ) -> (StatusCode, Value) {
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
        let resp = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON body for {path}: {text}"));
        (status, value)
    }

    /// Uploads evidence: `kind`, then the file.
    pub async fn upload(
        &self,
        token: &str,
        application: i64,
        kind: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        self.post_multipart(
            &format!("/api/v1/applications/{application}/attachments"),
            token,
            &[("kind", kind)],
            Some(("file", filename, bytes)),
        )
        .await
    }

    /// Every file under the storage folder (uploads in progress included).
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    walk(&e.path(), out);
                } else {
                    out.push(e.path());
                }
            }
        }
        let mut out = vec![];
        walk(&self.storage_dir, &mut out);
        out
    }
}

/// Tiny payloads with the right magic bytes.
pub mod evidence {
    pub fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
    }
    pub fn jpeg() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
        v.extend_from_slice(&[0x11; 64]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }
    pub fn png() -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
        v.extend_from_slice(&[0x22; 32]);
        v
    }
    pub fn mp4() -> Vec<u8> {
        let mut v = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
        v.extend_from_slice(&[0x33; 128]);
        v
    }
    /// A zip holding `entry` (a docx when it is `word/document.xml`).
    pub fn zip_with(entry: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(entry, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><w:document/>").unwrap();
        zip.finish().unwrap().into_inner()
    }
    pub fn sha256(bytes: &[u8]) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    }
}

//! Benchmark (not a timed test): the paper forms (R-FORM).
//!
//! `cargo bench --bench forms` seeds a SQLite database (in a temporary folder) with a cycle of
//! 500 accepted applications, each with 2,000-character texts and three counted activities,
//! and a cycle of 50 such applications, then measures
//! - one 项目申报书 built from its data (median of 50 builds), and
//! - the admin's zip of every accepted 申报书 through the service function the endpoint calls
//!   (`services::forms::archive::cycle_forms`: loading, building, writing the temporary file),
//!   first for 50 applications, then for 500, with the process's peak resident memory
//!   (`VmHWM`) after each: memory is flat when 500 cost no more than 50.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait};
use std::{sync::Arc, time::Instant};
use zhihui::{
    authz::Caller,
    clock::SystemClock,
    config::{Settings, UploadLimits},
    domain::{
        activity::{ActivityStatus, Category},
        application::ApplicationStatus,
        cycle,
        ranking::Tier,
        roles::{Role, UnitKind},
    },
    export::application_form,
    services::forms::{
        application::{Copy, load},
        archive::cycle_forms,
    },
    startup::Application,
};

const BIG: usize = 500;
const SMALL: usize = 50;

/// Peak resident set size in KiB (Linux), if known.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn text(seed: &str) -> String {
    seed.chars().cycle().take(2000).collect()
}

/// A cycle of `n` accepted applications of `n` teams under one unit; returns the cycle id.
async fn seed(db: &DatabaseConnection, year: i32, n: usize) -> i32 {
    let now = Utc::now();
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a date");
    let txn = db.begin().await.expect("begin");
    let unit = entity::units::ActiveModel {
        name: Set(format!("沈阳市科技志愿服务单位{year}")),
        kind: Set(UnitKind::University),
        parent_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("unit");
    let cycle = entity::cycles::ActiveModel {
        year: Set(year),
        title: Set(format!("{year}年度智惠行动")),
        applications_open_at: Set(now - Duration::days(60)),
        applications_close_at: Set(now - Duration::days(30)),
        activity_period_start: Set(day(1, 1)),
        activity_period_end: Set(day(12, 31)),
        min_award_score_tenths: Set(600),
        reviewers_per_application: Set(1),
        aggregation: Set(cycle::Aggregation::Mean),
        tiers: Set(cycle::Tiers(vec![cycle::TierRule {
            tier: Tier::First,
            quota: 1,
            subsidy_fen: 1_000_000,
        }])),
        rubric: Set(cycle::Rubric(cycle::default_rubric())),
        status: Set(cycle::CycleStatus::Reviewing),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("cycle");
    for i in 0..n {
        let team = entity::teams::ActiveModel {
            name: Set(format!("沈阳市第{i}科技志愿服务队（{year}）")),
            unit_id: Set(unit.id),
            founded_on: Set(day(3, 1)),
            volunteer_count: Set(40),
            platform_id: Set(Some(format!("DMZY-{year}-{i}"))),
            leader_name: Set("张三".into()),
            leader_mobile: Set("13812345678".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("team");
        let app = entity::applications::ActiveModel {
            cycle_id: Set(cycle.id),
            team_id: Set(team.id),
            project_name: Set(format!("社区防灾减灾科普进万家第{i}期")),
            leader_name: Set("王五".into()),
            leader_title: Set("副教授".into()),
            phone: Set("024-88886666".into()),
            mobile: Set("13612345678".into()),
            overview: Set(text(
                "本项目共有注册科技志愿者48人，配备投影、展板等设施，全年开展讲座12场。\n",
            )),
            highlights: Set(text("立足社区，常态化开展，形成讲座加演练的品牌活动。")),
            benefits: Set(text("居民应急避险知识明显提升，社区应急预案得到完善。")),
            bank_name: Set("中国工商银行沈阳北陵支行".into()),
            account_no: Set("6222020200012345678".into()),
            account_name: Set(unit.name.clone()),
            status: Set(ApplicationStatus::Accepted),
            submitted_at: Set(Some(now - Duration::days(40))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("application");
        for k in 0..3u32 {
            let start = day(4 + k, 12).and_hms_opt(1, 0, 0).expect("a time").and_utc();
            let activity = entity::activities::ActiveModel {
                team_id: Set(team.id),
                name: Set(format!("社区防灾减灾科普讲座（第{}期）", k + 1)),
                category: Set(Category::Lecture),
                planned_start: Set(start),
                planned_end: Set(start + Duration::hours(3)),
                location: Set("沈北新区道义街道".into()),
                leader_name: Set("张三".into()),
                leader_mobile: Set("13812345678".into()),
                status: Set(ActivityStatus::Reported),
                registered_at: Set(start - Duration::days(7)),
                updated_at: Set(now),
                actual_start: Set(Some(start)),
                actual_end: Set(Some(start + Duration::hours(2))),
                sessions: Set(Some(2)),
                people_served: Set(Some(130)),
                volunteers: Set(Some(9)),
                summary: Set(Some("顺利完成".into())),
                reported_at: Set(Some(start + Duration::days(1))),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("activity");
            entity::application_activities::ActiveModel {
                application_id: Set(app.id),
                activity_id: Set(activity.id),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("link");
        }
    }
    txn.commit().await.expect("commit");
    cycle.id
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()),
        storage_dir: dir.path().join("files"),
        admin_username: Some("admin".into()),
        admin_password: Some("bench-password-1".into()),
        upload_limits: UploadLimits::default(),
        token_ttl_hours: 12,
        public_url: None,
        statement_header: false,
        security: Default::default(),
        objection_rate_per_minute: 5,
        attachments_per_application: 40,
        attachment_bytes_per_application: 500 * 1024 * 1024,
        reminders: Default::default(),
    };
    let app = Application::build(settings, Arc::new(SystemClock))
        .await
        .expect("build the service");
    let state = app.state().clone();
    let small = seed(&state.db, 2024, SMALL).await;
    let big = seed(&state.db, 2025, BIG).await;
    let admin = Caller {
        user_id: 1,
        username: "admin".into(),
        role: Role::Admin,
        unit_id: None,
        team_id: None,
        units_in_scope: vec![],
        must_change_password: false,
    };

    let model = entity::applications::Entity::find_by_id(1)
        .one(&state.db)
        .await
        .expect("query")
        .expect("application 1");
    let form = load(&state.db, model, Copy::Overseer).await.expect("load");
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..50 {
        let started = Instant::now();
        size = application_form::build(&form).expect("build").len();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "one 申报书 (2,000-character texts, 3 activities): median {:.2?}, min {:.2?}, max {:.2?}; {size} bytes",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    println!("peak memory before the zips: {}", mib(peak_kib()));
    for (n, cycle) in [(SMALL, small), (BIG, big)] {
        let started = Instant::now();
        let zip = cycle_forms(&state, &admin, cycle).await.expect("zip");
        let elapsed = started.elapsed();
        assert_eq!(zip.count, n);
        println!(
            "zip of {n} 申报书: {elapsed:.2?}, {:.1} MiB; peak memory after: {}",
            zip.len as f64 / 1024.0 / 1024.0,
            mib(peak_kib())
        );
    }
}

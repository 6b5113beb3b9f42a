//! Benchmark (not a timed test): statistics for one year over 1,000,000 activities (issue 14:
//! ≤ 1 s, aggregated in SQL, indexed).
//!
//! Seeds in bulk by SQL (a recursive CTE on SQLite, `generate_series` on PostgreSQL; not HTTP):
//! 10 districts × 5 units × 20 teams = 1 000 teams, 1 000 000 activities spread over the year
//! (80 % reported, 10 % registered, 10 % cancelled), 1 000 applications and 300 awards with
//! payments; `ANALYZE`; then times `services::statistics::compute_for` (the admin's view, every
//! statement of one `GET /api/v1/statistics`) for each grouping and prints min / median / max.
//!
//! SQLite: `cargo bench --bench statistics`; PostgreSQL: the same with
//! `ZHIHUI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` (a fresh database is made).
//! Quick check in a debug build: add `--profile dev`.

#[path = "../tests/api/helpers.rs"]
mod helpers;

use helpers::TestApp;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use std::time::Instant;
use zhihui::{
    domain::{activity::Category, statistics::GroupBy},
    services::statistics::{Access, StatScope, activity_statement, compute_for},
};

const ACTIVITIES: i64 = 1_000_000;
const RUNS: usize = 5;

async fn exec(db: &impl ConnectionTrait, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

async fn seed(app: &TestApp) {
    let db = &app.db;
    let pg = db.get_database_backend() == DatabaseBackend::Postgres;
    // 1..n as rows `n(i)`.
    let series = |n: i64| {
        if pg {
            format!("(SELECT generate_series(1, {n}) AS i) n")
        } else {
            format!(
                "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) n"
            )
        }
    };
    // A UTC time `secs` seconds after 2025-01-01 00:00 CST, in the backend's stored form.
    let at = |secs: &str| {
        if pg {
            format!("(TIMESTAMPTZ '2024-12-31 16:00:00+00' + ({secs}) * INTERVAL '1 second')")
        } else {
            format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', 1735660800 + ({secs}), 'unixepoch')")
        }
    };
    let now = at("0");
    exec(
        db,
        &format!(
            "INSERT INTO units (name, name_key, kind, parent_id, created_at) \
         SELECT '区县' || i, 'bench-d' || i, 'district', NULL, {now} FROM {}",
            series(10)
        ),
    )
    .await;
    exec(db, &format!(
        "INSERT INTO units (name, name_key, kind, parent_id, created_at) \
         SELECT '单位' || i, 'bench-u' || i, 'society', (SELECT MIN(id) FROM units) + (i % 10), {now} FROM {}",
        series(50)
    ))
    .await;
    exec(db, &format!(
        "INSERT INTO teams (name, name_key, unit_id, founded_on, volunteer_count, platform_id, leader_name, \
         leader_mobile, created_at, updated_at) \
         SELECT '服务队' || i, 'bench-t' || i, (SELECT MIN(id) FROM units) + 10 + (i % 50), '2020-01-01', 30, \
         'P' || i, '张三', '13812345678', {now}, {now} FROM {}",
        series(1000)
    ))
    .await;
    let start = at("(i * 31)");
    let registered = at("(i * 31) - (i % 72) * 3600");
    // The category codes (issue 18.2), spread evenly over the activities.
    let categories = format!(
        "CASE i % {} {} END",
        Category::ALL.len(),
        Category::ALL
            .iter()
            .enumerate()
            .map(|(k, c)| format!("WHEN {k} THEN '{}'", c.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let status =
        "CASE WHEN i % 10 < 8 THEN 'reported' WHEN i % 10 = 8 THEN 'registered' ELSE 'cancelled' END";
    let reported = |v: &str| format!("CASE WHEN i % 10 < 8 THEN {v} END");
    let t0 = Instant::now();
    exec(db, &format!(
        "INSERT INTO activities (team_id, name, category, planned_start, planned_end, location, leader_name, \
         leader_mobile, status, registered_at, updated_at, sessions, people_served, volunteers) \
         SELECT (SELECT MIN(id) FROM teams) + (i % 1000), '活动', {categories}, {start}, {start}, '沈阳', '李四', \
         '13912345678', {status}, {registered}, {registered}, {}, {}, {} FROM {}",
        reported("1 + i % 5"),
        reported("i % 300"),
        reported("i % 20"),
        series(ACTIVITIES)
    ))
    .await;
    println!(
        "  seeded {ACTIVITIES} activities in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    // The year's cycle: 1 000 applications, 300 awards, 200 of them paid.
    exec(db, &format!(
        "INSERT INTO cycles (year, title, applications_open_at, applications_close_at, activity_period_start, \
         activity_period_end, min_award_score_tenths, reviewers_per_application, aggregation, tiers, rubric, \
         status, created_at, updated_at) VALUES (2025, '2025年度', {now}, {now}, '2024-01-01', '2024-12-31', \
         600, 3, 'mean', '[]', '[]', 'finalized', {now}, {now})"
    ))
    .await;
    exec(db, &format!(
        "INSERT INTO applications (cycle_id, team_id, project_name, leader_name, leader_title, phone, mobile, \
         overview, highlights, benefits, bank_name, account_no, account_name, status, submitted_at, created_at, \
         updated_at) SELECT (SELECT MAX(id) FROM cycles), (SELECT MIN(id) FROM teams) + i - 1, '项目', '王五', \
         '职称', '024', '13812345678', '概述', '亮点', '效益', '银行', '6222020200010123', '户名', 'awarded', \
         {now}, {now}, {now} FROM {}",
        series(1000)
    ))
    .await;
    exec(db, &format!(
        "INSERT INTO awards (cycle_id, application_id, team_id, tier, amount_fen, created_at) \
         SELECT cycle_id, id, team_id, CASE id % 3 WHEN 0 THEN 'first' WHEN 1 THEN 'second' ELSE 'third' END, \
         100000, {now} FROM applications WHERE id % 10 < 3"
    ))
    .await;
    exec(db, &format!(
        "INSERT INTO payouts (award_id, cycle_id, application_id, team_id, tier, amount_fen, bank_name, \
         account_no, account_name, status, created_at, updated_at) SELECT id, cycle_id, application_id, team_id, \
         tier, amount_fen, '银行', '6222020200010123', '户名', 'paid', {now}, {now} FROM awards"
    ))
    .await;
    exec(db, &format!(
        "INSERT INTO payments (award_id, payout_id, amount_fen, paid_on, bank_reference, recorded_by, recorded_at) \
         SELECT award_id, id, amount_fen, '2025-06-01', 'REF' || id, 1, {now} FROM payouts WHERE id % 3 <> 0"
    ))
    .await;
    exec(db, "ANALYZE").await;
    if !pg {
        // One INSERT of 1 000 000 rows leaves them all in the write-ahead log (hundreds of MB),
        // which every read then goes through. A service that received them over time had them
        // moved into the database file by SQLite's automatic checkpoints after its commits;
        // checkpoint once so that the timed reads see that state.
        exec(db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
    }
}

/// The query plans of the activity statements (`BENCH_EXPLAIN=1`).
async fn explain(app: &TestApp, access: &Access) {
    let db = &app.state.read;
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Sqlite {
        let v = db
            .query_one_raw(Statement::from_string(backend, "SELECT sqlite_version() AS v"))
            .await
            .expect("version")
            .expect("a row");
        println!("  SQLite {}", v.try_get::<String>("", "v").expect("text"));
    }
    let prefix = match backend {
        DatabaseBackend::Postgres => "EXPLAIN (ANALYZE, BUFFERS) ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    for g in [None, Some(GroupBy::District), Some(GroupBy::Month)] {
        let stmt = activity_statement(backend, 2025, g, &access.scope);
        let explained = Statement::from_sql_and_values(
            backend,
            format!("{prefix}{}", stmt.sql),
            stmt.values.map(|v| v.0).unwrap_or_default(),
        );
        println!("  plan of {:?}:", g.map(GroupBy::as_str));
        for row in db.query_all_raw(explained).await.expect("explain") {
            let line = match backend {
                DatabaseBackend::Postgres => row.try_get_by_index::<String>(0).expect("a line"),
                _ => row.try_get::<String>("", "detail").expect("detail"),
            };
            println!("    {line}");
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = TestApp::spawn().await;
    let backend = match app.db.get_database_backend() {
        DatabaseBackend::Postgres => "PostgreSQL",
        _ => "SQLite",
    };
    println!("statistics over {ACTIVITIES} activities, {backend}");
    seed(&app).await;
    let admin = Access {
        scope: StatScope::All,
        money_only: false,
    };
    if std::env::var_os("BENCH_EXPLAIN").is_some() {
        explain(&app, &admin).await;
    }
    for g in GroupBy::ALL {
        let mut times = vec![];
        let mut registered = None;
        for _ in 0..RUNS {
            let t = Instant::now();
            let s = compute_for(&app.state.read, &admin, 2025, g)
                .await
                .expect("statistics");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            registered = s.total.activities_registered;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  group_by={:<8} min {:>6.0} ms  median {:>6.0} ms  max {:>6.0} ms  (registered {:?})",
            g.as_str(),
            times[0],
            times[RUNS / 2],
            times[RUNS - 1],
            registered
        );
    }
}

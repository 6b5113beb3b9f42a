//! Benchmark (not a timed test): the association's 排名 page for 500 applications × 5 experts
//! (issue 9: the ranking page renders in ≤ 100 ms).
//!
//! Seeds, straight through the entities: a reviewing cycle, 500 teams each with an accepted
//! application counting one reported activity, 5 experts (through the API) each assigned to
//! every application and each with a score; ranks through the API; then times the logged-in
//! `GET /admin/cycles/:id/ranking` (the whole request: session, the ranking view with every
//! expert's total, spreads and tie-breaks, the template) and prints min / median / p90 / max
//! and the page's size.
//!
//! Quick check in a debug build: `cargo bench --bench ranking_page --profile dev`
//! (release figures: `cargo bench --bench ranking_page`).

#[path = "../tests/api/helpers.rs"]
mod helpers;

use chrono::{Duration, NaiveDate};
use helpers::TestApp;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::json;
use std::{collections::BTreeMap, time::Instant};
use zhihui::domain::{
    activity::{ActivityStatus, Category},
    application::ApplicationStatus,
    cycle,
    ranking::Tier,
};

const APPLICATIONS: usize = 500;
const EXPERTS: usize = 5;
const RUNS: usize = 20;

/// A deterministic spread of points in `0..=max` tenths.
fn points(i: usize, e: usize, k: usize, max: i64) -> i64 {
    let h = (i * 7919 + e * 104_729 + k * 1_299_709) % 1000;
    max / 2 + (h as i64 * (max / 2)) / 1000
}

async fn seed(app: &TestApp, experts: &[i64]) -> i32 {
    let now = app.now();
    let db = &app.db;
    let unit = app.create_unit("university", None).await as i32;
    let txn = db.begin().await.expect("begin");
    let cycle = entity::cycles::ActiveModel {
        year: Set(2099),
        title: Set("2099年度智惠行动项目评审".into()),
        applications_open_at: Set(now - Duration::days(60)),
        applications_close_at: Set(now - Duration::days(30)),
        activity_period_start: Set(NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date")),
        activity_period_end: Set(NaiveDate::from_ymd_opt(2100, 12, 31).expect("a date")),
        min_award_score_tenths: Set(600),
        reviewers_per_application: Set(EXPERTS as i32),
        aggregation: Set(cycle::Aggregation::TrimmedMean),
        tiers: Set(cycle::Tiers(
            [(Tier::First, 10), (Tier::Second, 20), (Tier::Third, 30)]
                .into_iter()
                .map(|(tier, quota)| cycle::TierRule {
                    tier,
                    quota,
                    subsidy_fen: 100_000,
                })
                .collect(),
        )),
        rubric: Set(cycle::Rubric(cycle::default_rubric())),
        status: Set(cycle::CycleStatus::Reviewing),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("cycle");
    let rubric = cycle::default_rubric();
    for i in 0..APPLICATIONS {
        let team = entity::teams::ActiveModel {
            name: Set(format!("沈阳市第{i}科技志愿服务队")),
            unit_id: Set(unit),
            founded_on: Set(NaiveDate::from_ymd_opt(2020, 3, 1).expect("a date")),
            volunteer_count: Set(40),
            platform_id: Set(Some(format!("DMZY-{i}"))),
            leader_name: Set("张三".into()),
            leader_mobile: Set("13812345678".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("team");
        let application = entity::applications::ActiveModel {
            cycle_id: Set(cycle.id),
            team_id: Set(team.id),
            project_name: Set(format!("社区科普进万家第{i}期")),
            leader_name: Set("王五".into()),
            leader_title: Set("队长".into()),
            phone: Set("024-88886666".into()),
            mobile: Set("13612345678".into()),
            overview: Set("面向社区居民开展科普讲座".into()),
            highlights: Set("形式新颖".into()),
            benefits: Set("惠及居民".into()),
            bank_name: Set("中国工商银行沈阳分行".into()),
            account_no: Set("6222020200012345678".into()),
            account_name: Set("沈阳大学".into()),
            status: Set(ApplicationStatus::Accepted),
            submitted_at: Set(Some(now - Duration::days(40) + Duration::minutes(i as i64))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("application");
        let start = now - Duration::days(100);
        let activity = entity::activities::ActiveModel {
            team_id: Set(team.id),
            name: Set("社区科普讲座".into()),
            category: Set(Category::Lecture),
            planned_start: Set(start),
            planned_end: Set(start + Duration::hours(3)),
            location: Set("沈北新区".into()),
            leader_name: Set("张三".into()),
            leader_mobile: Set("13812345678".into()),
            status: Set(ActivityStatus::Reported),
            registered_at: Set(start - Duration::days(7)),
            updated_at: Set(now),
            actual_start: Set(Some(start)),
            actual_end: Set(Some(start + Duration::hours(2))),
            // Few distinct figures, so that ties are broken by them.
            sessions: Set(Some((i % 7) as i32 + 1)),
            people_served: Set(Some((i % 5) as i32 * 50 + 50)),
            volunteers: Set(Some(9)),
            summary: Set(Some("顺利完成".into())),
            reported_at: Set(Some(start + Duration::days(1))),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("activity");
        entity::application_activities::ActiveModel {
            application_id: Set(application.id),
            activity_id: Set(activity.id),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("link");
        for (e, expert) in experts.iter().enumerate() {
            let assignment = entity::assignments::ActiveModel {
                cycle_id: Set(cycle.id),
                application_id: Set(application.id),
                expert_id: Set(*expert as i32),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("assignment");
            let breakdown: BTreeMap<String, i64> = rubric
                .iter()
                .enumerate()
                .map(|(k, c)| (c.key.clone(), points(i % 40, e, k, c.max_tenths())))
                .collect();
            entity::scores::ActiveModel {
                assignment_id: Set(assignment.id),
                total_tenths: Set(breakdown.values().sum()),
                breakdown: Set(vocab::ScoreBreakdown(breakdown)),
                comment: Set("材料完整".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("score");
        }
    }
    txn.commit().await.expect("commit");
    cycle.id
}

#[tokio::main]
async fn main() {
    let app = TestApp::spawn().await;
    let mut experts = Vec::new();
    let expert_unit = app.create_unit("institute", None).await;
    for _ in 0..EXPERTS {
        experts.push(app.user("expert", Some(expert_unit), None).await.0);
    }
    let seeding = Instant::now();
    let cycle = seed(&app, &experts).await;
    println!(
        "seeded {APPLICATIONS} applications × {EXPERTS} experts in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let ranking = Instant::now();
    let (status, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/rank"), &app.admin, json!({}))
        .await;
    assert!(status.is_success(), "{v}");
    println!("ranked through the API in {} ms", ranking.elapsed().as_millis());
    let stored = entity::results::Entity::find()
        .filter(entity::results::Column::CycleId.eq(cycle))
        .all(&app.db)
        .await
        .expect("results");
    assert_eq!(stored.len(), APPLICATIONS);

    let client = reqwest::Client::new();
    let url = app.url(&format!("/admin/cycles/{cycle}/ranking"));
    let cookie = format!("zhihui_session={}", app.admin);
    let mut times = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for run in 0..=RUNS {
        let t = Instant::now();
        let resp = client
            .get(&url)
            .header("cookie", &cookie)
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_success(), "{}", resp.status());
        let body = resp.text().await.expect("body");
        let took = t.elapsed();
        // The first request warms the connection and caches; it is not counted.
        if run > 0 {
            times.push(took);
        }
        assert!(body.contains("data-testid=\"ranking\""));
        bytes = body.len();
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "GET ranking page ({APPLICATIONS} × {EXPERTS}, {bytes} bytes of HTML), {RUNS} runs: \
         min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms (target ≤ 100 ms)",
        ms(times[0]),
        ms(times[RUNS / 2]),
        ms(times[RUNS * 9 / 10]),
        ms(times[RUNS - 1]),
    );
}

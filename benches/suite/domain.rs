//! The review at scale, through the services (database included): automatic assignment of
//! 5,000 applications to 200 experts with 20 % of the pairs in conflict (each expert belongs to
//! one of five units, the applications' teams are spread over the same five), and ranking of
//! 10,000 applications × 5 experts with every score in, then the results sheet of those 10,000.
//! Seeded in bulk straight through the entities; the timed steps go through the HTTP API.

use crate::bulk::{insert_chunks, min_id_where};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use std::collections::BTreeMap;
use zhihui::domain::{activity::ActivityStatus, application::ApplicationStatus, cycle, ranking::Tier};

pub struct ReviewWorld {
    pub cycle: i32,
    pub units: Vec<i32>,
    pub first_application: i32,
}

/// `n` accepted applications in a reviewing cycle of `year`, each with one counted activity,
/// their teams spread over `units` new units.
pub async fn review_world(
    db: &DatabaseConnection,
    year: i32,
    n: usize,
    units_n: usize,
    reviewers: i32,
) -> ReviewWorld {
    let now = Utc::now();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    let mut units = Vec::new();
    for i in 0..units_n {
        let m = entity::units::Entity::insert(entity::units::ActiveModel {
            name: Set(format!("{year}评审单位{i}")),
            name_key: Set(Some(format!("bench-review-{year}-{i}"))),
            kind: Set(zhihui::domain::roles::UnitKind::Institute),
            parent_id: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("a unit");
        units.push(m.last_insert_id);
    }
    let cycle = entity::cycles::Entity::insert(entity::cycles::ActiveModel {
        year: Set(year),
        title: Set(format!("{year}年度智惠行动项目评审")),
        applications_open_at: Set(now - Duration::days(60)),
        applications_close_at: Set(now - Duration::days(30)),
        activity_period_start: Set(day(2000, 1, 1)),
        activity_period_end: Set(day(2100, 12, 31)),
        min_award_score_tenths: Set(600),
        reviewers_per_application: Set(reviewers),
        aggregation: Set(cycle::Aggregation::TrimmedMean),
        tiers: Set(cycle::Tiers(
            [(Tier::First, 100), (Tier::Second, 300), (Tier::Third, 600)]
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
    })
    .exec(db)
    .await
    .expect("a cycle")
    .last_insert_id;
    let key = format!("bench-review-team-{year}-");
    insert_chunks(
        db,
        (0..n).map(|i| entity::teams::ActiveModel {
            name: Set(format!("{year}评审服务队{i}")),
            name_key: Set(Some(format!("{key}{i}"))),
            unit_id: Set(units[i % units.len()]),
            founded_on: Set(day(2018, 3, 1)),
            volunteer_count: Set(40),
            platform_id: Set(Some(format!("DMZY-{year}-{i}"))),
            leader_name: Set("张三".into()),
            leader_mobile: Set("13812345678".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }),
    )
    .await;
    let first_team = min_id_where(db, "teams", &format!("name_key LIKE '{key}%'")).await;
    insert_chunks(
        db,
        (0..n).map(|i| entity::applications::ActiveModel {
            cycle_id: Set(cycle),
            team_id: Set(first_team + i as i32),
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
        }),
    )
    .await;
    let first_application = min_id_where(db, "applications", &format!("cycle_id = {cycle}")).await;
    let start = now - Duration::days(100);
    insert_chunks(
        db,
        (0..n).map(|i| entity::activities::ActiveModel {
            team_id: Set(first_team + i as i32),
            name: Set("社区科普讲座".into()),
            category: Set(zhihui::domain::activity::Category::ALL[0]),
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
            sessions: Set(Some((i % 7) as i32 + 1)),
            people_served: Set(Some((i % 5) as i32 * 50 + 50)),
            volunteers: Set(Some(9)),
            summary: Set(Some("顺利完成".into())),
            reported_at: Set(Some(start + Duration::days(1))),
            ..Default::default()
        }),
    )
    .await;
    let first_activity = min_id_where(
        db,
        "activities",
        &format!("team_id >= {first_team} AND team_id < {}", first_team + n as i32),
    )
    .await;
    insert_chunks(
        db,
        (0..n).map(|i| entity::application_activities::ActiveModel {
            application_id: Set(first_application + i as i32),
            activity_id: Set(first_activity + i as i32),
            ..Default::default()
        }),
    )
    .await;
    ReviewWorld {
        cycle,
        units,
        first_application,
    }
}

/// A deterministic spread of points in `max/2..=max` tenths.
fn points(i: usize, e: usize, k: usize, max: i64) -> i64 {
    let h = (i * 7919 + e * 104_729 + k * 1_299_709) % 1000;
    max / 2 + (h as i64 * (max / 2)) / 1000
}

/// Every application of `world` reviewed by every one of `experts`, each with a score.
pub async fn score_all(db: &DatabaseConnection, world: &ReviewWorld, n: usize, experts: &[i32]) {
    let now = Utc::now();
    insert_chunks(
        db,
        (0..n).flat_map(|i| {
            experts.iter().map(move |&e| entity::assignments::ActiveModel {
                cycle_id: Set(world.cycle),
                application_id: Set(world.first_application + i as i32),
                expert_id: Set(e),
                created_at: Set(now),
                ..Default::default()
            })
        }),
    )
    .await;
    let first = min_id_where(db, "assignments", &format!("cycle_id = {}", world.cycle)).await;
    let rubric = cycle::default_rubric();
    let per = experts.len();
    insert_chunks(
        db,
        (0..n * per).map(|k| {
            let (i, e) = (k / per, k % per);
            let breakdown: BTreeMap<String, i64> = rubric
                .iter()
                .enumerate()
                .map(|(c, r)| (r.key.clone(), points(i % 40, e, c, r.max_tenths())))
                .collect();
            entity::scores::ActiveModel {
                assignment_id: Set(first + k as i32),
                total_tenths: Set(breakdown.values().sum()),
                breakdown: Set(vocab::ScoreBreakdown(breakdown)),
                comment: Set("材料完整".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        }),
    )
    .await;
}

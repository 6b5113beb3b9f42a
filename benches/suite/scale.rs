//! The world at scale, seeded in bulk straight through the entities (not HTTP): 13 districts,
//! 200 units, 100,000 teams, 1,000,000 activities (10 a team), a finalized 2025 cycle with an
//! application of every team (100,000), each awarded with its pending payout (so one batch is a
//! 100,000-line payout sheet), and 1,000,000 audit entries. `BENCH_ACTIVITIES` lowers the sizes
//! (the rest follows).

use crate::bulk::{insert_chunks, min_id_where};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use zhihui::domain::{activity::ActivityStatus, application::ApplicationStatus, cycle, ranking::Tier};

pub struct World {
    pub cycle: i32,
    pub teams: Vec<i32>,
    pub activities: u64,
    pub applications: u64,
    pub payouts: u64,
    pub audit: u64,
}

pub async fn seed(db: &DatabaseConnection) -> World {
    let activities: u64 = std::env::var("BENCH_ACTIVITIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let teams_n = (activities / 10).max(10) as usize;
    let now = Utc::now();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");

    // Districts and units.
    let mut districts = Vec::new();
    for (i, name) in crate::DISTRICTS.iter().enumerate() {
        let m = entity::units::Entity::insert(entity::units::ActiveModel {
            name: Set(format!("{name}科协")),
            name_key: Set(Some(format!("bench-district-{i}"))),
            kind: Set(zhihui::domain::roles::UnitKind::District),
            parent_id: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("a district");
        districts.push(m.last_insert_id);
    }
    let mut units = Vec::new();
    for i in 0..200 {
        let m = entity::units::Entity::insert(entity::units::ActiveModel {
            name: Set(format!("沈阳第{i}单位")),
            name_key: Set(Some(format!("bench-unit-{i}"))),
            kind: Set(zhihui::domain::roles::UnitKind::University),
            parent_id: Set(Some(districts[i % districts.len()])),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("a unit");
        units.push(m.last_insert_id);
    }
    insert_chunks(
        db,
        (0..teams_n).map(|i| entity::teams::ActiveModel {
            name: Set(format!("沈阳市第{i}科技志愿服务队")),
            name_key: Set(Some(format!("bench-team-{i}"))),
            unit_id: Set(units[i % units.len()]),
            founded_on: Set(day(2018, 3, 1)),
            volunteer_count: Set(40),
            platform_id: Set(Some(format!("DMZY-{i}"))),
            leader_name: Set("张三".into()),
            leader_mobile: Set("13812345678".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }),
    )
    .await;
    let first_team = min_id_where(db, "teams", "name_key LIKE 'bench-team-%'").await;
    let teams: Vec<i32> = (0..teams_n as i32).map(|i| first_team + i).collect();

    // A finalized cycle with an application of every team.
    let mut cycles = Vec::new();
    for year in 2025..2026 {
        let open = chrono::DateTime::<Utc>::from_naive_utc_and_offset(
            day(year, 9, 1).and_hms_opt(0, 0, 0).expect("a time"),
            Utc,
        );
        let m = entity::cycles::Entity::insert(entity::cycles::ActiveModel {
            year: Set(year),
            title: Set(format!("{year}年度智惠行动项目评审")),
            applications_open_at: Set(open),
            applications_close_at: Set(open + Duration::days(30)),
            activity_period_start: Set(day(year, 1, 1)),
            activity_period_end: Set(day(year, 12, 31)),
            min_award_score_tenths: Set(600),
            reviewers_per_application: Set(3),
            aggregation: Set(cycle::Aggregation::TrimmedMean),
            tiers: Set(cycle::Tiers(
                [(Tier::First, 200), (Tier::Second, 600), (Tier::Third, 1200)]
                    .into_iter()
                    .map(|(tier, quota)| cycle::TierRule {
                        tier,
                        quota,
                        subsidy_fen: 100_000,
                    })
                    .collect(),
            )),
            rubric: Set(cycle::Rubric(cycle::default_rubric())),
            status: Set(cycle::CycleStatus::Finalized),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("a cycle");
        cycles.push(m.last_insert_id);
    }
    insert_chunks(
        db,
        cycles.iter().flat_map(|&c| {
            teams.iter().map(move |&t| entity::applications::ActiveModel {
                cycle_id: Set(c),
                team_id: Set(t),
                project_name: Set("社区科普进万家".into()),
                leader_name: Set("张三".into()),
                leader_title: Set("副教授".into()),
                phone: Set("024-23456789".into()),
                mobile: Set("13812345678".into()),
                overview: Set("面向社区居民开展科普讲座和科技培训。".into()),
                highlights: Set("组织有力，覆盖面广。".into()),
                benefits: Set("服务群众，成效明显。".into()),
                bank_name: Set("中国工商银行沈阳分行".into()),
                account_no: Set("6222020200012345678".into()),
                account_name: Set("沈阳某大学".into()),
                status: Set(ApplicationStatus::Awarded),
                tier_override: Set(None),
                submitted_at: Set(Some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
        }),
    )
    .await;
    let applications = (cycles.len() * teams.len()) as u64;

    let categories = zhihui::domain::activity::Category::ALL;
    insert_chunks(
        db,
        (0..activities).map(|i| {
            let team = teams[(i as usize) % teams.len()];
            let start = now - Duration::days(3650) + Duration::minutes(i as i64 * 5);
            let reported = i % 4 != 0;
            entity::activities::ActiveModel {
                team_id: Set(team),
                name: Set("社区科普讲座".into()),
                category: Set(categories[(i as usize) % categories.len()]),
                planned_start: Set(start),
                planned_end: Set(start + Duration::hours(3)),
                location: Set("沈阳市和平区社区服务中心".into()),
                leader_name: Set("李四".into()),
                leader_mobile: Set("13912345678".into()),
                status: Set(if reported {
                    ActivityStatus::Reported
                } else {
                    ActivityStatus::Registered
                }),
                registered_at: Set(start - Duration::days(3)),
                updated_at: Set(start),
                cancelled_at: Set(None),
                actual_start: Set(reported.then_some(start)),
                actual_end: Set(reported.then(|| start + Duration::hours(3))),
                sessions: Set(reported.then_some(2)),
                people_served: Set(reported.then_some(80)),
                volunteers: Set(reported.then_some(6)),
                summary: Set(reported.then(|| "活动顺利完成".into())),
                reported_at: Set(reported.then_some(start + Duration::hours(4))),
                ..Default::default()
            }
        }),
    )
    .await;

    // Every application awarded, with its pending payout.
    let per_cycle = teams.len();
    let first_app = min_id_where(db, "applications", "1 = 1").await;
    let mut awarded = Vec::new();
    for (ci, &c) in cycles.iter().enumerate() {
        for (k, &t) in teams.iter().enumerate().take(per_cycle) {
            awarded.push((c, first_app + (ci * teams.len() + k) as i32, t));
        }
    }
    insert_chunks(
        db,
        awarded.iter().map(|&(c, a, t)| entity::awards::ActiveModel {
            cycle_id: Set(c),
            application_id: Set(a),
            team_id: Set(t),
            tier: Set(Tier::Third),
            amount_fen: Set(100_000),
            created_at: Set(now),
            ..Default::default()
        }),
    )
    .await;
    let first_award = min_id_where(db, "awards", "1 = 1").await;
    insert_chunks(
        db,
        awarded
            .iter()
            .enumerate()
            .map(|(n, &(c, a, t))| entity::payouts::ActiveModel {
                award_id: Set(first_award + n as i32),
                cycle_id: Set(c),
                application_id: Set(a),
                team_id: Set(t),
                tier: Set(Tier::Third),
                amount_fen: Set(100_000),
                bank_name: Set("中国工商银行沈阳分行".into()),
                account_no: Set("6222020200012345678".into()),
                account_name: Set("沈阳某大学".into()),
                status: Set(zhihui::domain::payout::PayoutStatus::Pending),
                batch_id: Set(None),
                failure_reason: Set(None),
                reissue_of: Set(None),
                paid_on: Set(None),
                bank_reference: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }),
    )
    .await;

    // The audit log: one entry per activity registered (already linked, so start-up has
    // nothing to link; the hashes are placeholders: `audit verify` is not part of this run).
    let audit = activities;
    let last_seq = last_seq(db).await;
    insert_chunks(
        db,
        (0..audit).map(|i| entity::audit_log::ActiveModel {
            at: Set(now - Duration::days(3650) + Duration::minutes(i as i64 * 5)),
            actor_id: Set(None),
            actor: Set("bench".into()),
            action: Set("register_activity".into()),
            entity: Set("activity".into()),
            entity_id: Set(i.to_string()),
            before: Set(None),
            after: Set(Some("{\"name\":\"社区科普讲座\"}".into())),
            seq: Set(Some(last_seq + 1 + i as i64)),
            prev_hash: Set(Some("0".repeat(64))),
            hash: Set(Some("0".repeat(64))),
            ..Default::default()
        }),
    )
    .await;
    {
        use sea_orm::{ConnectionTrait, Statement};
        let head = last_seq + audit as i64;
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            format!("UPDATE audit_head SET seq = {head}, hash = '{}'", "0".repeat(64)),
        ))
        .await
        .expect("the chain's head");
    }
    World {
        cycle: cycles[0],
        teams,
        activities,
        applications,
        payouts: awarded.len() as u64,
        audit,
    }
}

async fn last_seq(db: &DatabaseConnection) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(MAX(seq), 0) AS s FROM audit_log".to_owned(),
        ))
        .await
        .expect("max seq")
        .expect("a row");
    row.try_get::<i64>("", "s").expect("a seq")
}

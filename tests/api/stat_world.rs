//! A world of units, teams, activities, applications, awards and payments written straight
//! through `app.db` (times of the test's choosing: registered a day before a planned start in
//! the past), with a model that says what the statistics must count (R-STAT).

use crate::helpers::TestApp;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use entity::{activities, applications, awards, cycles, payments, payouts};
use sea_orm::{ActiveModelTrait, Set};
use zhihui::domain::{
    activity::{ActivityStatus, Category},
    application::ApplicationStatus,
    cycle::{Aggregation, CycleStatus, Rubric, Tiers, default_rubric},
    payout::PayoutStatus,
    ranking::Tier,
};

/// A time in Shenyang.
pub fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A report: sessions, people served, volunteers.
pub type Reported = (i32, i32, i32);

pub async fn activity(
    app: &TestApp,
    team_id: i64,
    category: Category,
    planned_start: DateTime<Utc>,
    registered_ahead: Duration,
    report: Option<Reported>,
    cancelled: bool,
) -> i64 {
    let registered_at = planned_start - registered_ahead;
    let status = match (cancelled, report) {
        (true, _) => ActivityStatus::Cancelled,
        (false, Some(_)) => ActivityStatus::Reported,
        (false, None) => ActivityStatus::Registered,
    };
    let m = activities::ActiveModel {
        team_id: Set(team_id as i32),
        name: Set("社区科普讲座".into()),
        category: Set(category),
        planned_start: Set(planned_start),
        planned_end: Set(planned_start + Duration::hours(3)),
        location: Set("沈阳市和平区".into()),
        leader_name: Set("李四".into()),
        leader_mobile: Set("13912345678".into()),
        status: Set(status),
        registered_at: Set(registered_at),
        updated_at: Set(registered_at),
        cancelled_at: Set(cancelled.then_some(registered_at)),
        actual_start: Set(report.map(|_| planned_start)),
        actual_end: Set(report.map(|_| planned_start + Duration::hours(2))),
        sessions: Set(report.map(|r| r.0)),
        people_served: Set(report.map(|r| r.1)),
        volunteers: Set(report.map(|r| r.2)),
        summary: Set(report.map(|_| "顺利完成".into())),
        reported_at: Set(report.map(|_| planned_start + Duration::hours(4))),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed activity");
    m.id.into()
}

/// A cycle of `year` (finalized, so its awards stand).
pub async fn cycle(app: &TestApp, year: i32) -> i32 {
    let at = cst(year, 3, 1, 9, 0);
    cycles::ActiveModel {
        year: Set(year),
        title: Set(format!("{year}年度项目评审")),
        applications_open_at: Set(at),
        applications_close_at: Set(at + Duration::days(30)),
        activity_period_start: Set(NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap()),
        activity_period_end: Set(NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap()),
        min_award_score_tenths: Set(600),
        reviewers_per_application: Set(3),
        aggregation: Set(Aggregation::Mean),
        tiers: Set(Tiers(vec![])),
        rubric: Set(Rubric(default_rubric())),
        status: Set(CycleStatus::Finalized),
        publicity_ends_at: Set(None),
        published_at: Set(None),
        finalized_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed cycle")
    .id
}

/// An application of `team` to `cycle`; submitted or a draft.
pub async fn application(app: &TestApp, cycle_id: i32, team_id: i64, submitted: bool) -> i32 {
    let at = Utc::now();
    applications::ActiveModel {
        cycle_id: Set(cycle_id),
        team_id: Set(team_id as i32),
        project_name: Set("社区科普进万家".into()),
        leader_name: Set("王五".into()),
        leader_title: Set("副教授".into()),
        phone: Set("024-12345678".into()),
        mobile: Set("13812345678".into()),
        overview: Set("概述".into()),
        highlights: Set("亮点".into()),
        benefits: Set("效益".into()),
        bank_name: Set("中国工商银行".into()),
        account_no: Set("6222020200010123".into()),
        account_name: Set("某单位".into()),
        status: Set(if submitted {
            ApplicationStatus::Awarded
        } else {
            ApplicationStatus::Draft
        }),
        tier_override: Set(None),
        submitted_at: Set(submitted.then_some(at)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed application")
    .id
}

/// An award of `amount_fen` to a submitted application; `paid_fen` recorded as paid when > 0.
pub async fn award(app: &TestApp, cycle_id: i32, team_id: i64, tier: Tier, amount_fen: i64, paid: bool) {
    let application_id = application(app, cycle_id, team_id, true).await;
    let at = Utc::now();
    let award = awards::ActiveModel {
        cycle_id: Set(cycle_id),
        application_id: Set(application_id),
        team_id: Set(team_id as i32),
        tier: Set(tier),
        amount_fen: Set(amount_fen),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed award");
    let payout = payouts::ActiveModel {
        award_id: Set(award.id),
        cycle_id: Set(cycle_id),
        application_id: Set(application_id),
        team_id: Set(team_id as i32),
        tier: Set(tier),
        amount_fen: Set(amount_fen),
        bank_name: Set("中国工商银行".into()),
        account_no: Set("6222020200010123".into()),
        account_name: Set("某单位".into()),
        status: Set(if paid {
            PayoutStatus::Paid
        } else {
            PayoutStatus::Pending
        }),
        batch_id: Set(None),
        failure_reason: Set(None),
        reissue_of: Set(None),
        paid_on: Set(paid.then(|| at.date_naive())),
        bank_reference: Set(paid.then(|| "REF".into())),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed payout");
    if paid {
        payments::ActiveModel {
            award_id: Set(award.id),
            payout_id: Set(payout.id),
            amount_fen: Set(amount_fen),
            paid_on: Set(at.date_naive()),
            bank_reference: Set("REF".into()),
            recorded_by: Set(1),
            recorded_at: Set(at),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seed payment");
    }
}

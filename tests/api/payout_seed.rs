//! The state finalizing a cycle leaves behind, written straight through `app.db` (finalization
//! is built elsewhere): a `finalized` cycle, `awarded` applications, one award per application
//! and one `pending` payout per award with the application's bank account.

use crate::helpers::TestApp;
use chrono::{Duration, NaiveDate};
use entity::{applications, awards, cycles, payouts};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use zhihui::domain::{
    application::ApplicationStatus,
    cycle::{Aggregation, CycleStatus, Rubric, TierRule, Tiers, default_rubric},
    payout::PayoutStatus,
    ranking::Tier,
};

/// One seeded payout, with what the sheet and the API should show for it.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub id: i64,
    pub award_id: i64,
    pub application_id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    pub tier: &'static str,
    pub amount_fen: i64,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    /// R-BANK: the account name is not the unit's full name.
    pub differs: bool,
}

pub struct Finalized {
    pub cycle_id: i64,
    pub year: i32,
    /// First, second and third prize, in payout id order.
    pub payouts: Vec<Seeded>,
}

/// (tier, subsidy in fen, account number, account name differs from the unit name)
const AWARDS: [(Tier, i64, &str, bool); 3] = [
    (Tier::First, 1_000_000, "6222020200010123", false),
    (Tier::Second, 600_000, "6217000010001234567", true),
    (Tier::Third, 300_050, "0012345678901", false),
];

/// A finalized cycle of `year` with three awards (一、二、三等奖) and their pending payouts; the
/// second one's account name differs from its unit's name.
pub async fn finalized_cycle(app: &TestApp, year: i32) -> Finalized {
    let now = app.now();
    let tiers: Vec<TierRule> = AWARDS
        .iter()
        .map(|(tier, fen, _, _)| TierRule {
            tier: *tier,
            quota: 1,
            subsidy_fen: *fen,
        })
        .collect();
    let cycle = cycles::ActiveModel {
        year: Set(year),
        title: Set(format!("{year}年度\u{201c}智惠行动\u{201d}项目评审")),
        applications_open_at: Set(now - Duration::days(120)),
        applications_close_at: Set(now - Duration::days(90)),
        activity_period_start: Set(NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap()),
        activity_period_end: Set(NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap()),
        min_award_score_tenths: Set(600),
        reviewers_per_application: Set(3),
        aggregation: Set(Aggregation::Mean),
        tiers: Set(Tiers(tiers)),
        rubric: Set(Rubric(default_rubric())),
        status: Set(CycleStatus::Finalized),
        publicity_ends_at: Set(Some(now - Duration::days(10))),
        published_at: Set(Some(now - Duration::days(20))),
        finalized_at: Set(Some(now - Duration::days(1))),
        created_at: Set(now - Duration::days(150)),
        updated_at: Set(now - Duration::days(1)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed cycle");

    let mut seeded = Vec::new();
    for (i, (tier, amount_fen, account_no, differs)) in AWARDS.into_iter().enumerate() {
        let kind = ["university", "society", "enterprise"][i];
        let unit_id = app.create_unit(kind, None).await;
        let unit_name = app.unit_name(unit_id).await;
        let body = app.team_body(unit_id);
        let team_name = body["name"].as_str().unwrap().to_owned();
        let (s, v) = app.post("/api/v1/teams", &app.admin, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let team_id = v["id"].as_i64().unwrap() as i32;
        let account_name = if differs {
            format!("{unit_name}财务部")
        } else {
            unit_name.clone()
        };
        let project_name = format!("社区科普进万家{i}");
        let bank_name = "中国工商银行沈阳和平支行".to_owned();
        let application = applications::ActiveModel {
            cycle_id: Set(cycle.id),
            team_id: Set(team_id),
            project_name: Set(project_name.clone()),
            leader_name: Set("王五".into()),
            leader_title: Set("副教授".into()),
            phone: Set("024-12345678".into()),
            mobile: Set("13812345678".into()),
            overview: Set("每月开展社区科普讲座".into()),
            highlights: Set("覆盖老年人群体".into()),
            benefits: Set("提升居民科学素质".into()),
            bank_name: Set(bank_name.clone()),
            account_no: Set(account_no.into()),
            account_name: Set(account_name.clone()),
            status: Set(ApplicationStatus::Awarded),
            tier_override: Set(None),
            submitted_at: Set(Some(now - Duration::days(100))),
            created_at: Set(now - Duration::days(110)),
            updated_at: Set(now - Duration::days(1)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seed application");
        let award = awards::ActiveModel {
            cycle_id: Set(cycle.id),
            application_id: Set(application.id),
            team_id: Set(team_id),
            tier: Set(tier),
            amount_fen: Set(amount_fen),
            created_at: Set(now - Duration::days(1)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seed award");
        let payout = payouts::ActiveModel {
            award_id: Set(award.id),
            cycle_id: Set(cycle.id),
            application_id: Set(application.id),
            team_id: Set(team_id),
            tier: Set(tier),
            amount_fen: Set(amount_fen),
            bank_name: Set(bank_name.clone()),
            account_no: Set(account_no.into()),
            account_name: Set(account_name.clone()),
            status: Set(PayoutStatus::Pending),
            batch_id: Set(None),
            failure_reason: Set(None),
            reissue_of: Set(None),
            paid_on: Set(None),
            bank_reference: Set(None),
            created_at: Set(now - Duration::days(1)),
            updated_at: Set(now - Duration::days(1)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seed payout");
        seeded.push(Seeded {
            id: payout.id.into(),
            award_id: award.id.into(),
            application_id: application.id.into(),
            team_id: team_id.into(),
            team_name,
            unit_name,
            project_name,
            tier: tier.as_str(),
            amount_fen,
            bank_name,
            account_no: account_no.into(),
            account_name,
            differs,
        });
    }
    Finalized {
        cycle_id: cycle.id.into(),
        year,
        payouts: seeded,
    }
}

//! Seeding for the review tests: the cycles and applications endpoints are built elsewhere,
//! so a `reviewing` cycle and its `accepted` applications are written straight into the
//! database; units, teams, experts and the activities that give the objective figures go
//! through HTTP.

use crate::helpers::TestApp;
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use zhihui::domain::{
    application::ApplicationStatus,
    cycle::{Aggregation, CycleStatus, Rubric, TierRule, Tiers, default_rubric},
    ranking::Tier,
};

/// What a seeded cycle looks like.
pub struct CycleSpec {
    pub reviewers: i32,
    pub aggregation: &'static str,
    /// Minimum final score for an award, in points.
    pub min_score: i64,
    /// `(quota, subsidy in fen)` of the first, second and third prize.
    pub tiers: [(i64, i64); 3],
}

impl Default for CycleSpec {
    fn default() -> Self {
        Self {
            reviewers: 1,
            aggregation: "mean",
            min_score: 0,
            tiers: [(1, 1_000_000), (1, 500_000), (1, 200_000)],
        }
    }
}

/// A team and its user.
pub struct SeedTeam {
    pub id: i64,
    pub token: String,
    pub unit_id: i64,
}

pub const ACCOUNT_NO: &str = "6222020200012345678";
pub const BANK: &str = "中国工商银行沈阳分行";
pub const TEAM_MOBILE: &str = "13700001111";

impl TestApp {
    /// A cycle in state `reviewing` with the default rubric.
    pub async fn seed_cycle(&self, spec: CycleSpec) -> i64 {
        let now = self.now();
        let tiers: Vec<TierRule> = Tier::ALL
            .into_iter()
            .zip(spec.tiers)
            .map(|(tier, (quota, subsidy_fen))| TierRule {
                tier,
                quota,
                subsidy_fen,
            })
            .collect();
        let year = 2000 + self.unique("").parse::<i32>().unwrap();
        let model = entity::cycles::ActiveModel {
            year: Set(year),
            title: Set(format!("{year}年度“智惠行动”项目")),
            applications_open_at: Set(now - Duration::days(60)),
            applications_close_at: Set(now - Duration::days(30)),
            activity_period_start: Set(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
            activity_period_end: Set(NaiveDate::from_ymd_opt(2100, 12, 31).unwrap()),
            min_award_score_tenths: Set(spec.min_score * 10),
            reviewers_per_application: Set(spec.reviewers),
            aggregation: Set(Aggregation::parse(spec.aggregation).expect("a known aggregation")),
            tiers: Set(Tiers(tiers)),
            rubric: Set(Rubric(default_rubric())),
            status: Set(CycleStatus::Reviewing),
            publicity_ends_at: Set(None),
            published_at: Set(None),
            finalized_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("seed cycle");
        i64::from(model.id)
    }

    pub async fn seed_team(&self, unit_id: i64) -> SeedTeam {
        let (id, token) = self.team_with_user(unit_id).await;
        SeedTeam { id, token, unit_id }
    }

    /// An `accepted` application of `team` counting one reported activity with these figures;
    /// each later call is submitted later.
    pub async fn seed_application(&self, cycle_id: i64, team: &SeedTeam, sessions: i64, people: i64) -> i64 {
        let activity = self
            .register_activity(&team.token, team.id, Duration::minutes(1))
            .await;
        self.advance(Duration::minutes(2));
        self.report_activity(&team.token, activity, sessions, people)
            .await;
        let now = self.now();
        let unit_name = self.unit_name(team.unit_id).await;
        let app = entity::applications::ActiveModel {
            cycle_id: Set(cycle_id as i32),
            team_id: Set(team.id as i32),
            project_name: Set(self.unique("社区科普项目")),
            leader_name: Set("王五".into()),
            leader_title: Set("队长".into()),
            phone: Set("024-23456789".into()),
            mobile: Set(TEAM_MOBILE.into()),
            overview: Set("面向社区居民开展科普讲座".into()),
            highlights: Set("形式新颖".into()),
            benefits: Set("惠及居民".into()),
            bank_name: Set(BANK.into()),
            account_no: Set(ACCOUNT_NO.into()),
            account_name: Set(unit_name),
            status: Set(ApplicationStatus::Accepted),
            tier_override: Set(None),
            submitted_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("seed application");
        entity::application_activities::ActiveModel {
            application_id: Set(app.id),
            activity_id: Set(activity as i32),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("seed application activity");
        i64::from(app.id)
    }

    pub async fn expert(&self, unit_id: i64) -> (i64, String) {
        self.user("expert", Some(unit_id), None).await
    }

    pub async fn cycle_status(&self, cycle_id: i64) -> String {
        entity::cycles::Entity::find_by_id(cycle_id as i32)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str()
            .to_owned()
    }

    pub async fn auto_assign(&self, cycle_id: i64) -> Value {
        let (s, v) = self
            .post(
                &format!("/api/v1/cycles/{cycle_id}/assignments/auto"),
                &self.admin,
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    pub async fn assign(&self, application_id: i64, expert_id: i64) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/applications/{application_id}/assignments"),
            &self.admin,
            json!({"expert_id": expert_id}),
        )
        .await
    }

    /// PUT scores for the four default criteria.
    pub async fn put_scores(
        &self,
        token: &str,
        application_id: i64,
        points: [f64; 4],
    ) -> (StatusCode, Value) {
        let keys = [
            "sessions",
            "people_served",
            "social_benefit",
            "highlights_materials",
        ];
        let scores: serde_json::Map<String, Value> = keys
            .iter()
            .zip(points)
            .map(|(k, p)| ((*k).to_owned(), json!(p)))
            .collect();
        self.call(
            reqwest::Method::PUT,
            &format!("/api/v1/applications/{application_id}/scores"),
            Some(token),
            Some(json!({"scores": scores, "comment": "材料完整，成效明显"})),
        )
        .await
    }

    /// Scores with a given total (spread over the criteria, each within its maximum).
    pub async fn score_total(&self, token: &str, application_id: i64, total: f64) {
        let maxima = [25.0, 25.0, 30.0, 20.0];
        let share = total / 100.0;
        let mut points = maxima.map(|m: f64| (m * share * 10.0).floor() / 10.0);
        let rest = ((total - points.iter().sum::<f64>()) * 10.0).round() / 10.0;
        let slot = points
            .iter()
            .zip(maxima)
            .position(|(p, m)| p + rest <= m)
            .unwrap();
        points[slot] = ((points[slot] + rest) * 10.0).round() / 10.0;
        let (s, v) = self.put_scores(token, application_id, points).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"].as_f64().unwrap(), total, "{v}");
    }

    pub async fn rank(&self, cycle_id: i64) -> Value {
        let (s, v) = self
            .post(&format!("/api/v1/cycles/{cycle_id}/rank"), &self.admin, json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    pub async fn publish(&self, cycle_id: i64, ends_in: Duration) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/cycles/{cycle_id}/publish"),
            &self.admin,
            json!({"publicity_ends_at": self.at(ends_in)}),
        )
        .await
    }
}

/// A reviewing cycle: `scores.len()` applications of teams of one unit, `experts` experts of
/// another unit, every expert on every application, each application scored with the given
/// totals (one per expert).
pub struct Scenario {
    pub cycle: i64,
    pub apps: Vec<i64>,
    pub teams: Vec<SeedTeam>,
    pub experts: Vec<(i64, String)>,
}

impl Scenario {
    /// `figures`: `(sessions, people served)` per application.
    pub async fn new(app: &TestApp, spec: CycleSpec, figures: &[(i64, i64)], experts: usize) -> Self {
        let unit = app.create_unit("university", None).await;
        let expert_unit = app.create_unit("institute", None).await;
        let cycle = app
            .seed_cycle(CycleSpec {
                reviewers: experts as i32,
                ..spec
            })
            .await;
        let mut teams = Vec::new();
        let mut apps = Vec::new();
        for (sessions, people) in figures {
            let team = app.seed_team(unit).await;
            apps.push(app.seed_application(cycle, &team, *sessions, *people).await);
            teams.push(team);
        }
        let mut list = Vec::new();
        for _ in 0..experts {
            list.push(app.expert(expert_unit).await);
        }
        app.auto_assign(cycle).await;
        Self {
            cycle,
            apps,
            teams,
            experts: list,
        }
    }

    /// `totals[i][e]`: expert `e`'s total for application `i`.
    pub async fn score(&self, app: &TestApp, totals: &[&[f64]]) {
        for (application, row) in self.apps.iter().zip(totals) {
            for ((_, token), total) in self.experts.iter().zip(row.iter()) {
                app.score_total(token, *application, *total).await;
            }
        }
    }
}

/// Application ids in the order of a ranking answer.
pub fn order(ranking: &Value) -> Vec<i64> {
    ranking["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["application_id"].as_i64().unwrap())
        .collect()
}

/// Tiers (`None` = not awarded) in the order of a ranking answer.
pub fn tiers(ranking: &Value) -> Vec<Option<String>> {
    ranking["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["tier"].as_str().map(str::to_owned))
        .collect()
}

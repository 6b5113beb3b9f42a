//! Ranking, results, the results sheet, publishing and finalizing (R-AGG, R-RANK).

use super::{ApiTags, BearerAuth, in_time, out_time};
use crate::{
    domain::{cycle::CycleStatus, ranking::Tier, scoring::tenths_to_points},
    error::ApiResult,
    services::review::{
        finalize::{self, Finalized},
        publicity, ranking,
        results::{self, Ranking, ResultLine},
    },
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::cycles;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::Path,
    payload::{Binary, Json},
};

pub struct ResultsApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct CriterionMeanOut {
    pub key: String,
    pub name: String,
    /// Mean of the experts' scores for this criterion, in points (two decimals).
    pub mean: f64,
}

#[derive(Object)]
pub struct ExpertTotalOut {
    pub expert_id: i32,
    pub expert_name: String,
    /// This expert's total, in points.
    pub total: f64,
}

#[derive(Object)]
pub struct SpreadOut {
    /// Highest minus lowest expert total, in points.
    pub max_minus_min: f64,
    /// Population standard deviation of the expert totals, in points (two decimals).
    pub std_dev: f64,
}

#[derive(Object)]
pub struct ResultItemOut {
    /// 1-based place in the R-RANK order.
    pub rank: i32,
    pub application_id: i32,
    pub team_id: i32,
    /// Final score in points (R-AGG), two decimals.
    pub final_score: f64,
    /// `null` when not awarded.
    #[oai(nullable)]
    pub tier: Option<Tier>,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    /// Per-criterion means, in rubric order.
    pub criterion_means: Vec<CriterionMeanOut>,
    /// Every expert's total.
    pub expert_totals: Vec<ExpertTotalOut>,
    /// How far the experts' totals lie apart; `null` without scores.
    #[oai(nullable)]
    pub spread: Option<SpreadOut>,
    /// Tie-break figures: sessions, then people served (R-RANK).
    pub sessions: i64,
    pub people_served: i64,
    /// The activities the application counts (R-SUBMIT).
    pub counted_activities: i64,
    /// Of those, activities recorded after the fact (补录, issue 18.1).
    pub backfilled_activities: i64,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl From<ResultLine> for ResultItemOut {
    fn from(l: ResultLine) -> Self {
        Self {
            rank: l.result.rank,
            application_id: l.result.application_id,
            team_id: l.team_id,
            final_score: l.result.final_score,
            tier: l.tier,
            team_name: l.team_name,
            unit_name: l.unit_name,
            project_name: l.project_name,
            criterion_means: l
                .criterion_means
                .into_iter()
                .map(|(key, name, mean)| CriterionMeanOut { key, name, mean })
                .collect(),
            expert_totals: l
                .expert_totals
                .into_iter()
                .map(|e| ExpertTotalOut {
                    expert_id: e.expert_id,
                    expert_name: e.expert_name,
                    total: tenths_to_points(e.total_tenths),
                })
                .collect(),
            spread: l.spread.map(|s| SpreadOut {
                max_minus_min: tenths_to_points(s.range_tenths),
                std_dev: round2(s.std_dev),
            }),
            sessions: l.figures.sessions,
            people_served: l.figures.people_served,
            counted_activities: l.figures.activities,
            backfilled_activities: l.figures.backfilled,
        }
    }
}

#[derive(Object)]
pub struct RankingOut {
    pub cycle_id: i32,
    /// The cycle's state: `reviewing` here means a score changed since these results.
    pub status: CycleStatus,
    /// In rank order.
    pub items: Vec<ResultItemOut>,
    pub total: u64,
}

impl From<Ranking> for RankingOut {
    fn from(r: Ranking) -> Self {
        Self {
            cycle_id: r.cycle.id,
            status: r.cycle.status,
            total: r.lines.len() as u64,
            items: r.lines.into_iter().map(Into::into).collect(),
        }
    }
}

/// The review-related state of a cycle.
#[derive(Object)]
pub struct ReviewCycleOut {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub status: CycleStatus,
    #[oai(nullable)]
    pub publicity_ends_at: Option<DateTime<FixedOffset>>,
    #[oai(nullable)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[oai(nullable)]
    pub finalized_at: Option<DateTime<FixedOffset>>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<cycles::Model> for ReviewCycleOut {
    fn from(c: cycles::Model) -> Self {
        Self {
            id: c.id,
            year: c.year,
            title: c.title,
            status: c.status,
            publicity_ends_at: c.publicity_ends_at.map(out_time),
            published_at: c.published_at.map(out_time),
            finalized_at: c.finalized_at.map(out_time),
            updated_at: out_time(c.updated_at),
        }
    }
}

#[derive(Object)]
pub struct PublishIn {
    /// End of the publicity period (公示期), in the future.
    pub publicity_ends_at: DateTime<FixedOffset>,
}

/// An award fixed by finalizing.
#[derive(Object)]
pub struct FinalAwardOut {
    pub id: i32,
    pub application_id: i32,
    pub team_id: i32,
    pub tier: Tier,
    pub amount_fen: i64,
    /// The pending payout created for it (none for a tier without a subsidy).
    #[oai(nullable)]
    pub payout_id: Option<i32>,
}

#[derive(Object)]
pub struct FinalizedOut {
    pub id: i32,
    pub year: i32,
    pub title: String,
    /// `finalized`.
    pub status: CycleStatus,
    #[oai(nullable)]
    pub finalized_at: Option<DateTime<FixedOffset>>,
    pub awards: Vec<FinalAwardOut>,
}

impl From<Finalized> for FinalizedOut {
    fn from(f: Finalized) -> Self {
        let payout_of = |award_id: i32| f.payouts.iter().find(|p| p.award_id == award_id).map(|p| p.id);
        let awards = f
            .awards
            .iter()
            .map(|a| FinalAwardOut {
                id: a.id,
                application_id: a.application_id,
                team_id: a.team_id,
                tier: a.tier,
                amount_fen: a.amount_fen,
                payout_id: payout_of(a.id),
            })
            .collect();
        let c = f.cycle;
        Self {
            id: c.id,
            year: c.year,
            title: c.title,
            status: c.status,
            finalized_at: c.finalized_at.map(out_time),
            awards,
        }
    }
}

/// The results sheet download.
#[derive(ApiResponse)]
pub enum ResultsSheetFile {
    /// The xlsx file (评审结果).
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    Xlsx(
        Binary<Vec<u8>>,
        /// `attachment` with an ASCII fallback name and the Chinese name (RFC 6266 / 5987).
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

#[OpenApi]
impl ResultsApi {
    /// 排名 / Rank the cycle's accepted applications (admin)
    ///
    /// Needs every assignment scored (409 `scores_missing`, naming what is missing). Mean or
    /// trimmed mean (R-AGG); order by final score, sessions, people served, earlier submission;
    /// tiers by quota at or above the minimum score (R-RANK). `reviewing` or `ranked` →
    /// `ranked` (409 `cycle_state` otherwise).
    #[oai(
        path = "/api/v1/cycles/:id/rank",
        method = "post",
        operation_id = "rank_cycle",
        tag = "ApiTags::Review"
    )]
    async fn rank(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<RankingOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(ranking::rank(&self.state, &caller, id.0).await?.into()))
    }

    /// 评审结果 / The stored ranking, explained (admin)
    #[oai(
        path = "/api/v1/cycles/:id/results",
        method = "get",
        operation_id = "get_results",
        tag = "ApiTags::Review"
    )]
    async fn results(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<RankingOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(results::get(&self.state, &caller, id.0).await?.into()))
    }

    /// 导出评审结果表 / Download the results sheet, xlsx (admin)
    ///
    /// Once ranked (409 `cycle_state` before).
    #[oai(
        path = "/api/v1/cycles/:id/results/sheet",
        method = "get",
        operation_id = "download_results_sheet",
        tag = "ApiTags::Review"
    )]
    async fn sheet(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<ResultsSheetFile> {
        let caller = self.state.caller(&auth).await?;
        let file = results::sheet(&self.state, &caller, id.0).await?;
        let disposition = super::download::attachment(&format!("results-{}.xlsx", id.0), &file.filename);
        Ok(ResultsSheetFile::Xlsx(Binary(file.bytes), disposition))
    }

    /// 公示结果 / Publish the ranking for objections until a time (admin)
    ///
    /// `ranked → published`; 409 `cycle_state` otherwise; the end must lie in the future.
    #[oai(
        path = "/api/v1/cycles/:id/publish",
        method = "post",
        operation_id = "publish_results",
        tag = "ApiTags::Review"
    )]
    async fn publish(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<PublishIn>,
    ) -> ApiResult<Json<ReviewCycleOut>> {
        let caller = self.state.caller(&auth).await?;
        let ends_at = in_time(body.0.publicity_ends_at);
        let c = publicity::publish(&self.state, &caller, id.0, ends_at).await?;
        Ok(Json(c.into()))
    }

    /// 确认结果 / Finalize the cycle: fix the awards and create the payouts (admin)
    ///
    /// 409 `publicity_not_over`, 409 `objections_open`, 409 `cycle_state`. Applications become
    /// `awarded` or `not_awarded`; each award gets a pending payout to the application's bank
    /// account.
    #[oai(
        path = "/api/v1/cycles/:id/finalize",
        method = "post",
        operation_id = "finalize_cycle",
        tag = "ApiTags::Review"
    )]
    async fn finalize(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<FinalizedOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(finalize::finalize(&self.state, &caller, id.0).await?.into()))
    }
}

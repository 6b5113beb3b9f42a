//! Experts' scores.

use super::{ApiTags, BearerAuth, List, out_time};
use crate::{
    domain::scoring::tenths_to_points,
    error::ApiResult,
    services::review::scores::{self, ScoreView},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use std::collections::BTreeMap;

pub struct ScoresApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct ScoresIn {
    /// One score per rubric criterion key, each within 0..max with at most one decimal.
    pub scores: BTreeMap<String, f64>,
    /// The expert's comment (评审意见).
    pub comment: String,
}

#[derive(Object)]
pub struct ScoreOut {
    pub id: i32,
    pub application_id: i32,
    pub expert_id: i32,
    /// Points per criterion key.
    pub scores: BTreeMap<String, f64>,
    /// Sum of the criteria, in points.
    pub total: f64,
    pub comment: String,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<ScoreView> for ScoreOut {
    fn from(v: ScoreView) -> Self {
        Self {
            id: v.score.id,
            application_id: v.application_id,
            expert_id: v.expert_id,
            scores: v
                .entries
                .into_iter()
                .map(|(k, t)| (k, tenths_to_points(t)))
                .collect(),
            total: tenths_to_points(v.score.total_tenths),
            comment: v.score.comment,
            created_at: out_time(v.score.created_at),
            updated_at: out_time(v.score.updated_at),
        }
    }
}

#[OpenApi]
impl ScoresApi {
    /// 评分 / Score an assigned application, or change one's score (assigned expert)
    ///
    /// Every rubric criterion, no other key (422 `invalid_value`, field `scores.<key>`); each
    /// within 0..max with at most one decimal (422 `score_out_of_range`). Changeable until the
    /// results are published (409 `cycle_state`); a change after ranking sends the cycle back
    /// to `reviewing`, to be ranked again.
    #[oai(
        path = "/api/v1/applications/:id/scores",
        method = "put",
        operation_id = "put_scores",
        tag = "ApiTags::Review"
    )]
    async fn put(&self, auth: BearerAuth, id: Path<i32>, body: Json<ScoresIn>) -> ApiResult<Json<ScoreOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let v = scores::put(&self.state, &caller, id.0, &b.scores, &b.comment).await?;
        Ok(Json(v.into()))
    }

    /// 查看评分 / Scores of an application (the expert their own, the admin all)
    #[oai(
        path = "/api/v1/applications/:id/scores",
        method = "get",
        operation_id = "list_scores",
        tag = "ApiTags::Review"
    )]
    async fn list(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<List<ScoreOut>>> {
        let caller = self.state.caller(&auth).await?;
        let items = scores::list(&self.state, &caller, id.0).await?;
        Ok(Json(List {
            total: items.len() as u64,
            items: items.into_iter().map(Into::into).collect(),
        }))
    }
}

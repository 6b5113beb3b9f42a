//! Award cycles (年度"智惠行动"项目评审).

use super::{ApiTags, BearerAuth, Created, List, in_time, out_time};
use crate::{
    domain::{
        cycle::{self, Criterion, CycleAction, CycleStatus, TierRule},
        ranking::Aggregation,
    },
    error::ApiResult,
    services::cycles::{self, CycleFields},
    state::AppState,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::cycles as cycle_entity;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct CyclesApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct CycleIn {
    pub year: i32,
    pub title: String,
    /// Dated 2000-01-01 … 2100-12-31.
    pub applications_open_at: DateTime<FixedOffset>,
    /// Dated 2000-01-01 … 2100-12-31, after the opening.
    pub applications_close_at: DateTime<FixedOffset>,
    /// First day of the activity period counted (2000-01-01 … 2100-12-31).
    pub activity_period_start: NaiveDate,
    /// Last day of the activity period counted (2000-01-01 … 2100-12-31).
    pub activity_period_end: NaiveDate,
    /// Minimum final score for any award (at most one decimal).
    pub min_award_score: f64,
    pub reviewers_per_application: i64,
    pub aggregation: Aggregation,
    pub tiers: Vec<TierRule>,
    /// Defaults to the notice's basis (活动场次, 服务对象, 社会效益, 活动亮点与材料规范), total 100.
    #[oai(nullable)]
    pub rubric: Option<Vec<Criterion>>,
    /// 填报说明 printed in every 项目申报书, one point per line (at most 5000 characters).
    /// Defaults to the notice's seven points.
    #[oai(nullable)]
    pub form_instructions: Option<String>,
    /// Whether backfilled (补录) activities count for this cycle's applications (issue 18.1);
    /// default true.
    #[oai(nullable)]
    pub count_backfilled: Option<bool>,
}

#[derive(Object)]
pub struct CyclePatch {
    #[oai(nullable)]
    pub year: Option<i32>,
    #[oai(nullable)]
    pub title: Option<String>,
    /// Dated 2000-01-01 … 2100-12-31.
    #[oai(nullable)]
    pub applications_open_at: Option<DateTime<FixedOffset>>,
    /// Dated 2000-01-01 … 2100-12-31.
    #[oai(nullable)]
    pub applications_close_at: Option<DateTime<FixedOffset>>,
    /// 2000-01-01 … 2100-12-31.
    #[oai(nullable)]
    pub activity_period_start: Option<NaiveDate>,
    /// 2000-01-01 … 2100-12-31.
    #[oai(nullable)]
    pub activity_period_end: Option<NaiveDate>,
    #[oai(nullable)]
    pub min_award_score: Option<f64>,
    #[oai(nullable)]
    pub reviewers_per_application: Option<i64>,
    #[oai(nullable)]
    pub aggregation: Option<Aggregation>,
    #[oai(nullable)]
    pub tiers: Option<Vec<TierRule>>,
    #[oai(nullable)]
    pub rubric: Option<Vec<Criterion>>,
    /// 填报说明 of the 项目申报书, one point per line.
    #[oai(nullable)]
    pub form_instructions: Option<String>,
    /// Whether backfilled (补录) activities count (issue 18.1).
    #[oai(nullable)]
    pub count_backfilled: Option<bool>,
}

#[derive(Object)]
pub struct CycleOut {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub status: CycleStatus,
    pub applications_open_at: DateTime<FixedOffset>,
    pub applications_close_at: DateTime<FixedOffset>,
    pub activity_period_start: NaiveDate,
    pub activity_period_end: NaiveDate,
    pub min_award_score: f64,
    pub reviewers_per_application: i32,
    pub aggregation: Aggregation,
    pub tiers: Vec<TierRule>,
    pub rubric: Vec<Criterion>,
    /// 填报说明 printed in every 项目申报书 of the cycle, one point per line.
    pub form_instructions: String,
    /// Whether backfilled (补录) activities count for this cycle's applications (issue 18.1).
    pub count_backfilled: bool,
    #[oai(nullable)]
    pub publicity_ends_at: Option<DateTime<FixedOffset>>,
    #[oai(nullable)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[oai(nullable)]
    pub finalized_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<cycle_entity::Model> for CycleOut {
    fn from(c: cycle_entity::Model) -> Self {
        Self {
            id: c.id,
            year: c.year,
            title: c.title,
            status: c.status,
            applications_open_at: out_time(c.applications_open_at),
            applications_close_at: out_time(c.applications_close_at),
            activity_period_start: c.activity_period_start,
            activity_period_end: c.activity_period_end,
            min_award_score: c.min_award_score_tenths as f64 / 10.0,
            reviewers_per_application: c.reviewers_per_application,
            aggregation: c.aggregation,
            tiers: c.tiers.0,
            rubric: c.rubric.0,
            form_instructions: c
                .form_instructions
                .unwrap_or_else(|| cycle::DEFAULT_FORM_INSTRUCTIONS.to_owned()),
            count_backfilled: c.count_backfilled,
            publicity_ends_at: c.publicity_ends_at.map(out_time),
            published_at: c.published_at.map(out_time),
            finalized_at: c.finalized_at.map(out_time),
            created_at: out_time(c.created_at),
            updated_at: out_time(c.updated_at),
        }
    }
}

#[OpenApi]
impl CyclesApi {
    /// 创建评审周期 / Create the year's award cycle (admin)
    ///
    /// 409 `duplicate_year`; 422 `invalid_value` naming the field at fault.
    #[oai(
        path = "/api/v1/cycles",
        method = "post",
        operation_id = "create_cycle",
        tag = "ApiTags::Cycles"
    )]
    async fn create(&self, auth: BearerAuth, body: Json<CycleIn>) -> ApiResult<Created<CycleOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = CycleFields {
            year: Some(b.year),
            title: Some(b.title),
            applications_open_at: Some(in_time(b.applications_open_at)),
            applications_close_at: Some(in_time(b.applications_close_at)),
            activity_period_start: Some(b.activity_period_start),
            activity_period_end: Some(b.activity_period_end),
            min_award_score: Some(b.min_award_score),
            reviewers_per_application: Some(b.reviewers_per_application),
            aggregation: Some(b.aggregation),
            tiers: Some(b.tiers),
            rubric: b.rubric,
            form_instructions: b.form_instructions,
            count_backfilled: b.count_backfilled,
        };
        Ok(Created::Created(Json(
            cycles::create(&self.state, &caller, f).await?.into(),
        )))
    }

    /// 评审周期列表 / List cycles (any user), newest year first
    #[oai(
        path = "/api/v1/cycles",
        method = "get",
        operation_id = "list_cycles",
        tag = "ApiTags::Cycles"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<CycleOut>>> {
        self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) = cycles::list(&self.state, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 评审周期详情 / Get a cycle (any user)
    #[oai(
        path = "/api/v1/cycles/:id",
        method = "get",
        operation_id = "get_cycle",
        tag = "ApiTags::Cycles"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<CycleOut>> {
        self.state.caller(&auth).await?;
        Ok(Json(cycles::find(&self.state.db, id.0).await?.into()))
    }

    /// 修改评审周期 / Edit a cycle while a draft; the window may still move while open (admin)
    ///
    /// 409 `cycle_state` otherwise.
    #[oai(
        path = "/api/v1/cycles/:id",
        method = "patch",
        operation_id = "update_cycle",
        tag = "ApiTags::Cycles"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<CyclePatch>,
    ) -> ApiResult<Json<CycleOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = CycleFields {
            year: b.year,
            title: b.title,
            applications_open_at: b.applications_open_at.map(in_time),
            applications_close_at: b.applications_close_at.map(in_time),
            activity_period_start: b.activity_period_start,
            activity_period_end: b.activity_period_end,
            min_award_score: b.min_award_score,
            reviewers_per_application: b.reviewers_per_application,
            aggregation: b.aggregation,
            tiers: b.tiers,
            rubric: b.rubric,
            form_instructions: b.form_instructions,
            count_backfilled: b.count_backfilled,
        };
        Ok(Json(cycles::update(&self.state, &caller, id.0, f).await?.into()))
    }

    /// 开放申报 / Open the cycle for applications: `draft → open` (admin)
    #[oai(
        path = "/api/v1/cycles/:id/open",
        method = "post",
        operation_id = "open_cycle",
        tag = "ApiTags::Cycles"
    )]
    async fn open(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<CycleOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(
            cycles::transition(&self.state, &caller, id.0, CycleAction::Open)
                .await?
                .into(),
        ))
    }

    /// 截止申报 / Close applications and start the review: `open → reviewing` (admin)
    #[oai(
        path = "/api/v1/cycles/:id/close",
        method = "post",
        operation_id = "close_cycle",
        tag = "ApiTags::Cycles"
    )]
    async fn close(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<CycleOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(
            cycles::transition(&self.state, &caller, id.0, CycleAction::Close)
                .await?
                .into(),
        ))
    }
}

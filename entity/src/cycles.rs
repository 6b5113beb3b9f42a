//! `cycles` table. Generated shape; see migration `m20261123_000004_cycles`.

use sea_orm::entity::prelude::*;
use vocab::{Aggregation, CycleStatus, Rubric, Tiers};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "cycles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub applications_open_at: DateTimeUtc,
    pub applications_close_at: DateTimeUtc,
    pub activity_period_start: Date,
    pub activity_period_end: Date,
    pub min_award_score_tenths: i64,
    pub reviewers_per_application: i32,
    pub aggregation: Aggregation,
    #[sea_orm(column_type = "Text")]
    pub tiers: Tiers,
    #[sea_orm(column_type = "Text")]
    pub rubric: Rubric,
    pub status: CycleStatus,
    pub publicity_ends_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub finalized_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// 填报说明 of the 项目申报书, one point per line; `None`: the 2024 notice's seven points.
    #[sea_orm(column_type = "Text", nullable)]
    pub form_instructions: Option<String>,
    /// Issue 18.1: whether backfilled (补录) activities count for this cycle's applications.
    pub count_backfilled: bool,
    /// When experts' scores are due (R-REMIND: experts with scores missing are reminded before).
    pub review_deadline: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

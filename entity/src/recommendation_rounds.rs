//! `recommendation_rounds` table. See migration `m20261207_400001_recommendations`.

use sea_orm::entity::prelude::*;
use vocab::RoundStatus;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "recommendation_rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The year the call is for (`2024年度…`): a candidate selected in an earlier year's round
    /// does not take part again.
    pub year: i32,
    pub title: String,
    pub issuing_body: String,
    /// 推荐单位 printed on the forms (the association).
    pub recommending_body: String,
    pub deadline: Date,
    /// Per category: the quota, or `None` when the round does not take that category.
    pub quota_volunteer: Option<i32>,
    pub quota_team: Option<i32>,
    pub quota_project: Option<i32>,
    pub quota_service_point: Option<i32>,
    pub total_cap: Option<i32>,
    pub status: RoundStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `applications` table. Generated shape; see migration `m20261123_000005_applications`.

use sea_orm::entity::prelude::*;
use vocab::{ApplicationStatus, AwardOverride};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cycle_id: i32,
    pub team_id: i32,
    pub project_name: String,
    pub leader_name: String,
    pub leader_title: String,
    pub phone: String,
    pub mobile: String,
    #[sea_orm(column_type = "Text")]
    pub overview: String,
    #[sea_orm(column_type = "Text")]
    pub highlights: String,
    #[sea_orm(column_type = "Text")]
    pub benefits: String,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    pub status: ApplicationStatus,
    pub tier_override: Option<AwardOverride>,
    pub submitted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `award_history` table. Generated shape; see migration `m20261123_000004_cycles`.

use sea_orm::entity::prelude::*;
use vocab::{AwardSource, Tier};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "award_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub year: i32,
    pub team_id: i32,
    pub project_name: String,
    pub tier: Tier,
    pub source: AwardSource,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

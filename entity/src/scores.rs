//! `scores` table. Generated shape; see migration `m20261123_000006_review`.

use sea_orm::entity::prelude::*;
use vocab::ScoreBreakdown;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "scores")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub assignment_id: i32,
    #[sea_orm(column_type = "Text")]
    pub breakdown: ScoreBreakdown,
    pub total_tenths: i64,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `activity_tasks` table. Generated shape; see migration `m20261123_000002_activities`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "activity_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub activity_id: i32,
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    #[sea_orm(column_type = "Text")]
    pub target: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

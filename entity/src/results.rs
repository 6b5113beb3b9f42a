//! `results` table. Generated shape; see migration `m20261123_000006_review`.

use sea_orm::entity::prelude::*;
use vocab::Tier;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "results")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cycle_id: i32,
    pub application_id: i32,
    pub rank: i32,
    pub final_score: f64,
    pub tier: Option<Tier>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

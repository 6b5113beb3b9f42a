//! `recommendation_waivers` table. See migration `m20261207_400001_recommendations`.

use sea_orm::entity::prelude::*;
use vocab::Condition;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "recommendation_waivers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub condition: Condition,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub waived_by: i32,
    pub created_at: DateTimeUtc,
}

/// The foreign keys of the migration, as relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `round_id` → `recommendation_rounds.id`.
    #[sea_orm(
        belongs_to = "super::recommendation_rounds::Entity",
        from = "Column::RoundId",
        to = "super::recommendation_rounds::Column::Id"
    )]
    Round,
}

impl ActiveModelBehavior for ActiveModel {}

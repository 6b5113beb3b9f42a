//! `recommendation_candidates` table. See migration `m20261207_400001_recommendations`.

use sea_orm::entity::prelude::*;
use vocab::{RecommendationCategory, UpperOutcome};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "recommendation_candidates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub category: RecommendationCategory,
    /// Who the candidate is across rounds (`team:7`, `project:7:name`, `volunteer:name:mobile`,
    /// `point:…`): the "not already selected" check looks it up in earlier years.
    pub identity_key: String,
    pub name: String,
    /// The unit (or district) that nominated; `None` for the admin.
    pub nominator_unit_id: Option<i32>,
    pub nominated_by: i32,
    pub team_id: Option<i32>,
    pub application_id: Option<i32>,
    /// 表现特别突出: the volunteer threshold is 10 instead of 20.
    pub outstanding: bool,
    /// The form's fields that are not in the record (JSON, see `domain::recommendation`).
    #[sea_orm(column_type = "Text")]
    #[serde(skip)]
    pub details: String,
    /// 主要事迹 (≤ 1000 characters).
    #[sea_orm(column_type = "Text")]
    pub deeds: String,
    /// JSON list of the conditions the nominator confirmed.
    #[sea_orm(column_type = "Text")]
    pub confirmed: String,
    pub rank: Option<i32>,
    pub recommended: bool,
    pub outcome: Option<UpperOutcome>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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

impl Related<super::recommendation_rounds::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Round.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

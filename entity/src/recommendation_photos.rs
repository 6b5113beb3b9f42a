//! `recommendation_photos` table. See migration `m20261207_400001_recommendations`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "recommendation_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub candidate_id: i32,
    /// The stored content (`storage`), always a JPEG.
    pub sha256: String,
    pub size: i64,
    pub uploaded_by: i32,
    pub created_at: DateTimeUtc,
}

/// The foreign keys of the migration, as relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `candidate_id` → `recommendation_candidates.id`.
    #[sea_orm(
        belongs_to = "super::recommendation_candidates::Entity",
        from = "Column::CandidateId",
        to = "super::recommendation_candidates::Column::Id"
    )]
    Candidate,
}

impl ActiveModelBehavior for ActiveModel {}

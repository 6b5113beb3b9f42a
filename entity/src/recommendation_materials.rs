//! `recommendation_materials` table. See migration `m20261208_400001_recommendation_materials`.

use sea_orm::entity::prelude::*;
use vocab::MaterialKind;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "recommendation_materials")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub candidate_id: i32,
    /// `scan` (the stamped PDF of the form) or `video`; one of each per candidate.
    pub kind: MaterialKind,
    /// The stored content (`storage`).
    pub sha256: String,
    pub size: i64,
    /// Decided from the content at upload (`application/pdf`, `video/mp4`, `video/quicktime`).
    pub content_type: String,
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

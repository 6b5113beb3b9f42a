//! Issue 13: the materials the upper-level calls ask for besides the form and the photos — the
//! stamped PDF scan of the candidate's form (001: "WORD版及盖章扫描PDF版") and the optional video
//! (002: "还可提交展示先进事迹的宣传视频材料"); at most one of each kind per candidate.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RecommendationMaterials::Table)
                    .if_not_exists()
                    .col(pk_auto(RecommendationMaterials::Id))
                    .col(integer(RecommendationMaterials::CandidateId))
                    .col(string(RecommendationMaterials::Kind))
                    .col(string(RecommendationMaterials::Sha256))
                    .col(big_integer(RecommendationMaterials::Size))
                    .col(string(RecommendationMaterials::ContentType))
                    .col(integer(RecommendationMaterials::UploadedBy))
                    .col(timestamp_with_time_zone(RecommendationMaterials::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendation_materials_candidate_id")
                            .from(
                                RecommendationMaterials::Table,
                                RecommendationMaterials::CandidateId,
                            )
                            .to(RecommendationCandidates::Table, RecommendationCandidates::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_recommendation_materials_candidate_kind")
                    .table(RecommendationMaterials::Table)
                    .col(RecommendationMaterials::CandidateId)
                    .col(RecommendationMaterials::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_recommendation_materials_sha256")
                    .table(RecommendationMaterials::Table)
                    .col(RecommendationMaterials::Sha256)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RecommendationMaterials::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RecommendationMaterials {
    Table,
    Id,
    CandidateId,
    Kind,
    Sha256,
    Size,
    ContentType,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecommendationCandidates {
    Table,
    Id,
}

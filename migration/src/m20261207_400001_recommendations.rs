//! Issue 13: recommendation rounds to the upper-level 先进典型 selections — the round, the
//! conditions it waives, its candidates and their photos.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RecommendationRounds::Table)
                    .if_not_exists()
                    .col(pk_auto(RecommendationRounds::Id))
                    .col(integer(RecommendationRounds::Year))
                    .col(string(RecommendationRounds::Title))
                    .col(string(RecommendationRounds::IssuingBody))
                    .col(string(RecommendationRounds::RecommendingBody))
                    .col(date(RecommendationRounds::Deadline))
                    .col(integer_null(RecommendationRounds::QuotaVolunteer))
                    .col(integer_null(RecommendationRounds::QuotaTeam))
                    .col(integer_null(RecommendationRounds::QuotaProject))
                    .col(integer_null(RecommendationRounds::QuotaServicePoint))
                    .col(integer_null(RecommendationRounds::TotalCap))
                    .col(string(RecommendationRounds::Status))
                    .col(timestamp_with_time_zone(RecommendationRounds::CreatedAt))
                    .col(timestamp_with_time_zone(RecommendationRounds::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecommendationWaivers::Table)
                    .if_not_exists()
                    .col(pk_auto(RecommendationWaivers::Id))
                    .col(integer(RecommendationWaivers::RoundId))
                    .col(string(RecommendationWaivers::Condition))
                    .col(text(RecommendationWaivers::Reason))
                    .col(integer(RecommendationWaivers::WaivedBy))
                    .col(timestamp_with_time_zone(RecommendationWaivers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendation_waivers_round_id")
                            .from(RecommendationWaivers::Table, RecommendationWaivers::RoundId)
                            .to(RecommendationRounds::Table, RecommendationRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_recommendation_waivers_round_condition")
                    .table(RecommendationWaivers::Table)
                    .col(RecommendationWaivers::RoundId)
                    .col(RecommendationWaivers::Condition)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecommendationCandidates::Table)
                    .if_not_exists()
                    .col(pk_auto(RecommendationCandidates::Id))
                    .col(integer(RecommendationCandidates::RoundId))
                    .col(string(RecommendationCandidates::Category))
                    .col(string(RecommendationCandidates::IdentityKey))
                    .col(string(RecommendationCandidates::Name))
                    .col(integer_null(RecommendationCandidates::NominatorUnitId))
                    .col(integer(RecommendationCandidates::NominatedBy))
                    .col(integer_null(RecommendationCandidates::TeamId))
                    .col(integer_null(RecommendationCandidates::ApplicationId))
                    .col(boolean(RecommendationCandidates::Outstanding))
                    .col(text(RecommendationCandidates::Details))
                    .col(text(RecommendationCandidates::Deeds))
                    .col(text(RecommendationCandidates::Confirmed))
                    .col(integer_null(RecommendationCandidates::Rank))
                    .col(boolean(RecommendationCandidates::Recommended))
                    .col(string_null(RecommendationCandidates::Outcome))
                    .col(timestamp_with_time_zone(RecommendationCandidates::CreatedAt))
                    .col(timestamp_with_time_zone(RecommendationCandidates::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendation_candidates_round_id")
                            .from(RecommendationCandidates::Table, RecommendationCandidates::RoundId)
                            .to(RecommendationRounds::Table, RecommendationRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_recommendation_candidates_round_identity")
                    .table(RecommendationCandidates::Table)
                    .col(RecommendationCandidates::RoundId)
                    .col(RecommendationCandidates::IdentityKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_recommendation_candidates_identity")
                    .table(RecommendationCandidates::Table)
                    .col(RecommendationCandidates::IdentityKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecommendationPhotos::Table)
                    .if_not_exists()
                    .col(pk_auto(RecommendationPhotos::Id))
                    .col(integer(RecommendationPhotos::CandidateId))
                    .col(string(RecommendationPhotos::Sha256))
                    .col(big_integer(RecommendationPhotos::Size))
                    .col(integer(RecommendationPhotos::UploadedBy))
                    .col(timestamp_with_time_zone(RecommendationPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recommendation_photos_candidate_id")
                            .from(RecommendationPhotos::Table, RecommendationPhotos::CandidateId)
                            .to(RecommendationCandidates::Table, RecommendationCandidates::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RecommendationPhotos::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RecommendationCandidates::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RecommendationWaivers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RecommendationRounds::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RecommendationRounds {
    Table,
    Id,
    Year,
    Title,
    IssuingBody,
    RecommendingBody,
    Deadline,
    QuotaVolunteer,
    QuotaTeam,
    QuotaProject,
    QuotaServicePoint,
    TotalCap,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecommendationWaivers {
    Table,
    Id,
    RoundId,
    Condition,
    Reason,
    WaivedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecommendationCandidates {
    Table,
    Id,
    RoundId,
    Category,
    IdentityKey,
    Name,
    NominatorUnitId,
    NominatedBy,
    TeamId,
    ApplicationId,
    Outstanding,
    Details,
    Deeds,
    Confirmed,
    Rank,
    Recommended,
    Outcome,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecommendationPhotos {
    Table,
    Id,
    CandidateId,
    Sha256,
    Size,
    UploadedBy,
    CreatedAt,
}

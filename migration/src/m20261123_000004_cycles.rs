use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cycles::Table)
                    .if_not_exists()
                    .col(pk_auto(Cycles::Id))
                    .col(integer_uniq(Cycles::Year))
                    .col(string(Cycles::Title))
                    .col(timestamp_with_time_zone(Cycles::ApplicationsOpenAt))
                    .col(timestamp_with_time_zone(Cycles::ApplicationsCloseAt))
                    .col(date(Cycles::ActivityPeriodStart))
                    .col(date(Cycles::ActivityPeriodEnd))
                    .col(big_integer(Cycles::MinAwardScoreTenths))
                    .col(integer(Cycles::ReviewersPerApplication))
                    .col(string(Cycles::Aggregation))
                    .col(text(Cycles::Tiers))
                    .col(text(Cycles::Rubric))
                    .col(string(Cycles::Status))
                    .col(timestamp_with_time_zone_null(Cycles::PublicityEndsAt))
                    .col(timestamp_with_time_zone_null(Cycles::PublishedAt))
                    .col(timestamp_with_time_zone_null(Cycles::FinalizedAt))
                    .col(timestamp_with_time_zone(Cycles::CreatedAt))
                    .col(timestamp_with_time_zone(Cycles::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AwardHistory::Table)
                    .if_not_exists()
                    .col(pk_auto(AwardHistory::Id))
                    .col(integer(AwardHistory::Year))
                    .col(integer(AwardHistory::TeamId))
                    .col(string(AwardHistory::ProjectName))
                    .col(string(AwardHistory::Tier))
                    .col(string(AwardHistory::Source))
                    .col(timestamp_with_time_zone(AwardHistory::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_award_history_team_id")
                            .from(AwardHistory::Table, AwardHistory::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_award_history_year_team_id")
                    .table(AwardHistory::Table)
                    .col(AwardHistory::Year)
                    .col(AwardHistory::TeamId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AwardHistory::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Cycles::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    Id,
    Year,
    Title,
    ApplicationsOpenAt,
    ApplicationsCloseAt,
    ActivityPeriodStart,
    ActivityPeriodEnd,
    MinAwardScoreTenths,
    ReviewersPerApplication,
    Aggregation,
    Tiers,
    Rubric,
    Status,
    PublicityEndsAt,
    PublishedAt,
    FinalizedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AwardHistory {
    Table,
    Id,
    Year,
    TeamId,
    ProjectName,
    Tier,
    Source,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

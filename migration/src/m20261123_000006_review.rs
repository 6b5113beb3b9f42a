use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .if_not_exists()
                    .col(pk_auto(Assignments::Id))
                    .col(integer(Assignments::CycleId))
                    .col(integer(Assignments::ApplicationId))
                    .col(integer(Assignments::ExpertId))
                    .col(timestamp_with_time_zone(Assignments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignments_cycle_id")
                            .from(Assignments::Table, Assignments::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignments_application_id")
                            .from(Assignments::Table, Assignments::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignments_expert_id")
                            .from(Assignments::Table, Assignments::ExpertId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_assignments_application_id_expert_id")
                    .table(Assignments::Table)
                    .col(Assignments::ApplicationId)
                    .col(Assignments::ExpertId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_assignments_expert_id")
                    .table(Assignments::Table)
                    .col(Assignments::ExpertId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Scores::Table)
                    .if_not_exists()
                    .col(pk_auto(Scores::Id))
                    .col(integer(Scores::AssignmentId))
                    .col(text(Scores::Breakdown))
                    .col(big_integer(Scores::TotalTenths))
                    .col(text(Scores::Comment))
                    .col(timestamp_with_time_zone(Scores::CreatedAt))
                    .col(timestamp_with_time_zone(Scores::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scores_assignment_id")
                            .from(Scores::Table, Scores::AssignmentId)
                            .to(Assignments::Table, Assignments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_scores_assignment_id")
                    .table(Scores::Table)
                    .col(Scores::AssignmentId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Results::Table)
                    .if_not_exists()
                    .col(pk_auto(Results::Id))
                    .col(integer(Results::CycleId))
                    .col(integer(Results::ApplicationId))
                    .col(integer(Results::Rank))
                    .col(double(Results::FinalScore))
                    .col(string_null(Results::Tier))
                    .col(timestamp_with_time_zone(Results::ComputedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_results_cycle_id")
                            .from(Results::Table, Results::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_results_application_id")
                            .from(Results::Table, Results::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_results_application_id")
                    .table(Results::Table)
                    .col(Results::ApplicationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_results_cycle_id")
                    .table(Results::Table)
                    .col(Results::CycleId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Objections::Table)
                    .if_not_exists()
                    .col(pk_auto(Objections::Id))
                    .col(integer(Objections::CycleId))
                    .col(integer(Objections::ApplicationId))
                    .col(text(Objections::Reason))
                    .col(string(Objections::ContactName))
                    .col(string(Objections::ContactPhone))
                    .col(string(Objections::Status))
                    .col(text_null(Objections::Note))
                    .col(string_null(Objections::NewTier))
                    .col(timestamp_with_time_zone(Objections::CreatedAt))
                    .col(timestamp_with_time_zone_null(Objections::ResolvedAt))
                    .col(integer_null(Objections::ResolvedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_objections_cycle_id")
                            .from(Objections::Table, Objections::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_objections_application_id")
                            .from(Objections::Table, Objections::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_objections_resolved_by")
                            .from(Objections::Table, Objections::ResolvedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_objections_cycle_id")
                    .table(Objections::Table)
                    .col(Objections::CycleId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Objections::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Results::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Scores::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Assignments::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    CycleId,
    ApplicationId,
    ExpertId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Scores {
    Table,
    Id,
    AssignmentId,
    Breakdown,
    TotalTenths,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Results {
    Table,
    Id,
    CycleId,
    ApplicationId,
    Rank,
    FinalScore,
    Tier,
    ComputedAt,
}

#[derive(DeriveIden)]
enum Objections {
    Table,
    Id,
    CycleId,
    ApplicationId,
    Reason,
    ContactName,
    ContactPhone,
    Status,
    Note,
    NewTier,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
}

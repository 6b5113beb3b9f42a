use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .if_not_exists()
                    .col(pk_auto(Activities::Id))
                    .col(integer(Activities::TeamId))
                    .col(string(Activities::Name))
                    .col(string(Activities::Category))
                    .col(timestamp_with_time_zone(Activities::PlannedStart))
                    .col(timestamp_with_time_zone(Activities::PlannedEnd))
                    .col(string(Activities::Location))
                    .col(string(Activities::LeaderName))
                    .col(string(Activities::LeaderMobile))
                    .col(string(Activities::Status))
                    .col(timestamp_with_time_zone(Activities::RegisteredAt))
                    .col(timestamp_with_time_zone(Activities::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Activities::CancelledAt))
                    .col(timestamp_with_time_zone_null(Activities::ActualStart))
                    .col(timestamp_with_time_zone_null(Activities::ActualEnd))
                    .col(integer_null(Activities::Sessions))
                    .col(integer_null(Activities::PeopleServed))
                    .col(integer_null(Activities::Volunteers))
                    .col(text_null(Activities::Summary))
                    .col(timestamp_with_time_zone_null(Activities::ReportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activities_team_id")
                            .from(Activities::Table, Activities::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_activities_team_id_planned_start")
                    .table(Activities::Table)
                    .col(Activities::TeamId)
                    .col(Activities::PlannedStart)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActivityTasks::Table)
                    .if_not_exists()
                    .col(pk_auto(ActivityTasks::Id))
                    .col(integer(ActivityTasks::ActivityId))
                    .col(integer(ActivityTasks::Position))
                    .col(text(ActivityTasks::Content))
                    .col(text(ActivityTasks::Target))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_activity_tasks_activity_id")
                            .from(ActivityTasks::Table, ActivityTasks::ActivityId)
                            .to(Activities::Table, Activities::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_activity_tasks_activity_id")
                    .table(ActivityTasks::Table)
                    .col(ActivityTasks::ActivityId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActivityTasks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Activities::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    TeamId,
    Name,
    Category,
    PlannedStart,
    PlannedEnd,
    Location,
    LeaderName,
    LeaderMobile,
    Status,
    RegisteredAt,
    UpdatedAt,
    CancelledAt,
    ActualStart,
    ActualEnd,
    Sessions,
    PeopleServed,
    Volunteers,
    Summary,
    ReportedAt,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ActivityTasks {
    Table,
    Id,
    ActivityId,
    Position,
    Content,
    Target,
}

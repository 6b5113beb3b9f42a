use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Applications::Table)
                    .if_not_exists()
                    .col(pk_auto(Applications::Id))
                    .col(integer(Applications::CycleId))
                    .col(integer(Applications::TeamId))
                    .col(string(Applications::ProjectName))
                    .col(string(Applications::LeaderName))
                    .col(string(Applications::LeaderTitle))
                    .col(string(Applications::Phone))
                    .col(string(Applications::Mobile))
                    .col(text(Applications::Overview))
                    .col(text(Applications::Highlights))
                    .col(text(Applications::Benefits))
                    .col(string(Applications::BankName))
                    .col(string(Applications::AccountNo))
                    .col(string(Applications::AccountName))
                    .col(string(Applications::Status))
                    .col(string_null(Applications::TierOverride))
                    .col(timestamp_with_time_zone_null(Applications::SubmittedAt))
                    .col(timestamp_with_time_zone(Applications::CreatedAt))
                    .col(timestamp_with_time_zone(Applications::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_applications_cycle_id")
                            .from(Applications::Table, Applications::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_applications_team_id")
                            .from(Applications::Table, Applications::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_applications_cycle_id_team_id")
                    .table(Applications::Table)
                    .col(Applications::CycleId)
                    .col(Applications::TeamId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApplicationActivities::Table)
                    .if_not_exists()
                    .col(pk_auto(ApplicationActivities::Id))
                    .col(integer(ApplicationActivities::ApplicationId))
                    .col(integer(ApplicationActivities::ActivityId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_application_activities_application_id")
                            .from(ApplicationActivities::Table, ApplicationActivities::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_application_activities_activity_id")
                            .from(ApplicationActivities::Table, ApplicationActivities::ActivityId)
                            .to(Activities::Table, Activities::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_application_activities_application_id_activity_id")
                    .table(ApplicationActivities::Table)
                    .col(ApplicationActivities::ApplicationId)
                    .col(ApplicationActivities::ActivityId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .if_not_exists()
                    .col(pk_auto(Attachments::Id))
                    .col(integer(Attachments::ApplicationId))
                    .col(string(Attachments::Kind))
                    .col(string(Attachments::Filename))
                    .col(big_integer(Attachments::Size))
                    .col(string(Attachments::Sha256))
                    .col(string(Attachments::ContentType))
                    .col(integer(Attachments::UploadedBy))
                    .col(timestamp_with_time_zone(Attachments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_application_id")
                            .from(Attachments::Table, Attachments::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_uploaded_by")
                            .from(Attachments::Table, Attachments::UploadedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_attachments_application_id")
                    .table(Attachments::Table)
                    .col(Attachments::ApplicationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Opinions::Table)
                    .if_not_exists()
                    .col(pk_auto(Opinions::Id))
                    .col(integer(Opinions::ApplicationId))
                    .col(string(Opinions::Step))
                    .col(string(Opinions::Decision))
                    .col(text(Opinions::Comment))
                    .col(integer(Opinions::ActorId))
                    .col(timestamp_with_time_zone(Opinions::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_opinions_application_id")
                            .from(Opinions::Table, Opinions::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_opinions_actor_id")
                            .from(Opinions::Table, Opinions::ActorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_opinions_application_id")
                    .table(Opinions::Table)
                    .col(Opinions::ApplicationId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Opinions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApplicationActivities::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Applications::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
    CycleId,
    TeamId,
    ProjectName,
    LeaderName,
    LeaderTitle,
    Phone,
    Mobile,
    Overview,
    Highlights,
    Benefits,
    BankName,
    AccountNo,
    AccountName,
    Status,
    TierOverride,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ApplicationActivities {
    Table,
    Id,
    ApplicationId,
    ActivityId,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ApplicationId,
    Kind,
    Filename,
    Size,
    Sha256,
    ContentType,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Opinions {
    Table,
    Id,
    ApplicationId,
    Step,
    Decision,
    Comment,
    ActorId,
    At,
}

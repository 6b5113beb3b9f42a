//! R-REMIND (issue 14): stored reminders — one row per kind, object and recipient (a unique
//! key, so a scheduler that runs again, restarts, or runs twice on one database inserts each
//! once) — the user's optional e-mail address, and the cycle's optional review deadline.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    Kind,
    ObjectId,
    RecipientId,
    Title,
    Body,
    Link,
    DueAt,
    CreatedAt,
    ReadAt,
    Channel,
    SentAt,
    Attempts,
    LastError,
    NextAttemptAt,
    ClaimedUntil,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    ReviewDeadline,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .if_not_exists()
                    .col(pk_auto(Notifications::Id))
                    .col(string(Notifications::Kind))
                    .col(integer(Notifications::ObjectId))
                    .col(integer(Notifications::RecipientId))
                    .col(string(Notifications::Title))
                    .col(text(Notifications::Body))
                    .col(string(Notifications::Link))
                    .col(timestamp_with_time_zone(Notifications::DueAt))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    // `inbox`, or `email` when an e-mail is (to be) sent as well.
                    .col(string(Notifications::Channel))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .col(integer(Notifications::Attempts).default(0))
                    .col(text_null(Notifications::LastError))
                    .col(timestamp_with_time_zone_null(Notifications::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Notifications::ClaimedUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_recipient_id")
                            .from(Notifications::Table, Notifications::RecipientId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_notifications_kind_object_recipient")
                    .table(Notifications::Table)
                    .col(Notifications::Kind)
                    .col(Notifications::ObjectId)
                    .col(Notifications::RecipientId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notifications_recipient_id")
                    .table(Notifications::Table)
                    .col(Notifications::RecipientId)
                    .col(Notifications::ReadAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_null(Users::Email))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cycles::Table)
                    .add_column(timestamp_with_time_zone_null(Cycles::ReviewDeadline))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cycles::Table)
                    .drop_column(Cycles::ReviewDeadline)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Email)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}

//! Issue 18.1 and 18.4: 补录 (an activity recorded after the fact, from the 登记表 e-mailed
//! before it) and activity evidence through the year.
//! - `activities`: `backfilled` (default false), who and when, the reason, and when the scan
//!   of the original 登记表 or e-mail was attached (a backfilled activity counts only after);
//! - `cycles.count_backfilled` (default true): whether backfilled activities count;
//! - `activity_attachments`: photos, videos, reports and scans of an activity, stored like
//!   application evidence (content-addressed by sha256).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden, Clone, Copy)]
enum Activities {
    Table,
    Id,
    Backfilled,
    BackfilledBy,
    BackfilledAt,
    BackfillReason,
    BackfillScanAt,
}

#[derive(Iden, Clone, Copy)]
enum Cycles {
    Table,
    CountBackfilled,
}

#[derive(Iden)]
enum ActivityAttachments {
    Table,
    Id,
    ActivityId,
    Kind,
    Filename,
    Size,
    Sha256,
    ContentType,
    UploadedBy,
    CreatedAt,
}

#[derive(Iden)]
enum Users {
    Table,
    Id,
}

async fn add(manager: &SchemaManager<'_>, t: impl Iden + 'static, mut def: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(t).add_column(&mut def).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            Activities::Table,
            ColumnDef::new(Activities::Backfilled)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Activities::Table,
            ColumnDef::new(Activities::BackfilledBy)
                .integer()
                .null()
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Activities::Table,
            ColumnDef::new(Activities::BackfilledAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Activities::Table,
            ColumnDef::new(Activities::BackfillReason)
                .text()
                .null()
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Activities::Table,
            ColumnDef::new(Activities::BackfillScanAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Cycles::Table,
            ColumnDef::new(Cycles::CountBackfilled)
                .boolean()
                .not_null()
                .default(true)
                .to_owned(),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActivityAttachments::Table)
                    .col(
                        ColumnDef::new(ActivityAttachments::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ActivityAttachments::ActivityId)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ActivityAttachments::Kind).string().not_null())
                    .col(ColumnDef::new(ActivityAttachments::Filename).string().not_null())
                    .col(ColumnDef::new(ActivityAttachments::Size).big_integer().not_null())
                    .col(ColumnDef::new(ActivityAttachments::Sha256).string().not_null())
                    .col(
                        ColumnDef::new(ActivityAttachments::ContentType)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ActivityAttachments::UploadedBy)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ActivityAttachments::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ActivityAttachments::Table, ActivityAttachments::ActivityId)
                            .to(Activities::Table, Activities::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ActivityAttachments::Table, ActivityAttachments::UploadedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_activity_attachments_activity")
                    .table(ActivityAttachments::Table)
                    .col(ActivityAttachments::ActivityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActivityAttachments::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cycles::Table)
                    .drop_column(Cycles::CountBackfilled)
                    .to_owned(),
            )
            .await?;
        for col in [
            Activities::Backfilled,
            Activities::BackfilledBy,
            Activities::BackfilledAt,
            Activities::BackfillReason,
            Activities::BackfillScanAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Activities::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

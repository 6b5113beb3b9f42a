//! Login throttling in the database (R-THROTTLE), so that several instances count together.
//! One row per bucket: the key is sha256(scope ‖ value) (never a typed username), a fixed window
//! that starts at its first hit, the hits in it, and when the row may be deleted. Times are Unix
//! milliseconds so both databases compare them as numbers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ThrottleBuckets::Table)
                    .if_not_exists()
                    .col(string_len(ThrottleBuckets::BucketKey, 64).primary_key())
                    .col(big_integer(ThrottleBuckets::WindowStartMs))
                    .col(big_integer(ThrottleBuckets::Hits))
                    .col(big_integer(ThrottleBuckets::ExpiresAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_throttle_buckets_expires")
                    .table(ThrottleBuckets::Table)
                    .col(ThrottleBuckets::ExpiresAtMs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ThrottleBuckets::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ThrottleBuckets {
    Table,
    BucketKey,
    WindowStartMs,
    Hits,
    ExpiresAtMs,
}

//! R-STAT: the statistics aggregate a year of activities in SQL; the year is a range on the
//! planned start, so it gets an index of its own (the existing one leads with `team_id`). The
//! year's awards are found through their cycle.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_activities_planned_start")
                    .table(Alias::new("activities"))
                    .col(Alias::new("planned_start"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_awards_cycle_id")
                    .table(Alias::new("awards"))
                    .col(Alias::new("cycle_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_awards_cycle_id", "awards"),
            ("ix_activities_planned_start", "activities"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Issue 19: lists that stay fast at 1,000,000 activities. The association's activity list is
//! ordered by planned start (then id): without an index on that order every page sorted the
//! whole table. A unit's or district's applications are read by team.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 2] = [
    ("ix_activities_planned_start_id", "activities (planned_start, id)"),
    ("ix_applications_team_id", "applications (team_id)"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, on) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {on}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}

//! Issue 20.3: one open objection per application and mobile — a partial unique index (both
//! SQLite and PostgreSQL support `WHERE` on an index), so two identical submissions racing
//! each other cannot both be stored.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_objections_open_per_mobile \
                 ON objections (application_id, contact_phone) WHERE status = 'open'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_objections_open_per_mobile")
            .await?;
        Ok(())
    }
}

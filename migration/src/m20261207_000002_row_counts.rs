//! Issue 19: list totals that don't scan the world. `row_counts` holds the number of rows of the
//! big tables (activities, applications, payouts, audit_log), kept exact by triggers in the
//! inserting or deleting statement's own transaction, so an unfiltered list reads its total
//! from one row instead of counting a million (PostgreSQL's `count(*)` over 1,000,000 rows
//! takes 40–100 ms on this machine kind). Filtered lists still count what they match.
//! SQLite: a row trigger per table and operation. PostgreSQL: a statement trigger with a
//! transition table, so a bulk insert updates the count once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const COUNTED: [&str; 4] = ["activities", "applications", "payouts", "audit_log"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE row_counts (table_name VARCHAR(64) NOT NULL PRIMARY KEY, n BIGINT NOT NULL)",
        )
        .await?;
        for t in COUNTED {
            db.execute_unprepared(&format!(
                "INSERT INTO row_counts (table_name, n) SELECT '{t}', COUNT(*) FROM {t}"
            ))
            .await?;
        }
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION row_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE row_counts SET n = n + (SELECT COUNT(*) FROM new_rows) \
                     WHERE table_name = TG_TABLE_NAME; RETURN NULL; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE FUNCTION row_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE row_counts SET n = n - (SELECT COUNT(*) FROM old_rows) \
                     WHERE table_name = TG_TABLE_NAME; RETURN NULL; END $$",
                )
                .await?;
                for t in COUNTED {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER trg_{t}_counted_ins AFTER INSERT ON {t} \
                         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT \
                         EXECUTE FUNCTION row_counts_inserted()"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER trg_{t}_counted_del AFTER DELETE ON {t} \
                         REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT \
                         EXECUTE FUNCTION row_counts_deleted()"
                    ))
                    .await?;
                }
            }
            _ => {
                for t in COUNTED {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER trg_{t}_counted_ins AFTER INSERT ON {t} BEGIN \
                         UPDATE row_counts SET n = n + 1 WHERE table_name = '{t}'; END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER trg_{t}_counted_del AFTER DELETE ON {t} BEGIN \
                         UPDATE row_counts SET n = n - 1 WHERE table_name = '{t}'; END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for t in COUNTED {
            for op in ["ins", "del"] {
                let on = if manager.get_database_backend() == DatabaseBackend::Postgres {
                    format!(" ON {t}")
                } else {
                    String::new()
                };
                db.execute_unprepared(&format!("DROP TRIGGER trg_{t}_counted_{op}{on}"))
                    .await?;
            }
        }
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION row_counts_inserted()")
                .await?;
            db.execute_unprepared("DROP FUNCTION row_counts_deleted()")
                .await?;
        }
        db.execute_unprepared("DROP TABLE row_counts").await?;
        Ok(())
    }
}

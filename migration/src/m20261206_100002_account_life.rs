//! Account life-cycle (R-ACCOUNT): a disabled flag, a forced password change, and the username
//! key (NFKC, lower case) that makes `Admin` and `admin` one user, under a unique index.
//! Existing users get their key here; should two already collide, the later one's key is
//! suffixed with `#id` (it still logs in by its exact former name through the admin's reset).

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, Statement},
};
use unicode_normalization::UnicodeNormalization;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn username_key(raw: &str) -> String {
    raw.trim()
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfkc()
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for col in [
            // NOT NULL needs a default on SQLite; every row gets its real key just below.
            string(Users::UsernameKey).default("").to_owned(),
            timestamp_with_time_zone_null(Users::DisabledAt),
            boolean(Users::MustChangePassword).default(false).to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(Users::Table).add_column(col).to_owned())
                .await?;
        }
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, username FROM users ORDER BY id",
            ))
            .await?;
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let name: String = row.try_get("", "username")?;
            let mut key = username_key(&name);
            if !seen.insert(key.clone()) {
                key = format!("{key}#{id}");
            }
            let sql = match backend {
                sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE users SET username_key = $1 WHERE id = $2"
                }
                _ => "UPDATE users SET username_key = ? WHERE id = ?",
            };
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [key.into(), id.into()],
            ))
            .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_users_username_key")
                    .table(Users::Table)
                    .col(Users::UsernameKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_username_key")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        for col in [Users::UsernameKey, Users::DisabledAt, Users::MustChangePassword] {
            manager
                .alter_table(Table::alter().table(Users::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    UsernameKey,
    DisabledAt,
    MustChangePassword,
}

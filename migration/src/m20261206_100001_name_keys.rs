//! Issue 20.4: team and unit names are unique in their NFKC case-folded form (`ＡＢＣ队` and
//! `abc队` are one name). A `name_key` column on each table, backfilled, with a unique index.
//! Rows that already collide keep their names; the later ones get their id appended to the key
//! (they stay distinct, and a new name can no longer collide with either).

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, Statement},
};
use unicode_normalization::UnicodeNormalization;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same rule as `zhihui::domain::text::name_key` (the migration crate cannot depend on it).
fn name_key(name: &str) -> String {
    name.nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfkc()
        .collect()
}

#[derive(Iden, Clone, Copy)]
enum Units {
    Table,
    NameKey,
}

#[derive(Iden, Clone, Copy)]
enum Teams {
    Table,
    NameKey,
}

async fn add_key(
    manager: &SchemaManager<'_>,
    table: &str,
    t: impl Iden + Copy + 'static,
    col: impl Iden + Copy + 'static,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(t)
                .add_column(ColumnDef::new(col).string().null())
                .to_owned(),
        )
        .await?;
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT id, name FROM {table} ORDER BY id"),
        ))
        .await?;
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        let name: String = row.try_get("", "name")?;
        let mut key = name_key(&name);
        if !seen.insert(key.clone()) {
            key = format!("{key}#{id}");
            seen.insert(key.clone());
        }
        let update = Query::update()
            .table(t)
            .value(col, key)
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        db.execute(&update).await?;
    }
    manager
        .create_index(
            Index::create()
                .name(format!("idx_{table}_name_key"))
                .table(t)
                .col(col)
                .unique()
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_key(manager, "units", Units::Table, Units::NameKey).await?;
        add_key(manager, "teams", Teams::Table, Teams::NameKey).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, t, c) in [
            ("units", Alias::new("units"), Alias::new("name_key")),
            ("teams", Alias::new("teams"), Alias::new("name_key")),
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_name_key"))
                        .table(t.clone())
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(Table::alter().table(t).drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! The 填报说明 of the 项目申报书, stored on the cycle so a new year's notice can change it
//! (R-FORM). NULL means the 2024 notice's seven points, which new cycles store explicitly.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cycles::Table)
                    .add_column(text_null(Cycles::FormInstructions))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cycles::Table)
                    .drop_column(Cycles::FormInstructions)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    FormInstructions,
}

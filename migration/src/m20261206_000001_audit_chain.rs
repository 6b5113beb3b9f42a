//! R-AUDIT made verifiable: each audit entry carries its place in the chain (`seq`), the
//! previous entry's hash and its own; `audit_head` holds the chain's last link (one row, locked
//! by every append so the chain has one order under concurrent writers). Entries written before
//! this migration are linked by the service at the first start (the head is at `seq` 0 until
//! then).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The hash before the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for col in [
            ColumnDef::new(AuditLog::Seq).big_integer().null().to_owned(),
            ColumnDef::new(AuditLog::PrevHash)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(AuditLog::Hash).string_len(64).null().to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(AuditLog::Table).add_column(col).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_audit_log_seq")
                    .table(AuditLog::Table)
                    .col(AuditLog::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(integer(AuditHead::Id).primary_key())
                    .col(big_integer(AuditHead::Seq))
                    .col(string_len(AuditHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditHead::Table)
                    .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                    .values_panic([1.into(), 0i64.into(), GENESIS.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditHead::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_audit_log_seq")
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        for col in [AuditLog::Hash, AuditLog::PrevHash, AuditLog::Seq] {
            manager
                .alter_table(Table::alter().table(AuditLog::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Awards::Table)
                    .if_not_exists()
                    .col(pk_auto(Awards::Id))
                    .col(integer(Awards::CycleId))
                    .col(integer(Awards::ApplicationId))
                    .col(integer(Awards::TeamId))
                    .col(string(Awards::Tier))
                    .col(big_integer(Awards::AmountFen))
                    .col(timestamp_with_time_zone(Awards::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_awards_cycle_id")
                            .from(Awards::Table, Awards::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_awards_application_id")
                            .from(Awards::Table, Awards::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_awards_team_id")
                            .from(Awards::Table, Awards::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_awards_application_id")
                    .table(Awards::Table)
                    .col(Awards::ApplicationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PayoutBatches::Table)
                    .if_not_exists()
                    .col(pk_auto(PayoutBatches::Id))
                    .col(integer(PayoutBatches::CycleId))
                    .col(integer(PayoutBatches::CreatedBy))
                    .col(big_integer(PayoutBatches::TotalFen))
                    .col(timestamp_with_time_zone(PayoutBatches::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payout_batches_cycle_id")
                            .from(PayoutBatches::Table, PayoutBatches::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payout_batches_created_by")
                            .from(PayoutBatches::Table, PayoutBatches::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Payouts::Table)
                    .if_not_exists()
                    .col(pk_auto(Payouts::Id))
                    .col(integer(Payouts::AwardId))
                    .col(integer(Payouts::CycleId))
                    .col(integer(Payouts::ApplicationId))
                    .col(integer(Payouts::TeamId))
                    .col(string(Payouts::Tier))
                    .col(big_integer(Payouts::AmountFen))
                    .col(string(Payouts::BankName))
                    .col(string(Payouts::AccountNo))
                    .col(string(Payouts::AccountName))
                    .col(string(Payouts::Status))
                    .col(integer_null(Payouts::BatchId))
                    .col(text_null(Payouts::FailureReason))
                    .col(integer_null(Payouts::ReissueOf))
                    .col(date_null(Payouts::PaidOn))
                    .col(string_null(Payouts::BankReference))
                    .col(timestamp_with_time_zone(Payouts::CreatedAt))
                    .col(timestamp_with_time_zone(Payouts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payouts_award_id")
                            .from(Payouts::Table, Payouts::AwardId)
                            .to(Awards::Table, Awards::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payouts_cycle_id")
                            .from(Payouts::Table, Payouts::CycleId)
                            .to(Cycles::Table, Cycles::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payouts_application_id")
                            .from(Payouts::Table, Payouts::ApplicationId)
                            .to(Applications::Table, Applications::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payouts_team_id")
                            .from(Payouts::Table, Payouts::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payouts_batch_id")
                            .from(Payouts::Table, Payouts::BatchId)
                            .to(PayoutBatches::Table, PayoutBatches::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payouts_reissue_of")
                            .from(Payouts::Table, Payouts::ReissueOf)
                            .to(Payouts::Table, Payouts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_payouts_cycle_id")
                    .table(Payouts::Table)
                    .col(Payouts::CycleId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .if_not_exists()
                    .col(pk_auto(Payments::Id))
                    .col(integer(Payments::AwardId))
                    .col(integer(Payments::PayoutId))
                    .col(big_integer(Payments::AmountFen))
                    .col(date(Payments::PaidOn))
                    .col(string(Payments::BankReference))
                    .col(integer(Payments::RecordedBy))
                    .col(timestamp_with_time_zone(Payments::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payments_award_id")
                            .from(Payments::Table, Payments::AwardId)
                            .to(Awards::Table, Awards::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payments_payout_id")
                            .from(Payments::Table, Payments::PayoutId)
                            .to(Payouts::Table, Payouts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payments_recorded_by")
                            .from(Payments::Table, Payments::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_payments_award_id")
                    .table(Payments::Table)
                    .col(Payments::AwardId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_payments_payout_id")
                    .table(Payments::Table)
                    .col(Payments::PayoutId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .if_not_exists()
                    .col(pk_auto(IdempotencyKeys::Id))
                    .col(integer(IdempotencyKeys::UserId))
                    .col(string(IdempotencyKeys::IdemKey))
                    .col(string(IdempotencyKeys::RequestHash))
                    .col(integer(IdempotencyKeys::ResponseStatus))
                    .col(text(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_idempotency_keys_user_id")
                            .from(IdempotencyKeys::Table, IdempotencyKeys::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_idempotency_keys_user_id_idem_key")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::UserId)
                    .col(IdempotencyKeys::IdemKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // R-NOPAY2: at most one live (not failed) payout per award, held by the database itself
        // (a partial unique index; SQLite and PostgreSQL both accept this statement).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_payouts_live_award ON payouts (award_id) WHERE status <> 'failed'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Payments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Payouts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PayoutBatches::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Awards::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Awards {
    Table,
    Id,
    CycleId,
    ApplicationId,
    TeamId,
    Tier,
    AmountFen,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PayoutBatches {
    Table,
    Id,
    CycleId,
    CreatedBy,
    TotalFen,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Payouts {
    Table,
    Id,
    AwardId,
    CycleId,
    ApplicationId,
    TeamId,
    Tier,
    AmountFen,
    BankName,
    AccountNo,
    AccountName,
    Status,
    BatchId,
    FailureReason,
    ReissueOf,
    PaidOn,
    BankReference,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    AwardId,
    PayoutId,
    AmountFen,
    PaidOn,
    BankReference,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    UserId,
    IdemKey,
    RequestHash,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}

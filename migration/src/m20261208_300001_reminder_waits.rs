//! R-REMIND (issue 14): a reminder is once per *wait*, not once ever. The unique key gains
//! `waiting_since` — what makes one wait distinct: when the application reached the opinion
//! step it waits at (its `updated_at`), the activity's planned end, the payout's creation, or
//! the deadline counted down to (the window's close, the review deadline). An application
//! sent back and resubmitted waits again from a new moment, and is reminded again.
//!
//! Rows stored before this migration get the moment of the wait they reminded of: for an
//! opinion, the application's `updated_at` when it has not moved since the reminder was
//! created (the same wait), otherwise the reminder's own `due_at` (an earlier wait, which no
//! new wait will equal).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Kind,
    ObjectId,
    RecipientId,
    WaitingSince,
}

const OLD_KEY: &str = "ux_notifications_kind_object_recipient";
const NEW_KEY: &str = "ux_notifications_kind_object_recipient_since";

const BACKFILL: &str = "UPDATE notifications SET waiting_since = COALESCE(
    CASE kind
        WHEN 'activity_unreported' THEN
            (SELECT a.planned_end FROM activities a WHERE a.id = notifications.object_id)
        WHEN 'application_window_closing' THEN
            (SELECT c.applications_close_at FROM cycles c WHERE c.id = notifications.object_id)
        WHEN 'scores_missing' THEN
            (SELECT c.review_deadline FROM cycles c WHERE c.id = notifications.object_id)
        WHEN 'payout_pending' THEN
            (SELECT p.created_at FROM payouts p WHERE p.id = notifications.object_id)
        ELSE
            (SELECT ap.updated_at FROM applications ap
              WHERE ap.id = notifications.object_id AND ap.updated_at <= notifications.created_at)
    END,
    due_at)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // NOT NULL needs a constant default on SQLite; every row gets its value just below,
        // and the scheduler always writes one.
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(
                        ColumnDef::new(Notifications::WaitingSince)
                            .timestamp_with_time_zone()
                            .not_null()
                            .default("1970-01-01 00:00:00+00:00"),
                    )
                    .to_owned(),
            )
            .await?;
        manager.get_connection().execute_unprepared(BACKFILL).await?;
        manager
            .drop_index(Index::drop().name(OLD_KEY).table(Notifications::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(NEW_KEY)
                    .table(Notifications::Table)
                    .col(Notifications::Kind)
                    .col(Notifications::ObjectId)
                    .col(Notifications::RecipientId)
                    .col(Notifications::WaitingSince)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NEW_KEY).table(Notifications::Table).to_owned())
            .await?;
        // The older key allows one row per kind, object and recipient: keep the first.
        manager
            .get_connection()
            .execute_unprepared(
                "DELETE FROM notifications WHERE id NOT IN \
                 (SELECT MIN(id) FROM notifications GROUP BY kind, object_id, recipient_id)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OLD_KEY)
                    .table(Notifications::Table)
                    .col(Notifications::Kind)
                    .col(Notifications::ObjectId)
                    .col(Notifications::RecipientId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .drop_column(Notifications::WaitingSince)
                    .to_owned(),
            )
            .await
    }
}

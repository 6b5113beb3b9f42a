//! `notifications` table (reminders, R-REMIND). See migrations `m20261207_200002_reminders`
//! and `m20261208_300001_reminder_waits`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The reminder's kind (`activity_unreported`, …); unique with the object, the recipient
    /// and `waiting_since`.
    pub kind: String,
    /// The activity, cycle, application or payout it is about.
    pub object_id: i32,
    pub recipient_id: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// Path of the page it is about (the e-mail prefixes `ZHIHUI_PUBLIC_URL`).
    pub link: String,
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// What makes this wait distinct (migration `m20261208_300001_reminder_waits`): when the
    /// application reached the step it waits at, the activity's planned end, the payout's
    /// creation, or the deadline counted down to. A new wait is reminded again.
    pub waiting_since: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// `inbox`, or `email` when it is e-mailed as well.
    pub channel: String,
    /// When the e-mail was accepted by the SMTP server.
    pub sent_at: Option<DateTimeUtc>,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTimeUtc>,
    /// A sender holds the row until then (two instances never send one twice).
    pub claimed_until: Option<DateTimeUtc>,
}

/// The foreign keys of the migration, as relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `recipient_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::RecipientId",
        to = "super::users::Column::Id"
    )]
    Recipient,
}

impl ActiveModelBehavior for ActiveModel {}

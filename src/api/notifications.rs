//! Reminders (R-REMIND): the caller's inbox, their e-mail address, a cycle's review deadline.

use super::{ApiTags, BearerAuth, List, in_time, out_time};
use crate::{error::ApiResult, services::notifications, state::AppState};
use chrono::{DateTime, FixedOffset};
use entity::notifications::Model;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct NotificationsApi {
    pub state: AppState,
}

/// A reminder in the inbox.
#[derive(Object)]
pub struct NotificationOut {
    pub id: i32,
    /// `activity_unreported`, `application_window_closing`, `opinion_waiting_unit`,
    /// `opinion_waiting_district`, `opinion_waiting_municipal`, `scores_missing`,
    /// `payout_pending`.
    pub kind: String,
    /// The activity, cycle, application or payout it is about.
    pub object_id: i32,
    pub title: String,
    pub body: String,
    /// The page it is about (a path on this service).
    pub link: String,
    /// The deadline or the moment the threshold passed.
    pub due_at: DateTime<FixedOffset>,
    pub created_at: DateTime<FixedOffset>,
    pub read_at: Option<DateTime<FixedOffset>>,
    /// `inbox`, or `email` when it is e-mailed as well.
    pub channel: String,
    /// When the e-mail went out.
    pub sent_at: Option<DateTime<FixedOffset>>,
}

impl From<Model> for NotificationOut {
    fn from(n: Model) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            object_id: n.object_id,
            title: n.title,
            body: n.body,
            link: n.link,
            due_at: out_time(n.due_at),
            created_at: out_time(n.created_at),
            read_at: n.read_at.map(out_time),
            channel: n.channel,
            sent_at: n.sent_at.map(out_time),
        }
    }
}

#[derive(Object)]
pub struct UnreadCountOut {
    pub unread: u64,
}

#[derive(Object)]
pub struct MarkedReadOut {
    /// How many were unread and are now read.
    pub marked: u64,
}

/// The caller's e-mail address for reminders.
#[derive(Object)]
pub struct EmailIn {
    /// An address, or null / empty to receive reminders in the inbox only.
    #[oai(nullable)]
    pub email: Option<String>,
}

#[derive(Object)]
pub struct EmailOut {
    #[oai(nullable)]
    pub email: Option<String>,
}

#[derive(Object)]
pub struct ReviewDeadlineIn {
    /// When experts' scores are due; null clears it.
    pub review_deadline: Option<DateTime<FixedOffset>>,
}

#[derive(Object)]
pub struct ReviewDeadlineOut {
    pub cycle_id: i32,
    pub review_deadline: Option<DateTime<FixedOffset>>,
}

#[OpenApi]
impl NotificationsApi {
    /// 我的提醒 / My reminders
    ///
    /// Newest first; `unread=true` for the unread ones only.
    #[oai(
        path = "/api/v1/notifications",
        method = "get",
        operation_id = "list_notifications",
        tag = "ApiTags::Accounts"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        unread: Query<Option<bool>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<NotificationOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) = notifications::list(
            &self.state,
            &caller,
            unread.0.unwrap_or(false),
            p.offset(),
            p.per_page,
        )
        .await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 未读提醒数 / Unread reminders
    #[oai(
        path = "/api/v1/notifications/unread-count",
        method = "get",
        operation_id = "count_unread_notifications",
        tag = "ApiTags::Accounts"
    )]
    async fn unread(&self, auth: BearerAuth) -> ApiResult<Json<UnreadCountOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(UnreadCountOut {
            unread: notifications::unread_count(&self.state, &caller).await?,
        }))
    }

    /// 标记已读 / Mark a reminder read
    ///
    /// Another user's reminder answers 404.
    #[oai(
        path = "/api/v1/notifications/:id/read",
        method = "post",
        operation_id = "mark_notification_read",
        tag = "ApiTags::Accounts"
    )]
    async fn read(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<NotificationOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(
            notifications::mark_read(&self.state, &caller, id.0).await?.into(),
        ))
    }

    /// 全部标记已读 / Mark every reminder read
    #[oai(
        path = "/api/v1/notifications/read-all",
        method = "post",
        operation_id = "mark_all_notifications_read",
        tag = "ApiTags::Accounts"
    )]
    async fn read_all(&self, auth: BearerAuth) -> ApiResult<Json<MarkedReadOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(MarkedReadOut {
            marked: notifications::mark_all_read(&self.state, &caller).await?,
        }))
    }

    /// 设置提醒邮箱 / Set my e-mail address for reminders
    ///
    /// 422 `invalid_email` on `email`.
    #[oai(
        path = "/api/v1/me/email",
        method = "put",
        operation_id = "set_my_email",
        tag = "ApiTags::Accounts"
    )]
    async fn set_email(&self, auth: BearerAuth, body: Json<EmailIn>) -> ApiResult<Json<EmailOut>> {
        let caller = self.state.caller(&auth).await?;
        let email = notifications::set_email(&self.state, &caller, body.0.email.as_deref()).await?;
        Ok(Json(EmailOut { email }))
    }

    /// 设置评审截止时间 / Set a cycle's review deadline (admin)
    ///
    /// Experts with scores missing are reminded when it is near (`ZHIHUI_REMIND_REVIEW_DAYS`).
    #[oai(
        path = "/api/v1/cycles/:id/review-deadline",
        method = "put",
        operation_id = "set_review_deadline",
        tag = "ApiTags::Cycles"
    )]
    async fn set_review_deadline(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ReviewDeadlineIn>,
    ) -> ApiResult<Json<ReviewDeadlineOut>> {
        let caller = self.state.caller(&auth).await?;
        let c = notifications::set_review_deadline(
            &self.state,
            &caller,
            id.0,
            body.0.review_deadline.map(in_time),
        )
        .await?;
        Ok(Json(ReviewDeadlineOut {
            cycle_id: c.id,
            review_deadline: c.review_deadline.map(out_time),
        }))
    }
}

//! The in-app inbox (R-REMIND): a user reads only their own reminders (another's answers 404);
//! the e-mail address reminders go to; the cycle's review deadline that the expert reminder
//! counts down to.

use crate::{
    authz::Caller,
    domain::{email::Email, roles::Role},
    error::{AppResult, DomainError},
    services::audit::Change,
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{cycles, notifications, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait, sea_query::Expr,
};

fn not_found() -> DomainError {
    DomainError::not_found("提醒", "notification")
}

/// The caller's reminders, newest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    unread_only: bool,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<notifications::Model>, u64)> {
    let mut q = notifications::Entity::find().filter(notifications::Column::RecipientId.eq(caller.user_id));
    if unread_only {
        q = q.filter(notifications::Column::ReadAt.is_null());
    }
    let total = q.clone().count(&state.read).await?;
    let items = q
        .order_by_desc(notifications::Column::CreatedAt)
        .order_by_desc(notifications::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(&state.read)
        .await?;
    Ok((items, total))
}

pub async fn unread_count(state: &AppState, caller: &Caller) -> AppResult<u64> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::RecipientId.eq(caller.user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(&state.read)
        .await?)
}

/// Marks one of the caller's reminders read (idempotent: the first read time stays).
pub async fn mark_read(state: &AppState, caller: &Caller, id: i32) -> AppResult<notifications::Model> {
    let n = notifications::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|n| n.recipient_id == caller.user_id)
        .ok_or_else(not_found)?;
    if n.read_at.is_some() {
        return Ok(n);
    }
    let mut active: notifications::ActiveModel = n.into();
    active.read_at = Set(Some(state.now()));
    Ok(active.update(&state.db).await?)
}

/// Marks every unread reminder of the caller read; how many.
pub async fn mark_all_read(state: &AppState, caller: &Caller) -> AppResult<u64> {
    let r = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(state.now()))
        .filter(notifications::Column::RecipientId.eq(caller.user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(r.rows_affected)
}

/// Sets (or clears) the caller's own e-mail address; audited (the address masked in the row).
pub async fn set_email(state: &AppState, caller: &Caller, email: Option<&str>) -> AppResult<Option<String>> {
    let email = Email::parse_optional(email)?.map(Email::into_inner);
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = users::Entity::find_by_id(caller.user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("用户", "user"))?;
    let mut active: users::ActiveModel = before.clone().into();
    active.email = Set(email.clone());
    let after = active.update(&txn).await?;
    Change::new("set_email", "user", after.id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(email)
}

/// Sets (or clears) a cycle's review deadline (admin); audited.
pub async fn set_review_deadline(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
    deadline: Option<DateTime<Utc>>,
) -> AppResult<cycles::Model> {
    caller.require(&[Role::Admin])?;
    if let Some(d) = deadline {
        crate::domain::plausible::time("review_deadline", d)?;
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = cycles::Entity::find_by_id(cycle_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("评审周期", "cycle"))?;
    let mut active: cycles::ActiveModel = before.clone().into();
    active.review_deadline = Set(deadline);
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    Change::new("set_review_deadline", "cycle", after.id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

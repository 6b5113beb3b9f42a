//! R-NOPAY2: idempotent retries, after zero2prod's `idempotency/` module.
//!
//! Inside the action's own transaction, the key row `(user_id, idem_key)` is inserted FIRST with
//! `ON CONFLICT DO NOTHING`. Whoever inserts it owns the key until commit: a concurrent request
//! with the same key waits on the unique index (PostgreSQL) or on the single connection
//! (SQLite), then finds the committed row and replays its answer. The answer is written into
//! the row before the commit, so no one ever sees a key without its answer; a refused request
//! rolls back and leaves no key behind (R-ERR: nothing half written).

use crate::{
    domain::idempotency::{IdempotencyKey, key_reused},
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use entity::idempotency_keys::{self, Column};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryInsertResult, sea_query::Expr,
};

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    pub body: String,
}

/// What to do with a request.
#[derive(Debug)]
pub enum Begin {
    /// The key is new and now held by this transaction: do the work, then [`save`].
    Fresh,
    /// The same request was answered before: give that answer again.
    Replay(Stored),
}

/// Takes the key or finds its stored answer; 422 `idempotency_key_reused` when the key was used
/// for a different request.
pub async fn begin(
    txn: &impl ConnectionTrait,
    user_id: i32,
    key: &IdempotencyKey,
    request_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Begin> {
    let row = idempotency_keys::ActiveModel {
        user_id: Set(user_id),
        idem_key: Set(key.as_str().to_owned()),
        request_hash: Set(request_hash.to_owned()),
        // Placeholder until `save`; never visible outside this transaction.
        response_status: Set(0),
        response_body: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    };
    let inserted = idempotency_keys::Entity::insert(row)
        .on_conflict_do_nothing_on([Column::UserId, Column::IdemKey])
        .exec_without_returning(txn)
        .await?;
    if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Ok(Begin::Fresh);
    }
    let stored = idempotency_keys::Entity::find()
        .filter(Column::UserId.eq(user_id))
        .filter(Column::IdemKey.eq(key.as_str()))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("idempotency key conflicted but is not there"))?;
    if stored.request_hash != request_hash {
        return Err(key_reused().into());
    }
    let status = u16::try_from(stored.response_status)
        .ok()
        .filter(|s| (100..600).contains(s))
        .ok_or_else(|| AppError::internal("idempotency key without a stored answer"))?;
    Ok(Begin::Replay(Stored {
        status,
        body: stored.response_body,
    }))
}

/// Stores the answer under the key, in the same transaction as the work.
pub async fn save(
    txn: &impl ConnectionTrait,
    user_id: i32,
    key: &IdempotencyKey,
    answer: Stored,
) -> AppResult<()> {
    let updated = idempotency_keys::Entity::update_many()
        .col_expr(Column::ResponseStatus, Expr::value(i32::from(answer.status)))
        .col_expr(Column::ResponseBody, Expr::value(answer.body))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::IdemKey.eq(key.as_str()))
        .exec(txn)
        .await?;
    if updated.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::internal("idempotency key row to save is missing"))
    }
}

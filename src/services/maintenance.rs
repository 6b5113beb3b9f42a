//! Purging on a schedule (R-ACCOUNT): sessions that expired or were revoked, idempotency keys
//! past their replay time, throttle buckets whose window ended. `startup` runs
//! [`purge_expired`] every `ZHIHUI_PURGE_INTERVAL_SECS`.

use crate::{error::AppResult, state::AppState, throttle};
use chrono::{DateTime, Utc};
use entity::{idempotency_keys, sessions};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub idempotency_keys: u64,
    pub throttle_buckets: u64,
}

/// Deletes what has expired at `now`: sessions past their expiry or revoked, idempotency keys
/// older than `ZHIHUI_IDEMPOTENCY_TTL_HOURS`, throttle buckets whose window ended.
pub async fn purge_expired(state: &AppState, now: DateTime<Utc>) -> AppResult<Purged> {
    let sessions = sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(sessions::Column::ExpiresAt.lte(now))
                .add(sessions::Column::RevokedAt.is_not_null()),
        )
        .exec(&state.db)
        .await?
        .rows_affected;
    let idempotency_keys = idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::CreatedAt.lte(now - state.settings.security.idempotency_ttl))
        .exec(&state.db)
        .await?
        .rows_affected;
    let throttle_buckets = throttle::purge(&state.db, now).await?;
    Ok(Purged {
        sessions,
        idempotency_keys,
        throttle_buckets,
    })
}

/// Runs [`purge_expired`] every `purge_every`, for as long as the runtime lives.
pub fn spawn_purging(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(state.settings.security.purge_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match purge_expired(&state, state.now()).await {
                Ok(p) if p != Purged::default() => tracing::info!(
                    sessions = p.sessions,
                    idempotency_keys = p.idempotency_keys,
                    throttle_buckets = p.throttle_buckets,
                    "purged expired rows"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purging expired rows failed"),
            }
        }
    })
}

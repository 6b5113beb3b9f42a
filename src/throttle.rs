//! Login throttling in the database (R-THROTTLE, R-ERR 429 `too_many_attempts`): the buckets of
//! `crate::domain::throttle`, kept in `throttle_buckets` so that several instances on one
//! database count together. Each hit is one atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING`:
//! the attempt is counted before the password is verified, so parallel attempts cannot all slip
//! under the limit.

use crate::{
    domain::throttle::{LoginLimits, Scope, account_delay, bucket_key, verdict},
    error::{AppResult, DomainError, Kind},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

/// Writes `$1…` placeholders the way the backend wants them.
fn stmt(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// One more hit on `key`: the bucket's (window start, hits) after it.
async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: chrono::Duration,
) -> AppResult<(DateTime<Utc>, i64)> {
    let now_ms = now.timestamp_millis();
    let sql = "INSERT INTO throttle_buckets (bucket_key, window_start_ms, hits, expires_at_ms) \
               VALUES ($1, $2, 1, $3) \
               ON CONFLICT (bucket_key) DO UPDATE SET \
                 hits = CASE WHEN throttle_buckets.window_start_ms <= $4 THEN 1 ELSE throttle_buckets.hits + 1 END, \
                 window_start_ms = CASE WHEN throttle_buckets.window_start_ms <= $4 THEN $2 ELSE throttle_buckets.window_start_ms END, \
                 expires_at_ms = CASE WHEN throttle_buckets.window_start_ms <= $4 THEN $3 ELSE throttle_buckets.expires_at_ms END \
               RETURNING window_start_ms, hits";
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            sql,
            vec![
                key.into(),
                now_ms.into(),
                (now + window).timestamp_millis().into(),
                (now - window).timestamp_millis().into(),
            ],
        ))
        .await?
        .ok_or_else(|| crate::error::AppError::internal("throttle upsert returned no row"))?;
    let start: i64 = row.try_get("", "window_start_ms")?;
    let hits: i64 = row.try_get("", "hits")?;
    Ok((DateTime::from_timestamp_millis(start).unwrap_or(now), hits))
}

/// The hits in `key`'s current window (0 when none).
async fn peek(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: chrono::Duration,
) -> AppResult<i64> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT hits FROM throttle_buckets WHERE bucket_key = $1 AND window_start_ms > $2",
            vec![key.into(), (now - window).timestamp_millis().into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "hits")?,
        None => 0,
    })
}

fn too_many(retry_after: u64, per_address: bool) -> DomainError {
    let minutes = retry_after.div_ceil(60);
    let (zh, en) = if per_address {
        (
            format!("该地址登录尝试过多，请{minutes}分钟后再试"),
            format!("too many login attempts from this address; try again in {minutes} minutes"),
        )
    } else {
        (
            format!("登录失败次数过多，请{minutes}分钟后再试"),
            format!("too many failed logins; try again in {minutes} minutes"),
        )
    };
    DomainError::new(Kind::TooManyRequests, "too_many_attempts", zh, en).retry_after(retry_after)
}

/// The buckets of one login attempt.
pub struct Attempt {
    pair: String,
    address: String,
    account: String,
    /// How long to wait before verifying (the account's growing delay).
    pub delay: std::time::Duration,
}

/// Counts a login attempt of `account_key` (the username's key) from `address` before its
/// password is verified: the address bucket first (30 in the window), then the (account,
/// address) bucket (5 in the window); over either → 429 with `Retry-After`. A refused address
/// touches no other bucket, so an address spraying usernames adds no rows past its limit.
pub async fn reserve(
    db: &impl ConnectionTrait,
    limits: &LoginLimits,
    account_key: &str,
    address: &str,
    now: DateTime<Utc>,
) -> AppResult<Attempt> {
    let address_key = bucket_key(Scope::Address, address);
    let (start, hits) = hit(db, &address_key, now, limits.window).await?;
    verdict(hits, start, now, limits.max_per_address, limits.window).map_err(|s| too_many(s, true))?;
    let pair = bucket_key(Scope::AccountAddress, &format!("{account_key}\0{address}"));
    let (start, hits) = hit(db, &pair, now, limits.window).await?;
    verdict(hits, start, now, limits.max_failures, limits.window).map_err(|s| too_many(s, false))?;
    let account = bucket_key(Scope::Account, account_key);
    let failures = peek(db, &account, now, limits.window).await?;
    Ok(Attempt {
        pair,
        address: address_key,
        account,
        delay: account_delay(failures, limits),
    })
}

/// The password was wrong: the account (over all addresses) gets one more failure.
pub async fn failed(
    db: &impl ConnectionTrait,
    limits: &LoginLimits,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> AppResult<()> {
    hit(db, &attempt.account, now, limits.window).await?;
    Ok(())
}

/// The password was right: the (account, address) failures are forgotten and the attempt is
/// given back to the address, so an office behind one address can log in all day.
pub async fn succeeded(db: &impl ConnectionTrait, attempt: &Attempt) -> AppResult<()> {
    let backend = db.get_database_backend();
    db.execute_raw(stmt(
        backend,
        "DELETE FROM throttle_buckets WHERE bucket_key = $1",
        vec![attempt.pair.clone().into()],
    ))
    .await?;
    db.execute_raw(stmt(
        backend,
        "UPDATE throttle_buckets SET hits = hits - 1 WHERE bucket_key = $1 AND hits > 0",
        vec![attempt.address.clone().into()],
    ))
    .await?;
    Ok(())
}

/// Deletes the buckets whose window has ended; the number deleted.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<u64> {
    let r = db
        .execute_raw(stmt(
            db.get_database_backend(),
            "DELETE FROM throttle_buckets WHERE expires_at_ms <= $1",
            vec![now.timestamp_millis().into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

/// Rows in the table (for the bounded-state test and the operator).
pub async fn count(db: &impl ConnectionTrait) -> AppResult<i64> {
    let row = db
        .query_one_raw(stmt(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM throttle_buckets",
            vec![],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    })
}

/// One public objection from `address` (issue 12.4): at most `per_minute` in a one-minute
/// window, counted in `throttle_buckets` so that every instance counts together; `Err` is the
/// number of seconds until the window ends (`Retry-After`).
pub async fn objection(
    db: &impl ConnectionTrait,
    address: &str,
    per_minute: u32,
    now: DateTime<Utc>,
) -> AppResult<Result<(), u64>> {
    let window = chrono::Duration::minutes(1);
    let key = bucket_key(Scope::Objection, address);
    let (start, hits) = hit(db, &key, now, window).await?;
    Ok(verdict(hits, start, now, i64::from(per_minute.max(1)), window))
}

//! Account life-cycle (R-ACCOUNT): a user changes their password; the admin disables, enables
//! and resets users. Each action is one transaction with its audit row and a security event.

use crate::{
    authz::Caller,
    domain::{account::check_password_strength, roles::Role},
    error::{AppResult, DomainError},
    security::{self, Event},
    services::{
        audit::Change,
        passwords::{hash_password, temporary_password, verify_password},
        sessions::revoke_sessions,
    },
    state::AppState,
    throttle,
};
use entity::users;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set, TransactionTrait,
};

fn user_not_found() -> DomainError {
    DomainError::not_found("用户", "user")
}

/// `POST /me/password`: the current password, then a strong new one; every other session of
/// the user ends and a forced change is satisfied.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    token: &str,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let user = users::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(DomainError::unauthorized)?;
    if current.chars().count() > crate::domain::account::MAX_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            "current_password",
            "密码不能超过256个字符",
            "a password has at most 256 characters",
        )
        .into());
    }
    // Guessing the current password with a stolen session is throttled like a login.
    let limits = &state.settings.security.login;
    let address = crate::request_info::current_request()
        .and_then(|r| r.client)
        .map(|a| a.to_string())
        .unwrap_or_else(|| "unknown".into());
    let now = state.now();
    let attempt = throttle::reserve(&state.db, limits, &user.username_key, &address, now)
        .await
        .inspect_err(|_| {
            security::event(
                Event::LoginThrottled,
                &caller.username,
                None,
                Some("change_password"),
            )
        })?;
    if !verify_password(state, current.to_owned(), Some(user.password_hash.clone())).await? {
        throttle::failed(&state.db, limits, &attempt, now).await?;
        security::event(
            Event::LoginFailed,
            &caller.username,
            None,
            Some("change_password"),
        );
        return Err(DomainError::unprocessable(
            "wrong_password",
            "当前密码不正确",
            "the current password is wrong",
        )
        .field("current_password")
        .into());
    }
    throttle::succeeded(&state.db, &attempt).await?;
    check_password_strength(new, &[&user.username, &user.display_name], "new_password")?;
    if new == current {
        return Err(DomainError::unprocessable(
            "weak_password",
            "密码强度不足：新密码不能与当前密码相同",
            "the password is too easy to guess: the new password equals the current one",
        )
        .field("new_password")
        .into());
    }
    let hash = hash_password(state, new.to_owned()).await?;
    let txn = state.db.begin().await?;
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.update(&txn).await?;
    let ended = revoke_sessions(&txn, caller.user_id, Some(token), now).await?;
    Change::new("change_password", "user", caller.user_id)
        .after(&serde_json::json!({ "other_sessions_ended": ended }))
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    security::event(Event::PasswordChanged, &caller.username, None, None);
    Ok(())
}

/// Active admins other than `except`, under a lock on PostgreSQL so that two admins disabling
/// each other at once cannot both succeed (SQLite serialises writers anyway).
async fn other_active_admins(txn: &impl ConnectionTrait, except: i32) -> AppResult<u64> {
    let q = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .filter(users::Column::DisabledAt.is_null());
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // Every active admin row is locked, the target included: two admins disabling each
        // other wait for one another, and the second sees the first's change.
        let admins = q.lock_exclusive().all(txn).await?;
        return Ok(admins.iter().filter(|u| u.id != except).count() as u64);
    }
    Ok(q.filter(users::Column::Id.ne(except)).count(txn).await?)
}

/// `POST /users/{id}/disable` and `/enable` (admin): a disabled user's tokens answer 401 at once
/// and their right password 403 `account_disabled`; the last active admin stays (409
/// `last_admin`).
pub async fn set_disabled(
    state: &AppState,
    caller: &Caller,
    id: i32,
    disabled: bool,
) -> AppResult<users::Model> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let user = users::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(user_not_found)?;
    if disabled
        && user.role == Role::Admin
        && user.disabled_at.is_none()
        && other_active_admins(&txn, id).await? == 0
    {
        return Err(DomainError::conflict(
            "last_admin",
            "不能停用最后一个启用中的管理员",
            "the last active admin cannot be disabled",
        )
        .into());
    }
    let before = user.clone();
    let mut active: users::ActiveModel = user.into();
    active.disabled_at = Set(match (disabled, before.disabled_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    });
    let after = active.update(&txn).await?;
    if disabled {
        revoke_sessions(&txn, id, None, now).await?;
    }
    Change::new(if disabled { "disable" } else { "enable" }, "user", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    security::event(
        if disabled {
            Event::UserDisabled
        } else {
            Event::UserEnabled
        },
        &caller.username,
        Some(&after.username),
        None,
    );
    Ok(after)
}

/// `POST /users/{id}/reset-password` (admin): a generated strong temporary password, shown
/// once; the user's sessions end and the next login must change it.
pub async fn reset_password(state: &AppState, caller: &Caller, id: i32) -> AppResult<(users::Model, String)> {
    caller.require(&[Role::Admin])?;
    let user = users::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(user_not_found)?;
    let temporary = loop {
        let candidate = temporary_password();
        if check_password_strength(&candidate, &[&user.username, &user.display_name], "password").is_ok() {
            break candidate;
        }
    };
    let hash = hash_password(state, temporary.clone()).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(true);
    let after = active.update(&txn).await?;
    let ended = revoke_sessions(&txn, id, None, now).await?;
    Change::new("reset_password", "user", id)
        .after(&serde_json::json!({ "must_change_password": true, "sessions_ended": ended }))
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    security::event(
        Event::PasswordReset,
        &caller.username,
        Some(&after.username),
        None,
    );
    Ok((after, temporary))
}

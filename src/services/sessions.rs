//! Sessions: login (with the throttle), the bearer token's caller, logout.

use crate::{
    authz::{Caller, units_in_scope},
    domain::account::{MAX_PASSWORD_CHARS, MAX_USERNAME_CHARS, username_key},
    error::{AppError, AppResult, DomainError, Kind},
    security::{self, Event},
    services::{
        audit::{Actor, Change},
        passwords::verify_password,
    },
    state::AppState,
    throttle,
};
use chrono::{DateTime, Duration, Utc};
use entity::{sessions, users};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub struct LoginOutcome {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: users::Model,
}

fn invalid_credentials() -> AppError {
    DomainError::new(
        Kind::Unauthorized,
        "invalid_credentials",
        "用户名或密码错误",
        "wrong username or password",
    )
    .into()
}

fn account_disabled() -> AppError {
    DomainError::new(
        Kind::Forbidden,
        "account_disabled",
        "该账号已停用，请联系市科协管理员",
        "this account is disabled; ask the association's administrator",
    )
    .into()
}

/// Logs in from `client` (R-THROTTLE, R-ACCOUNT). Over-long input is refused before any state
/// is kept; the attempt is counted (and may be refused with 429) before the password is
/// verified; a disabled account with the right password answers 403 `account_disabled`.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> AppResult<LoginOutcome> {
    if username.chars().count() > MAX_USERNAME_CHARS {
        return Err(DomainError::invalid(
            "username",
            "用户名不能超过64个字符",
            "a username has at most 64 characters",
        )
        .into());
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            "password",
            "密码不能超过256个字符",
            "a password has at most 256 characters",
        )
        .into());
    }
    let now = state.now();
    let limits = &state.settings.security.login;
    let key = username_key(username);
    let address = client.map(|a| a.to_string()).unwrap_or_else(|| "unknown".into());
    let attempt = match throttle::reserve(&state.db, limits, &key, &address, now).await {
        Ok(a) => a,
        Err(e) => {
            if matches!(&e, AppError::Domain(d) if d.code == "too_many_attempts") {
                security::event(Event::LoginThrottled, username, None, None);
            }
            return Err(e);
        }
    };
    if !attempt.delay.is_zero() {
        tokio::time::sleep(attempt.delay).await;
    }
    let user = users::Entity::find()
        .filter(users::Column::UsernameKey.eq(key))
        .one(&state.db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(state, password.to_owned(), hash)
        .await
        .unwrap_or(false);
    let user = match user {
        Some(u) if ok => u,
        _ => {
            throttle::failed(&state.db, limits, &attempt, now).await?;
            security::event(Event::LoginFailed, username, None, None);
            return Err(invalid_credentials());
        }
    };
    throttle::succeeded(&state.db, &attempt).await?;
    if user.disabled_at.is_some() {
        security::event(Event::LoginDisabledAccount, username, None, None);
        return Err(account_disabled());
    }
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = format!("zh_{}", hex::encode(raw));
    let expires_at = now + Duration::hours(state.settings.token_ttl_hours);
    let txn = state.db.begin().await?;
    let session = sessions::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Change::new("login", "session", session.id)
        .record(
            &txn,
            &Actor {
                id: Some(user.id),
                name: user.username.clone(),
            },
            now,
        )
        .await?;
    txn.commit().await?;
    Ok(LoginOutcome {
        token,
        expires_at,
        user,
    })
}

/// Resolves a bearer token to its caller, or 401.
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<Caller> {
    let now = state.now();
    // The session and its user in one statement (the `sessions → users` relation).
    let (_session, user) = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(hash_token(token)))
        .find_also_related(users::Entity)
        .one(&state.read)
        .await?
        .filter(|(s, _)| s.revoked_at.is_none() && s.expires_at > now)
        .and_then(|(s, u)| Some((s, u?)))
        // A disabled user's tokens stop at once (R-ACCOUNT).
        .filter(|(_, u)| u.disabled_at.is_none())
        .ok_or_else(DomainError::unauthorized)?;
    crate::request_info::set_caller(&user.username);
    let role = user.role;
    let units_in_scope = units_in_scope(&state.read, role, user.unit_id).await?;
    Ok(Caller {
        user_id: user.id,
        username: user.username,
        role,
        unit_id: user.unit_id,
        team_id: user.team_id,
        units_in_scope,
        must_change_password: user.must_change_password,
    })
}

/// 403 `password_change_required` while the caller must first change the password (R-ACCOUNT):
/// every route but `/me`, `/me/password` and logout asks this.
pub fn require_password_current(caller: &Caller) -> Result<(), DomainError> {
    if caller.must_change_password {
        Err(DomainError::new(
            Kind::Forbidden,
            "password_change_required",
            "请先修改临时密码",
            "change the temporary password first",
        ))
    } else {
        Ok(())
    }
}

/// Ends every live session of `user_id` except the one with `keep_token`; the number ended.
pub async fn revoke_sessions(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i32,
    keep_token: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    use sea_orm::sea_query::Expr;
    let mut q = sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(Some(now)))
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now));
    if let Some(t) = keep_token {
        q = q.filter(sessions::Column::TokenHash.ne(hash_token(t)));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// `POST /auth/logout-all`: ends every session of the caller, this one included.
pub async fn logout_all(state: &AppState, caller: &Caller) -> AppResult<u64> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let n = revoke_sessions(&txn, caller.user_id, None, now).await?;
    Change::new("logout_all", "user", caller.user_id)
        .after(&serde_json::json!({ "sessions_ended": n }))
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    security::event(Event::SessionsEnded, &caller.username, None, Some("logout_all"));
    Ok(n)
}

pub async fn logout(state: &AppState, caller: &Caller, token: &str) -> AppResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    if let Some(s) = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(hash_token(token)))
        .one(&txn)
        .await?
    {
        let id = s.id;
        let mut active: sessions::ActiveModel = s.into();
        active.revoked_at = Set(Some(now));
        active.update(&txn).await?;
        Change::new("logout", "session", id)
            .record(&txn, &caller.into(), now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

//! Sessions: login (with the throttle), the bearer token's caller, logout.

use crate::{
    authz::{Caller, units_in_scope},
    error::{AppError, AppResult, DomainError, Kind},
    services::{
        audit::{Actor, Change},
        passwords::verify_password,
    },
    state::AppState,
};
use chrono::{DateTime, Duration, Utc};
use entity::{sessions, users};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use sha2::{Digest, Sha256};

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

#[tracing::instrument(skip_all)]
pub async fn login(state: &AppState, username: &str, password: &str) -> AppResult<LoginOutcome> {
    let now = state.now();
    state.limiter.check(username, now)?;
    let user = users::Entity::find()
        .filter(users::Column::Username.eq(username.trim()))
        .one(&state.db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(state, password.to_owned(), hash)
        .await
        .unwrap_or(false);
    let user = match user {
        Some(u) if ok => u,
        _ => {
            state.limiter.failed(username, now);
            return Err(invalid_credentials());
        }
    };
    state.limiter.succeeded(username);
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
        .ok_or_else(DomainError::unauthorized)?;
    let role = user.role;
    let units_in_scope = units_in_scope(&state.read, role, user.unit_id).await?;
    Ok(Caller {
        user_id: user.id,
        username: user.username,
        role,
        unit_id: user.unit_id,
        team_id: user.team_id,
        units_in_scope,
    })
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

//! Accounts: password hashing (argon2), login tokens, the failed-login limiter, users.

use crate::{
    authz::{Caller, units_in_scope},
    domain::{
        roles::{Role, UnitKind},
        text,
    },
    error::{AppError, AppResult, DomainError, Kind},
    services::audit::{Actor, Change},
    state::AppState,
};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use chrono::{DateTime, Duration, Utc};
use entity::{sessions, teams, units, users};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use std::{collections::HashMap, sync::Mutex};

/// Failed logins per username: after [`LoginLimiter::MAX_FAILURES`] failures within the window,
/// the username is refused (429 `too_many_attempts`) until the lock expires.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, DateTime<Utc>)>>,
}

impl LoginLimiter {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW_MINUTES: i64 = 15;

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }
    pub fn check(&self, username: &str, now: DateTime<Utc>) -> Result<(), DomainError> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&Self::key(username)) {
            Some((n, since))
                if *n >= Self::MAX_FAILURES && now - *since < Duration::minutes(Self::WINDOW_MINUTES) =>
            {
                Err(DomainError::new(
                    Kind::TooManyRequests,
                    "too_many_attempts",
                    "登录失败次数过多，请15分钟后再试",
                    "too many failed logins; try again in 15 minutes",
                ))
            }
            _ => Ok(()),
        }
    }
    pub fn failed(&self, username: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(Self::key(username)).or_insert((0, now));
        if now - entry.1 >= Duration::minutes(Self::WINDOW_MINUTES) {
            *entry = (0, now);
        }
        entry.0 += 1;
    }
    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&Self::key(username));
    }
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn hash_password(state: &AppState, password: String) -> AppResult<String> {
    let _permit = state.hashing.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// `hash` is `None` for an unknown user: a dummy hash is verified instead, so both cost the same.
async fn verify_password(state: &AppState, password: String, hash: Option<String>) -> AppResult<bool> {
    let _permit = state.hashing.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(dummy_hash);
        let parsed = PasswordHash::new(&hash).map_err(AppError::internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(AppError::internal)?
}

/// A real hash to verify against when the username does not exist, so that both paths cost
/// one argon2 verification (no user enumeration by timing). Made once, on first use.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no such user", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
    .clone()
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
    let session = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(hash_token(token)))
        .one(&state.db)
        .await?
        .filter(|s| s.revoked_at.is_none() && s.expires_at > now)
        .ok_or_else(DomainError::unauthorized)?;
    let user = users::Entity::find_by_id(session.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(DomainError::unauthorized)?;
    let role = user.role;
    let units_in_scope = units_in_scope(&state.db, role, user.unit_id).await?;
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

/// A new user as the admin asks for it.
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i32>,
    pub team_id: Option<i32>,
}

fn check_username(raw: &str) -> Result<String, DomainError> {
    let s = raw.trim();
    let ok = (3..=64).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(DomainError::invalid(
            "username",
            "用户名为3至64个字母、数字或 _ - . @",
            "a username is 3 to 64 letters, digits or _ - . @",
        ))
    }
}

fn check_password(p: &str) -> Result<(), DomainError> {
    if p.chars().count() < 10 {
        return Err(DomainError::unprocessable(
            "weak_password",
            "密码至少10个字符",
            "a password has at least 10 characters",
        )
        .field("password"));
    }
    if p.chars().count() > 256 {
        return Err(DomainError::invalid("password", "密码过长", "password too long"));
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(role = new.role.as_str()))]
pub async fn create_user(state: &AppState, actor: &Actor, new: NewUser) -> AppResult<users::Model> {
    let username = check_username(&new.username)?;
    check_password(&new.password)?;
    let display_name = text::required("display_name", &new.display_name, 64)?;
    let (unit_id, team_id) = match new.role {
        Role::Team => (
            None,
            Some(new.team_id.ok_or_else(|| {
                DomainError::invalid("team_id", "服务队账号必须指定服务队", "a team user needs team_id")
            })?),
        ),
        Role::Unit | Role::District | Role::Expert => (
            Some(new.unit_id.ok_or_else(|| {
                DomainError::invalid("unit_id", "该角色必须指定单位", "this role needs unit_id")
            })?),
            None,
        ),
        Role::Admin | Role::Finance => (None, None),
    };
    let hash = hash_password(state, new.password).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let (unit_id, team_id) = match (unit_id, team_id) {
        (_, Some(t)) => {
            let team = teams::Entity::find_by_id(t)
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::invalid("team_id", "服务队不存在", "no such team"))?;
            (Some(team.unit_id), Some(t))
        }
        (Some(u), None) => {
            let unit = units::Entity::find_by_id(u)
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::invalid("unit_id", "单位不存在", "no such unit"))?;
            if new.role == Role::District && unit.kind != UnitKind::District {
                return Err(DomainError::invalid(
                    "unit_id",
                    "区县科协账号必须属于区县科协单位",
                    "a district user belongs to a unit of kind district",
                )
                .into());
            }
            (Some(u), None)
        }
        (None, None) => (None, None),
    };
    let user = users::ActiveModel {
        username: Set(username),
        password_hash: Set(hash),
        display_name: Set(display_name),
        role: Set(new.role),
        unit_id: Set(unit_id),
        team_id: Set(team_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::unique_as(e, || {
            DomainError::conflict("username_taken", "用户名已被使用", "that username is taken")
                .field("username")
        })
    })?;
    Change::new("create", "user", user.id)
        .after(&user)
        .record(&txn, actor, now)
        .await?;
    txn.commit().await?;
    Ok(user)
}

pub async fn list_users(state: &AppState, offset: u64, limit: u64) -> AppResult<(Vec<users::Model>, u64)> {
    search_users(state, None, offset, limit).await
}

/// Users whose username or display name contains `text` (all when `None`), oldest first.
pub async fn search_users(
    state: &AppState,
    text: Option<&str>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<users::Model>, u64)> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter};
    let mut q = users::Entity::find().order_by_asc(users::Column::Id);
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(users::Column::Username.contains(t))
                .add(users::Column::DisplayName.contains(t)),
        );
    }
    let total = q.clone().count(&state.db).await?;
    let items = q.offset(offset).limit(limit).all(&state.db).await?;
    Ok((items, total))
}

/// On an empty database, creates the first admin from the configuration, or `admin` with a
/// random password printed once on standard output.
pub async fn bootstrap_admin(state: &AppState) -> AppResult<()> {
    if users::Entity::find().count(&state.db).await? > 0 {
        return Ok(());
    }
    let username = state
        .settings
        .admin_username
        .clone()
        .unwrap_or_else(|| "admin".into());
    let (password, generated) = match state.settings.admin_password.clone() {
        Some(p) => (p, false),
        None => {
            let mut raw = [0u8; 12];
            rand::thread_rng().fill_bytes(&mut raw);
            (hex::encode(raw), true)
        }
    };
    let new = NewUser {
        username: username.clone(),
        password: password.clone(),
        display_name: "市科协管理员".into(),
        role: Role::Admin,
        unit_id: None,
        team_id: None,
    };
    create_user(state, &Actor::system(), new).await?;
    if generated {
        println!("zhihui: created the first admin '{username}' with password: {password}");
        println!("zhihui: this password is shown only once; log in and keep it safe.");
    } else {
        tracing::info!(%username, "created the first admin from ZHIHUI_ADMIN_USERNAME/PASSWORD");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_700_000_000 + min * 60, 0).unwrap()
    }

    #[test]
    fn five_failures_lock_the_username_for_the_window() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.check("Alice", t(0)).is_ok());
            l.failed("alice", t(0));
        }
        assert_eq!(l.check("alice", t(1)).unwrap_err().code, "too_many_attempts");
        assert!(l.check("bob", t(1)).is_ok());
        assert!(l.check("alice", t(16)).is_ok());
    }

    #[test]
    fn success_clears_the_count() {
        let l = LoginLimiter::default();
        for _ in 0..4 {
            l.failed("a", t(0));
        }
        l.succeeded("a");
        l.failed("a", t(0));
        assert!(l.check("a", t(0)).is_ok());
    }

    #[test]
    fn password_and_username_rules() {
        assert_eq!(check_password("short").unwrap_err().code, "weak_password");
        assert!(check_password("long enough!").is_ok());
        assert!(check_username("t1").is_err());
        assert!(check_username("team_01").is_ok());
        assert!(check_username("has space").is_err());
    }
}

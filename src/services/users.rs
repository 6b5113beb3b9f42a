//! Users: creating them (the admin), listing them, the current user, the first admin.

use crate::{
    domain::{
        roles::{Role, UnitKind},
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        audit::{Actor, Change},
        passwords::hash_password,
    },
    state::AppState,
};
use entity::{teams, units, users};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set, TransactionTrait,
};

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

/// The user behind a session (401 when it is gone).
pub async fn find(state: &AppState, id: i32) -> AppResult<users::Model> {
    users::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| DomainError::unauthorized().into())
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

    #[test]
    fn password_and_username_rules() {
        assert_eq!(check_password("short").unwrap_err().code, "weak_password");
        assert!(check_password("long enough!").is_ok());
        assert!(check_username("t1").is_err());
        assert!(check_username("team_01").is_ok());
        assert!(check_username("has space").is_err());
    }
}

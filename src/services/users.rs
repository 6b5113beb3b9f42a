//! Users: creating them (the admin), listing them, the current user, the first admin.

use crate::{
    domain::{
        account::{MAX_PASSWORD_CHARS, check_password_strength, check_username, username_key},
        email::Email,
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
    /// Where reminders are e-mailed; none or blank: the inbox only.
    pub email: Option<String>,
}

#[tracing::instrument(skip_all, fields(role = new.role.as_str()))]
pub async fn create_user(state: &AppState, actor: &Actor, new: NewUser) -> AppResult<users::Model> {
    insert_user(state, actor, new, true).await
}

/// `strength`: false only for the first admin, whose password the operator configured.
async fn insert_user(
    state: &AppState,
    actor: &Actor,
    new: NewUser,
    strength: bool,
) -> AppResult<users::Model> {
    let username = check_username(&new.username)?;
    let display_name = text::required("display_name", &new.display_name, 64)?;
    let email = Email::parse_optional(new.email.as_deref())?.map(Email::into_inner);
    if strength {
        check_password_strength(&new.password, &[&username, &display_name], "password")?;
    } else if new.password.chars().count() > MAX_PASSWORD_CHARS || new.password.is_empty() {
        return Err(DomainError::invalid(
            "password",
            "密码为1至256个字符",
            "a password has 1 to 256 characters",
        )
        .into());
    }
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
        username_key: Set(username_key(&username)),
        username: Set(username),
        disabled_at: Set(None),
        must_change_password: Set(false),
        password_hash: Set(hash),
        display_name: Set(display_name),
        role: Set(new.role),
        unit_id: Set(unit_id),
        team_id: Set(team_id),
        email: Set(email),
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
        email: None,
    };
    insert_user(state, &Actor::system(), new, false).await?;
    if generated {
        println!("zhihui: created the first admin '{username}' with password: {password}");
        println!("zhihui: this password is shown only once; log in and keep it safe.");
    } else {
        tracing::info!(%username, "created the first admin from ZHIHUI_ADMIN_USERNAME/PASSWORD");
    }
    Ok(())
}

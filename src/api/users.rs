//! Users (admin only).

use super::{ApiTags, BearerAuth, Created, List};
use crate::{
    domain::roles::Role,
    error::{ApiResult, AppError},
    services::accounts::{self, NewUser},
    state::AppState,
};
use entity::users;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

/// A temporary password, shown this once.
#[derive(Object)]
pub struct TemporaryPasswordOut {
    pub user: UserOut,
    /// Give it to the user; the first login with it must change it.
    pub temporary_password: String,
}

pub struct UsersApi {
    pub state: AppState,
}

/// A user account; never carries the password or its hash.
#[derive(Debug, Object)]
pub struct UserOut {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[oai(nullable)]
    pub unit_id: Option<i32>,
    #[oai(nullable)]
    pub team_id: Option<i32>,
    /// After an admin's reset: every route but `/me`, `/me/password` and logout answers 403
    /// `password_change_required` until the password is changed.
    pub must_change_password: bool,
    /// Disabled users cannot log in (403 `account_disabled`) and their tokens answer 401.
    pub disabled: bool,
    /// Where reminders are e-mailed (R-REMIND); null: the inbox only. Only the admin (who
    /// manages accounts) and the user themself read a `UserOut`.
    #[oai(nullable)]
    pub email: Option<String>,
}

impl From<users::Model> for UserOut {
    fn from(u: users::Model) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            unit_id: u.unit_id,
            team_id: u.team_id,
            must_change_password: u.must_change_password,
            disabled: u.disabled_at.is_some(),
            email: u.email,
        }
    }
}

#[derive(Object)]
pub struct UserIn {
    /// 3–64 letters, digits or `_ - . @`; unique ignoring case and width (NFKC).
    pub username: String,
    /// Strong enough: zxcvbn score ≥ 3, the username and display name counting against it
    /// (422 `weak_password` with the reason). At most 256 characters.
    #[oai(write_only)]
    pub password: String,
    pub display_name: String,
    pub role: Role,
    /// Required for `unit`, `district` and `expert` users.
    #[oai(nullable)]
    pub unit_id: Option<i32>,
    /// Required for `team` users.
    #[oai(nullable)]
    pub team_id: Option<i32>,
    /// Optional: where reminders are e-mailed (422 `invalid_email`); null or empty: the inbox
    /// only. The user may change it later (`PUT /api/v1/me/email`).
    #[oai(nullable)]
    pub email: Option<String>,
}

#[OpenApi]
impl UsersApi {
    /// 创建用户 / Create a user (admin)
    ///
    /// `team` users need `team_id`; `unit`, `district`, `expert` need `unit_id`; `email` is
    /// optional. 409 `username_taken`, 422 `weak_password`, 422 `invalid_email`.
    #[oai(
        path = "/api/v1/users",
        method = "post",
        operation_id = "create_user",
        tag = "ApiTags::Accounts"
    )]
    async fn create(&self, auth: BearerAuth, body: Json<UserIn>) -> ApiResult<Created<UserOut>> {
        let caller = self.state.caller(&auth).await?;
        caller.require(&[Role::Admin]).map_err(AppError::from)?;
        let b = body.0;
        let user = accounts::create_user(
            &self.state,
            &(&caller).into(),
            NewUser {
                username: b.username,
                password: b.password,
                display_name: b.display_name,
                role: b.role,
                unit_id: b.unit_id,
                team_id: b.team_id,
                email: b.email,
            },
        )
        .await?;
        Ok(Created::Created(Json(user.into())))
    }

    /// 用户列表 / List users (admin)
    #[oai(
        path = "/api/v1/users",
        method = "get",
        operation_id = "list_users",
        tag = "ApiTags::Accounts"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<UserOut>>> {
        let caller = self.state.caller(&auth).await?;
        caller.require(&[Role::Admin]).map_err(AppError::from)?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) = accounts::list_users(&self.state, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 停用用户 / Disable a user (admin)
    ///
    /// Their tokens answer 401 at once; their right password answers 403 `account_disabled`.
    /// 409 `last_admin` for the last active admin.
    #[oai(
        path = "/api/v1/users/:id/disable",
        method = "post",
        operation_id = "disable_user",
        tag = "ApiTags::Accounts"
    )]
    async fn disable(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<UserOut>> {
        let caller = self.state.caller(&auth).await?;
        caller.require(&[Role::Admin]).map_err(AppError::from)?;
        let user = accounts::set_disabled(&self.state, &caller, id.0, true).await?;
        Ok(Json(user.into()))
    }

    /// 启用用户 / Enable a disabled user (admin)
    #[oai(
        path = "/api/v1/users/:id/enable",
        method = "post",
        operation_id = "enable_user",
        tag = "ApiTags::Accounts"
    )]
    async fn enable(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<UserOut>> {
        let caller = self.state.caller(&auth).await?;
        caller.require(&[Role::Admin]).map_err(AppError::from)?;
        let user = accounts::set_disabled(&self.state, &caller, id.0, false).await?;
        Ok(Json(user.into()))
    }

    /// 重置密码 / Reset a user's password (admin)
    ///
    /// Answers a generated temporary password, shown once; the user's sessions end, and after
    /// logging in with it they must change it (`must_change_password`).
    #[oai(
        path = "/api/v1/users/:id/reset-password",
        method = "post",
        operation_id = "reset_password",
        tag = "ApiTags::Accounts"
    )]
    async fn reset_password(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<TemporaryPasswordOut>> {
        let caller = self.state.caller(&auth).await?;
        caller.require(&[Role::Admin]).map_err(AppError::from)?;
        let (user, temporary_password) = accounts::reset_password(&self.state, &caller, id.0).await?;
        Ok(Json(TemporaryPasswordOut {
            user: user.into(),
            temporary_password,
        }))
    }
}

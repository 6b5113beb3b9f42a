//! Login, logout, the current user.

use super::{ApiTags, BearerAuth, out_time, users::UserOut};
use crate::{
    error::ApiResult,
    services::{accounts, users},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{Object, OpenApi, payload::Json};

pub struct AuthApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct LoginIn {
    /// At most 64 characters (longer: 422, nothing counted).
    pub username: String,
    /// Never logged, never returned. At most 256 characters.
    #[oai(write_only)]
    pub password: String,
}

#[derive(Object)]
pub struct LoginOut {
    /// Opaque bearer token; send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<FixedOffset>,
    pub user: UserOut,
}

/// 204: done, nothing to return.
#[derive(poem_openapi::ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    NoContent,
}

#[derive(Object)]
pub struct PasswordChangeIn {
    #[oai(write_only, validator(max_length = 256))]
    pub current_password: String,
    /// Judged by strength (zxcvbn score ≥ 3, the username and display name counting against
    /// it): 422 `weak_password` with the reason.
    #[oai(write_only, validator(max_length = 256))]
    pub new_password: String,
}

#[derive(Object)]
pub struct MeOut {
    pub user: UserOut,
}

#[OpenApi]
impl AuthApi {
    /// 登录 / Log in: a bearer token valid for 12 hours
    ///
    /// 401 `invalid_credentials`; 403 `account_disabled` (right password, disabled account);
    /// 429 `too_many_attempts` with `Retry-After` after 5 failures of one account from one
    /// address, or 30 attempts from one address, in 15 minutes; 422 for a username over 64 or a
    /// password over 256 characters. `user.must_change_password` after an admin's reset.
    #[oai(
        path = "/api/v1/auth/login",
        method = "post",
        operation_id = "login",
        tag = "ApiTags::Accounts"
    )]
    async fn login(&self, req: &poem::Request, body: Json<LoginIn>) -> ApiResult<Json<LoginOut>> {
        let client = crate::client_addr::of_request(req, &self.state.settings.security.trusted_proxies);
        let out = accounts::login(&self.state, &body.username, &body.password, client).await?;
        Ok(Json(LoginOut {
            token: out.token,
            expires_at: out_time(out.expires_at),
            user: UserOut::from(out.user),
        }))
    }

    /// 退出登录 / Log out: revokes the token (204)
    #[oai(
        path = "/api/v1/auth/logout",
        method = "post",
        operation_id = "logout",
        tag = "ApiTags::Accounts"
    )]
    async fn logout(&self, auth: BearerAuth) -> ApiResult<Done> {
        let caller = self.state.caller_changing_password(&auth).await?;
        accounts::logout(&self.state, &caller, &auth.0.token).await?;
        Ok(Done::NoContent)
    }

    /// 退出所有登录 / Log out everywhere: every session of the caller ends (204)
    #[oai(
        path = "/api/v1/auth/logout-all",
        method = "post",
        operation_id = "logout_all",
        tag = "ApiTags::Accounts"
    )]
    async fn logout_all(&self, auth: BearerAuth) -> ApiResult<Done> {
        let caller = self.state.caller_changing_password(&auth).await?;
        accounts::logout_all(&self.state, &caller).await?;
        Ok(Done::NoContent)
    }

    /// 修改密码 / Change my password (204)
    ///
    /// Every other session of the user ends; a forced change after a reset is satisfied.
    /// 422 `wrong_password` (field `current_password`), 422 `weak_password`.
    #[oai(
        path = "/api/v1/me/password",
        method = "post",
        operation_id = "change_password",
        tag = "ApiTags::Accounts"
    )]
    async fn change_password(&self, auth: BearerAuth, body: Json<PasswordChangeIn>) -> ApiResult<Done> {
        let caller = self.state.caller_changing_password(&auth).await?;
        accounts::change_password(
            &self.state,
            &caller,
            &auth.0.token,
            &body.current_password,
            &body.new_password,
        )
        .await?;
        Ok(Done::NoContent)
    }

    /// 当前用户 / The current user
    #[oai(
        path = "/api/v1/me",
        method = "get",
        operation_id = "me",
        tag = "ApiTags::Accounts"
    )]
    async fn me(&self, auth: BearerAuth) -> ApiResult<Json<MeOut>> {
        let caller = self.state.caller_changing_password(&auth).await?;
        let user = users::find(&self.state, caller.user_id).await?;
        Ok(Json(MeOut {
            user: UserOut::from(user),
        }))
    }
}

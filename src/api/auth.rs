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
    pub username: String,
    /// Never logged, never returned.
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

#[derive(Object)]
pub struct LoggedOut {
    pub ok: bool,
}

#[derive(Object)]
pub struct MeOut {
    pub user: UserOut,
}

#[OpenApi]
impl AuthApi {
    /// 登录 / Log in: a bearer token valid for 12 hours
    ///
    /// 401 `invalid_credentials`; 429 `too_many_attempts` after five failures in 15 minutes.
    #[oai(
        path = "/api/v1/auth/login",
        method = "post",
        operation_id = "login",
        tag = "ApiTags::Accounts"
    )]
    async fn login(&self, body: Json<LoginIn>) -> ApiResult<Json<LoginOut>> {
        let out = accounts::login(&self.state, &body.username, &body.password).await?;
        Ok(Json(LoginOut {
            token: out.token,
            expires_at: out_time(out.expires_at),
            user: UserOut::from(out.user),
        }))
    }

    /// 退出登录 / Log out: revokes the token
    #[oai(
        path = "/api/v1/auth/logout",
        method = "post",
        operation_id = "logout",
        tag = "ApiTags::Accounts"
    )]
    async fn logout(&self, auth: BearerAuth) -> ApiResult<Json<LoggedOut>> {
        let caller = self.state.caller(&auth).await?;
        accounts::logout(&self.state, &caller, &auth.0.token).await?;
        Ok(Json(LoggedOut { ok: true }))
    }

    /// 当前用户 / The current user
    #[oai(
        path = "/api/v1/me",
        method = "get",
        operation_id = "me",
        tag = "ApiTags::Accounts"
    )]
    async fn me(&self, auth: BearerAuth) -> ApiResult<Json<MeOut>> {
        let caller = self.state.caller(&auth).await?;
        let user = users::find(&self.state, caller.user_id).await?;
        Ok(Json(MeOut {
            user: UserOut::from(user),
        }))
    }
}

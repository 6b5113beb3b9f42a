//! HTTP only: one module per resource, DTOs beside their handlers.

pub mod activities;
pub mod activity_files;
pub mod applications;
pub mod assignments;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod award_history;
pub mod backfill;
pub mod body_errors;
pub mod cycles;
pub mod download;
pub mod forms;
pub mod guard;
pub mod headers;
pub mod limits;
pub mod meta;
pub mod multipart;
pub mod notifications;
pub mod objections;
pub mod payout_actions;
pub mod payout_batches;
pub mod payouts;
pub mod poem_errors;
pub mod recommendations;
pub mod results;
pub mod scores;
pub mod statistics;
pub mod teams;
pub mod units;
pub mod users;

use crate::{
    authz::Caller,
    domain::{cst, pagination::Page},
    error::{ApiError, AppError},
    services::accounts,
    state::AppState,
};
use chrono::{DateTime, FixedOffset, Utc};
use poem_openapi::{
    ApiResponse, Object, SecurityScheme, Tags,
    auth::Bearer,
    payload::Json,
    types::{ParseFromJSON, ToJSON},
};

#[derive(Tags)]
pub enum ApiTags {
    /// 系统 / Meta
    Meta,
    /// 账号与登录 / Accounts
    Accounts,
    /// 单位与服务队 / Organisations
    Organisations,
    /// 活动登记 / Activities
    Activities,
    /// 年度评审周期 / Cycles
    Cycles,
    /// 项目申报 / Applications
    Applications,
    /// 评审与结果 / Review and results
    Review,
    /// 审计日志 / Audit
    Audit,
    /// 奖补发放 / Payouts
    Payouts,
    /// 先进典型推荐 / Recommendations to upper-level selections
    Recommendations,
    /// 统计 / Statistics
    Statistics,
}

/// `Authorization: Bearer <token>` from `POST /api/v1/auth/login`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer")]
pub struct BearerAuth(pub Bearer);

impl AppState {
    /// Authenticates the request's bearer token (401 when missing, invalid or expired; 403
    /// `password_change_required` after a reset, until the password is changed).
    pub async fn caller(&self, auth: &BearerAuth) -> Result<Caller, ApiError> {
        let caller = self.caller_changing_password(auth).await?;
        accounts::require_password_current(&caller).map_err(|e| ApiError::from(AppError::from(e)))?;
        Ok(caller)
    }

    /// The caller even while a password change is required: for `/me`, `/me/password` and
    /// logout only.
    pub async fn caller_changing_password(&self, auth: &BearerAuth) -> Result<Caller, ApiError> {
        accounts::authenticate(self, &auth.0.token)
            .await
            .map_err(ApiError::from)
    }
}

/// A page of a list.
#[derive(Debug, Object)]
pub struct List<T: ParseFromJSON + ToJSON> {
    pub items: Vec<T>,
    /// All matching items, across pages.
    pub total: u64,
}

/// 201 with the created object.
#[derive(ApiResponse)]
pub enum Created<T: ParseFromJSON + ToJSON> {
    /// Created.
    #[oai(status = 201)]
    Created(Json<T>),
}

pub fn page(page: Option<i64>, per_page: Option<i64>) -> Result<Page, ApiError> {
    Page::parse(page, per_page).map_err(|e| AppError::from(e).into())
}

/// Times go out in China Standard Time, RFC 3339 with offset.
pub fn out_time(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&cst())
}

pub fn in_time(t: DateTime<FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

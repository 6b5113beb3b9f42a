//! The one place where errors become HTTP responses (R-ERR).
//!
//! Services return [`AppError`]: either a [`DomainError`] (a stable code, the zh/en message and
//! the field at fault, with its HTTP kind) or an unexpected failure, which is logged once with
//! its cause and answered as an opaque 500.

use poem_openapi::{ApiResponse, Object, payload::Json};
use std::borrow::Cow;

/// How a domain error maps onto HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    UnsupportedType,
    Unprocessable,
    TooManyRequests,
}

/// A rule broken by the request: stable code, bilingual message, the offending field.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {en}")]
pub struct DomainError {
    pub kind: Kind,
    pub code: &'static str,
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
    pub field: Option<String>,
    /// For 429: the seconds after which a retry may succeed (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl DomainError {
    pub fn new(
        kind: Kind,
        code: &'static str,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            kind,
            code,
            zh: zh.into(),
            en: en.into(),
            field: None,
            retry_after: None,
        }
    }
    pub fn unprocessable(
        code: &'static str,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Kind::Unprocessable, code, zh, en)
    }
    pub fn conflict(
        code: &'static str,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Kind::Conflict, code, zh, en)
    }
    /// The generic "this field's value is not acceptable" error.
    pub fn invalid(field: &str, zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self::unprocessable("invalid_value", zh, en).field(field)
    }
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Self::new(
            Kind::NotFound,
            "not_found",
            format!("{what_zh}不存在"),
            format!("{what_en} not found"),
        )
    }
    pub fn forbidden() -> Self {
        Self::new(
            Kind::Forbidden,
            "forbidden",
            "当前角色无权执行此操作",
            "your role may not do this",
        )
    }
    pub fn unauthorized() -> Self {
        Self::new(
            Kind::Unauthorized,
            "unauthorized",
            "未登录或登录已失效",
            "missing, invalid or expired token",
        )
    }
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    /// Prefixes the field path, e.g. `tasks[0]` + `content` → `tasks[0].content`.
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = Some(match self.field {
            Some(f) => format!("{prefix}.{f}"),
            None => prefix.to_owned(),
        });
        self
    }
}

/// Everything a service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// A unique-constraint violation is the rule `conflict` describes (409 `duplicate_name`,
    /// `already_paid`, …); any other database error stays unexpected.
    pub fn unique_as(e: sea_orm::DbErr, conflict: impl FnOnce() -> DomainError) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::Domain(conflict()),
            _ => Self::Db(e),
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        Self::Internal(format!("i/o error: {e}"))
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => AppError::Db(db),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The error body every failing response carries.
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize)]
#[oai(rename = "Error")]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `activity_already_started`.
    pub code: String,
    /// 中文说明 / English explanation.
    pub message: String,
    /// The offending field, where one field is at fault.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[oai(nullable)]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn new(code: &str, zh: &str, en: &str, field: Option<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: format!("{zh} / {en}"),
            field,
        }
    }
}

/// Error responses shared by every operation.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// Malformed request: bad JSON, wrong type, missing field, unknown enum value.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// No valid bearer token.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The caller's role may never do this.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Unknown, or outside the caller's scope.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// State or uniqueness conflict.
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// Too large: an upload over its kind's limit, or a JSON body over 1 MiB.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// File type not allowed for this kind.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// A business rule was broken.
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// Too many attempts; try again later.
    #[oai(status = 429)]
    TooManyRequests(
        Json<ErrorBody>,
        /// Seconds until a retry may succeed.
        #[oai(header = "Retry-After")]
        Option<u64>,
    ),
    /// Unexpected failure (details are in the server log only).
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let body = Json(ErrorBody::new(e.code, &e.zh, &e.en, e.field));
        match e.kind {
            Kind::BadRequest => ApiError::BadRequest(body),
            Kind::Unauthorized => ApiError::Unauthorized(body),
            Kind::Forbidden => ApiError::Forbidden(body),
            Kind::NotFound => ApiError::NotFound(body),
            Kind::Conflict => ApiError::Conflict(body),
            Kind::TooLarge => ApiError::PayloadTooLarge(body),
            Kind::UnsupportedType => ApiError::UnsupportedMediaType(body),
            Kind::Unprocessable => ApiError::Unprocessable(body),
            Kind::TooManyRequests => ApiError::TooManyRequests(body, e.retry_after),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Domain(d) => d.into(),
            other => {
                tracing::error!(error = %other, "unexpected error");
                ApiError::Internal(Json(ErrorBody::new(
                    "internal_error",
                    "服务器内部错误",
                    "internal server error",
                    None,
                )))
            }
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::from(e).into()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_map_to_their_status() {
        let e: ApiError = DomainError::conflict("x", "甲", "a").into();
        assert!(matches!(e, ApiError::Conflict(_)));
        let e: ApiError = DomainError::new(Kind::TooManyRequests, "y", "乙", "b").into();
        assert!(matches!(e, ApiError::TooManyRequests(_, None)));
    }
}

//! The one place where errors become HTTP responses (R-ERR).
//!
//! Services return [`AppError`]: either a [`DomainError`] (a stable code, the zh/en message and
//! the field at fault, with its HTTP kind) or an unexpected failure, which is logged once with
//! its cause and answered as an opaque 500.

use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode};
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
    fn new(code: &str, zh: &str, en: &str, field: Option<String>) -> Self {
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
    TooManyRequests(Json<ErrorBody>),
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
            Kind::TooManyRequests => ApiError::TooManyRequests(body),
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

fn json_error(status: StatusCode, body: ErrorBody) -> Response {
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(bytes)
}

/// A panic in a handler is a bug: log it, answer the opaque JSON 500, keep serving.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "handler panicked");
    json_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorBody::new("internal_error", "服务器内部错误", "internal server error", None),
    )
}

/// The largest JSON request body accepted.
pub const MAX_JSON_BODY: usize = 1024 * 1024;

/// Middleware: the errors poem and poem-openapi answer by themselves (malformed JSON, bad
/// parameters, wrong content type, missing token, unknown route, wrong method) become the JSON
/// error body. Typed `ApiError` responses pass through untouched.
pub async fn json_errors<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    use poem_openapi::error::{
        AuthorizationError, ContentTypeError, ParseMultipartError, ParseParamError, ParsePathError,
        ParseRequestPayloadError,
    };
    let path = req.uri().path().to_owned();
    let method = req.method().as_str().to_owned();
    // JSON bodies are small: read them here (at most 1 MiB, whatever Content-Length says), so a
    // parse failure can name its field. Uploads (multipart) stream past untouched.
    let is_json = req
        .header(poem::http::header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("application/json"));
    let mut json_body = None;
    if is_json {
        match req.take_body().into_bytes_limit(MAX_JSON_BODY).await {
            Ok(bytes) => {
                req.set_body(bytes.clone());
                json_body = Some(bytes);
            }
            Err(_) => {
                return Ok(json_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorBody::new(
                        "payload_too_large",
                        "请求体过大（最多1 MiB）",
                        "the JSON body exceeds 1 MiB",
                        None,
                    ),
                ));
            }
        }
    }
    let err = match next.call(req).await {
        Ok(r) => return Ok(r.into_response()),
        Err(e) => e,
    };
    let bad = |code: &str, zh: &str, en: String, field: Option<String>| {
        json_error(StatusCode::BAD_REQUEST, ErrorBody::new(code, zh, &en, field))
    };
    let resp = if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>() {
        bad(
            "invalid_body",
            "请求体格式错误",
            e.reason.clone(),
            payload_field(&e.reason).or_else(|| {
                json_body
                    .as_deref()
                    .and_then(|b| crate::api::body_errors::locate(&method, &path, b))
            }),
        )
    } else if let Some(e) = err.downcast_ref::<ParseParamError>() {
        bad(
            "invalid_parameter",
            "参数格式错误",
            e.reason.clone(),
            Some(e.name.to_owned()),
        )
    } else if let Some(e) = err.downcast_ref::<ParsePathError>() {
        bad(
            "invalid_parameter",
            "路径参数格式错误",
            e.reason.clone(),
            // poem-openapi names path parameters by position (`param0`); use the spec's name.
            Some(crate::api::path_param_name(&path).unwrap_or_else(|| e.name.to_owned())),
        )
    } else if let Some(e) = err.downcast_ref::<ParseMultipartError>() {
        bad("invalid_multipart", "上传表单格式错误", e.reason.clone(), None)
    } else if let Some(e) = err.downcast_ref::<ContentTypeError>() {
        json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorBody::new(
                "unsupported_content_type",
                "不支持的请求内容类型",
                &e.to_string(),
                None,
            ),
        )
    } else if err.is::<AuthorizationError>() {
        json_error(
            StatusCode::UNAUTHORIZED,
            ErrorBody::new(
                "unauthorized",
                "未登录或登录已失效",
                "missing, invalid or expired token",
                None,
            ),
        )
    } else if err.is::<poem::error::NotFoundError>() {
        json_error(
            StatusCode::NOT_FOUND,
            ErrorBody::new("not_found", "没有这个地址", &format!("no route for {path}"), None),
        )
    } else if err.is::<poem::error::MethodNotAllowedError>() {
        let mut resp = json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorBody::new(
                "method_not_allowed",
                "不支持该请求方法",
                "method not allowed",
                None,
            ),
        );
        if let Some(Ok(v)) = crate::api::allowed_methods(&path).map(|a| a.parse()) {
            resp.headers_mut().insert(poem::http::header::ALLOW, v);
        }
        resp
    } else if !err.is_from_response() {
        // Any other error poem raised itself (size limits, bad headers…): keep its status,
        // answer in the JSON shape.
        let status = err.status();
        let code = if status.is_server_error() {
            "internal_error"
        } else {
            "bad_request"
        };
        if status.is_server_error() {
            tracing::error!(error = %err, "unexpected error");
        }
        json_error(
            status,
            ErrorBody::new(code, "请求无法处理", &err.to_string(), None),
        )
    } else {
        err.into_response()
    };
    Ok(resp)
}

/// poem-openapi names the failing field in its message (`field \`x\``); surface it.
fn payload_field(reason: &str) -> Option<String> {
    for marker in ["field `", "field \""] {
        if let Some(start) = reason.find(marker) {
            let rest = &reason[start + marker.len()..];
            if let Some(end) = rest.find(['`', '"']) {
                return Some(rest[..end].to_owned());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_opaque_json_500() {
        let resp = panic_response(Box::new("boom"));
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(resp.content_type(), Some("application/json; charset=utf-8"));
    }

    #[test]
    fn poem_openapi_field_markers_are_read() {
        assert_eq!(
            payload_field("failed at field `name` here").as_deref(),
            Some("name")
        );
        assert_eq!(payload_field("nothing to see"), None);
    }

    #[test]
    fn domain_errors_map_to_their_status() {
        let e: ApiError = DomainError::conflict("x", "甲", "a").into();
        assert!(matches!(e, ApiError::Conflict(_)));
        let e: ApiError = DomainError::new(Kind::TooManyRequests, "y", "乙", "b").into();
        assert!(matches!(e, ApiError::TooManyRequests(_)));
    }
}

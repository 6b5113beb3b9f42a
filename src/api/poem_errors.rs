//! The errors poem and poem-openapi answer by themselves (malformed JSON, bad parameters, wrong
//! content type, missing token, unknown route, wrong method, a handler's panic), rewritten
//! into the JSON error body of `crate::error`. They belong to the HTTP layer, so they live
//! here: `error.rs` knows nothing above the domain.

use crate::error::ErrorBody;
use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode};
use std::sync::OnceLock;

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
/// poem-openapi reads `false` or `12` for a text field as the text "false" or "12"; the spec
/// says string (issue 12.7). Such a body fails as a parse error would, inside the role guard
/// (a caller without the role still gets 403 first) and named by `json_errors`.
pub async fn strict_strings<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let is_json = req
        .header(poem::http::header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json {
        let bytes = req.take_body().into_bytes_limit(MAX_JSON_BODY).await?;
        let wrong = super::body_errors::string_sent_as_other(req.method().as_str(), req.uri().path(), &bytes);
        req.set_body(bytes);
        if let Some(field) = wrong {
            return Err(poem_openapi::error::ParseRequestPayloadError {
                reason: format!("{field}: expected a string"),
            }
            .into());
        }
    }
    next.call(req).await.map(IntoResponse::into_response)
}

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
    let resp = if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>()
        && e.reason.contains("verification failed")
    {
        // A value outside the bounds the spec declares (minimum, maximum, lengths): the same
        // 422 the domain answers for it, naming the field by its path.
        json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorBody::new(
                "invalid_value",
                "取值超出允许范围",
                &e.reason,
                json_body
                    .as_deref()
                    .and_then(|b| super::body_errors::locate(&method, &path, b))
                    .or_else(|| payload_field(&e.reason)),
            ),
        )
    } else if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>() {
        bad(
            "invalid_body",
            "请求体格式错误",
            e.reason.clone(),
            payload_field(&e.reason).or_else(|| {
                json_body
                    .as_deref()
                    .and_then(|b| super::body_errors::locate(&method, &path, b))
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
            Some(path_param_name(&path).unwrap_or_else(|| e.name.to_owned())),
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
        if let Some(Ok(v)) = allowed_methods(&path).map(|a| a.parse()) {
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

/// The methods each documented path answers, from the spec itself: the `Allow` header of a 405.
static ALLOW: OnceLock<Vec<(Vec<String>, String)>> = OnceLock::new();

pub fn set_allowed_methods(spec_json: &str) {
    let Ok(spec) = serde_json::from_str::<serde_json::Value>(spec_json) else {
        return;
    };
    let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) else {
        return;
    };
    let table = paths
        .iter()
        .map(|(path, ops)| {
            let segs = path.trim_matches('/').split('/').map(str::to_owned).collect();
            let methods: Vec<String> = ops
                .as_object()
                .map(|o| o.keys().map(|m| m.to_uppercase()).collect())
                .unwrap_or_default();
            (segs, methods.join(", "))
        })
        .collect();
    let _ = ALLOW.set(table);
}

fn route_for(path: &str) -> Option<&'static (Vec<String>, String)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    ALLOW.get()?.iter().find(|(tpl, _)| {
        tpl.len() == segs.len() && tpl.iter().zip(&segs).all(|(t, s)| t.starts_with('{') || t == s)
    })
}

pub fn allowed_methods(path: &str) -> Option<String> {
    route_for(path).map(|(_, allow)| allow.clone())
}

/// The name of the path parameter that failed to parse (poem reports it by position).
pub fn path_param_name(path: &str) -> Option<String> {
    let (tpl, _) = route_for(path)?;
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    tpl.iter()
        .zip(&segs)
        .find(|(t, s)| t.starts_with('{') && s.parse::<i64>().is_err())
        .map(|(t, _)| t.trim_matches(|c| c == '{' || c == '}').to_owned())
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
}

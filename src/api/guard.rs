//! Authorisation before validation (issue 20 point 7): when poem-openapi refuses a request on
//! its own (a malformed body, a bad header or parameter, a wrong content type), a caller whose
//! token is invalid hears 401 and a caller whose role may never do the operation hears 403 —
//! not 400, which would tell a stranger how the request should look.
//!
//! The roles here are the ones the services check first (`caller.require(..)`); the services
//! stay the authority: this table only decides which refusal a malformed request gets.

use crate::{domain::roles::Role, error::ErrorBody, state::AppState};
use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode};
use std::sync::OnceLock;

const ADMIN: &[Role] = &[Role::Admin];
const FINANCE: &[Role] = &[Role::Finance];
const FINANCE_READERS: &[Role] = &[Role::Finance, Role::Admin];
const NOMINATORS: &[Role] = &[Role::Admin, Role::Unit, Role::District];

/// Operations whose role set is fixed, by `operation_id`.
pub const OPERATION_ROLES: &[(&str, &[Role])] = &[
    ("mark_payout_paid", FINANCE),
    ("mark_payout_failed", FINANCE),
    ("reissue_payout", FINANCE),
    ("create_payout_batch", FINANCE),
    ("download_payout_sheet", FINANCE),
    ("list_payouts", FINANCE_READERS),
    ("get_payout", FINANCE_READERS),
    ("list_payout_batches", FINANCE_READERS),
    ("get_payout_batch", FINANCE_READERS),
    ("create_unit", ADMIN),
    ("create_team", ADMIN),
    ("create_user", ADMIN),
    ("list_users", ADMIN),
    ("disable_user", ADMIN),
    ("enable_user", ADMIN),
    ("reset_password", ADMIN),
    ("create_cycle", ADMIN),
    ("update_cycle", ADMIN),
    ("open_cycle", ADMIN),
    ("close_cycle", ADMIN),
    ("auto_assign_experts", ADMIN),
    ("assign_expert", ADMIN),
    ("remove_assignment", ADMIN),
    ("rank_cycle", ADMIN),
    ("publish_results", ADMIN),
    ("list_objections", ADMIN),
    ("resolve_objection", ADMIN),
    ("resolve_objections", ADMIN),
    ("finalize_cycle", ADMIN),
    ("download_results_sheet", ADMIN),
    ("download_cycle_forms", ADMIN),
    ("create_award_history", ADMIN),
    ("import_award_history", ADMIN),
    ("list_audit", ADMIN),
    ("verify_audit", ADMIN),
    ("create_recommendation_round", ADMIN),
    ("open_recommendation_round", ADMIN),
    ("decide_recommendation_round", ADMIN),
    ("waive_recommendation_condition", ADMIN),
    ("decide_recommendation_candidate", ADMIN),
    ("record_recommendation_outcome", ADMIN),
    ("download_recommendation_form", ADMIN),
    ("download_recommendation_summary", ADMIN),
    ("download_recommendation_materials", ADMIN),
    ("nominate_recommendation_candidate", NOMINATORS),
    ("update_recommendation_candidate", NOMINATORS),
    ("upload_recommendation_photo", NOMINATORS),
    ("backfill_activity", ADMIN),
    ("import_backfill", ADMIN),
    ("download_backfill_template", ADMIN),
    ("put_scores", &[Role::Expert]),
    ("set_review_deadline", ADMIN),
    ("give_opinion", &[Role::Unit, Role::District, Role::Admin]),
];

pub fn roles_of(operation_id: &str) -> Option<&'static [Role]> {
    OPERATION_ROLES
        .iter()
        .find(|(op, _)| *op == operation_id)
        .map(|(_, roles)| *roles)
}

/// (method, path segments, operation_id) of every documented operation.
static OPERATIONS: OnceLock<Vec<(String, Vec<String>, String)>> = OnceLock::new();

pub fn set_spec(spec_json: &str) {
    let Ok(spec) = serde_json::from_str::<serde_json::Value>(spec_json) else {
        return;
    };
    let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) else {
        return;
    };
    let mut table = Vec::new();
    for (path, ops) in paths {
        let segs: Vec<String> = path.trim_matches('/').split('/').map(str::to_owned).collect();
        for (method, op) in ops.as_object().into_iter().flatten() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                table.push((method.to_uppercase(), segs.clone(), id.to_owned()));
            }
        }
    }
    let _ = OPERATIONS.set(table);
}

/// The operation a request addresses (literal segments win over `{param}` ones).
pub fn operation_of(method: &str, path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    OPERATIONS
        .get()?
        .iter()
        .filter(|(m, tpl, _)| {
            m == method
                && tpl.len() == segs.len()
                && tpl.iter().zip(&segs).all(|(t, s)| t.starts_with('{') || t == s)
        })
        .max_by_key(|(_, tpl, _)| tpl.iter().filter(|t| !t.starts_with('{')).count())
        .map(|(_, _, id)| id.as_str())
}

fn is_request_parse_error(err: &poem::Error) -> bool {
    use poem_openapi::error::{
        ContentTypeError, ParseMultipartError, ParseParamError, ParsePathError, ParseRequestPayloadError,
    };
    err.is::<ParseRequestPayloadError>()
        || err.is::<ParseParamError>()
        || err.is::<ParsePathError>()
        || err.is::<ParseMultipartError>()
        || err.is::<ContentTypeError>()
}

fn bearer_token(req: &Request) -> Option<String> {
    let value = req.header(poem::http::header::AUTHORIZATION)?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn refusal(status: StatusCode, code: &str, zh: &str, en: &str) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(serde_json::to_vec(&ErrorBody::new(code, zh, en, None)).unwrap_or_default())
}

/// Middleware: a request poem-openapi refused as malformed is first checked for who sends it.
pub async fn authorize_first<E: Endpoint>(state: AppState, next: E, req: Request) -> poem::Result<Response> {
    let token = bearer_token(&req);
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let err = match next.call(req).await {
        Ok(r) => return Ok(r.into_response()),
        Err(e) => e,
    };
    if !is_request_parse_error(&err) {
        return Err(err);
    }
    let Some(token) = token else { return Err(err) };
    let Some(op) = operation_of(&method, &path) else {
        return Err(err);
    };
    if op == "login" {
        return Err(err);
    }
    match crate::services::accounts::authenticate(&state, &token).await {
        Err(crate::error::AppError::Domain(e)) if e.kind == crate::error::Kind::Unauthorized => Ok(refusal(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "未登录或登录已失效",
            "missing, invalid or expired token",
        )),
        Ok(caller) if roles_of(op).is_some_and(|roles| !roles.contains(&caller.role)) => Ok(refusal(
            StatusCode::FORBIDDEN,
            "forbidden",
            "当前角色无权执行此操作",
            "your role may not do this",
        )),
        _ => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation named in the table exists in the committed spec (no stale entries).
    #[test]
    fn role_table_names_only_documented_operations() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("committed spec");
        let ids: Vec<&str> = spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, ops)| ops.as_object().into_iter().flatten())
            .filter_map(|(_, op)| op["operationId"].as_str())
            .collect();
        for (op, _) in OPERATION_ROLES {
            assert!(ids.contains(op), "{op} is not in openapi/openapi.json");
        }
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let req = Request::builder()
            .header("authorization", "bearer zh_abc")
            .finish();
        assert_eq!(bearer_token(&req).as_deref(), Some("zh_abc"));
        let req = Request::builder().header("authorization", "Basic x").finish();
        assert_eq!(bearer_token(&req), None);
    }
}

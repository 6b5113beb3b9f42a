//! Issue 20 point 7 (R-AUTHZ, R-ERR): who may act is decided before what they sent is checked;
//! every answer carries the security headers; nothing authenticated is cached; a 401 names
//! the Bearer scheme.

use crate::helpers::{TestApp, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_owned());
    }
    req.send().await.expect("request")
}

async fn pair(resp: reqwest::Response) -> (StatusCode, Value) {
    let s = resp.status();
    (s, resp.json().await.unwrap_or(Value::Null))
}

/// R-AUTHZ: a team marking a payout paid hears 403 whatever header or body it sends — a bad
/// `Idempotency-Key`, a malformed date, a body that is not JSON — while finance still gets
/// the validation errors (400) and a bad token 401.
#[tokio::test]
async fn team_sending_anything_to_a_finance_action_is_forbidden_before_validation() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let (_, team) = app.team_with_user(unit).await;
    let (_, finance) = app.user("finance", None, None).await;
    let good = r#"{"paid_on": "2026-03-01", "bank_reference": "ICBC-1"}"#;
    let path = "/api/v1/payouts/1/paid";

    let bad_key = "x".repeat(300);
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("Idempotency-Key", bad_key.as_str())], good),
        (&[], good),
        (
            &[("Idempotency-Key", "k-1")],
            r#"{"paid_on": "not a date", "bank_reference": 1}"#,
        ),
        (&[("Idempotency-Key", "k-1")], "{ this is not json"),
    ];
    for (headers, body) in cases {
        let r = pair(raw(&app, Method::POST, path, Some(&team), headers, Some(body)).await).await;
        assert_error(&r, 403, "forbidden");
    }
    // Another finance action on a malformed path parameter: still 403 for the team.
    let r = pair(
        raw(
            &app,
            Method::POST,
            "/api/v1/payouts/abc/failed",
            Some(&team),
            &[],
            Some("{}"),
        )
        .await,
    )
    .await;
    assert_error(&r, 403, "forbidden");

    // The account commands and the audit check are the admin's: a team with a malformed id
    // hears 403 too.
    for path in [
        "/api/v1/users/abc/disable",
        "/api/v1/users/abc/enable",
        "/api/v1/users/abc/reset-password",
    ] {
        let r = pair(raw(&app, Method::POST, path, Some(&team), &[], Some("{ nope")).await).await;
        assert_error(&r, 403, "forbidden");
    }
    let r = pair(
        raw(
            &app,
            Method::GET,
            "/api/v1/audit/verify?x=1",
            Some(&team),
            &[],
            None,
        )
        .await,
    )
    .await;
    assert_error(&r, 403, "forbidden");

    // Finance is allowed: the same malformed requests are validation errors.
    let r = pair(
        raw(
            &app,
            Method::POST,
            path,
            Some(&finance),
            &[("Idempotency-Key", &bad_key)],
            Some(good),
        )
        .await,
    )
    .await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);
    let r = pair(
        raw(
            &app,
            Method::POST,
            path,
            Some(&finance),
            &[("Idempotency-Key", "k-1")],
            Some("{ nope"),
        )
        .await,
    )
    .await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);

    // A token that is not valid: 401 before the body is looked at.
    let resp = raw(&app, Method::POST, path, Some("zh_forged"), &[], Some("{ nope")).await;
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    assert_error(&pair(resp).await, 401, "unauthorized");
}

/// Security headers on API answers, pages, errors and assets; `no-store` unless the handler
/// chose a cache policy itself; a 401 says `WWW-Authenticate: Bearer`.
#[tokio::test]
async fn every_response_carries_the_security_headers_and_authenticated_ones_are_not_cached() {
    let app = TestApp::spawn().await;
    let check = |resp: &reqwest::Response, what: &str| {
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
    };
    let me = raw(&app, Method::GET, "/api/v1/me", Some(&app.admin), &[], None).await;
    assert_eq!(me.status(), StatusCode::OK);
    check(&me, "GET /me");
    assert_eq!(me.headers()["cache-control"], "no-store");

    let units = raw(&app, Method::GET, "/api/v1/units", Some(&app.admin), &[], None).await;
    check(&units, "GET /units");
    assert_eq!(units.headers()["cache-control"], "no-store");

    let anon = raw(&app, Method::GET, "/api/v1/me", None, &[], None).await;
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    check(&anon, "401");
    assert_eq!(anon.headers()["www-authenticate"], "Bearer");

    let expired = raw(&app, Method::GET, "/api/v1/units", Some("zh_nope"), &[], None).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(expired.headers()["www-authenticate"], "Bearer");

    let missing = raw(&app, Method::GET, "/api/v1/nothing-here", None, &[], None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    check(&missing, "404");

    let page = raw(&app, Method::GET, "/login", None, &[], None).await;
    check(&page, "GET /login");
    assert_eq!(page.headers()["cache-control"], "no-store");

    let health = raw(&app, Method::GET, "/healthz", None, &[], None).await;
    check(&health, "healthz");

    // The hashed assets keep their long cache (their own policy wins).
    let css = zhihui::web::assets::URLS.css.to_owned();
    let asset = raw(&app, Method::GET, &css, None, &[], None).await;
    assert_eq!(asset.status(), StatusCode::OK);
    check(&asset, "asset");
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"),
        "{:?}",
        asset.headers()["cache-control"]
    );
}

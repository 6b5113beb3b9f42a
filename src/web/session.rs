//! Page sessions and CSRF protection.
//!
//! A page session is an API login: the cookie `zhihui_session` holds the same token that
//! `POST /api/v1/auth/login` returns, so it is backed by the same hashed `sessions` row, lives
//! as long (12 h by default) and is revoked by logout. The cookie is HttpOnly, SameSite=Lax,
//! `Secure` when `ZHIHUI_PUBLIC_URL` is https.
//!
//! CSRF: every state-changing request must carry a token derived from the session token (or,
//! before login, from a random `zhihui_anon` cookie) — a hidden `csrf` field in forms, the
//! `X-CSRF-Token` header in htmx requests (set with `hx-headers` on `<body>`), or `?csrf=` on
//! an upload form's action — and, when the browser says where it comes from (`Origin`, else
//! `Referer`), come from this host. Anything else is refused with the 403 page.

use super::page::{PageError, error_page, login_redirect};
use crate::{authz::Caller, services::accounts, state::AppState};
use poem::{
    Endpoint, FromRequest, IntoResponse, Request, RequestBody, Response,
    http::{Method, StatusCode, header},
};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "zhihui_session";
/// The password change page, the only page open while a change is required.
pub const PASSWORD_PAGE: &str = "/account/password";
const ANON_COOKIE: &str = "zhihui_anon";
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Urlencoded page forms are small; uploads are multipart and carry the token elsewhere.
const MAX_FORM_BODY: usize = 1024 * 1024;

/// The CSRF token of this request's browser, for forms and `hx-headers`.
#[derive(Clone)]
pub struct Csrf(pub String);

fn csrf_for(key: &str) -> String {
    hex::encode(Sha256::digest(format!("zhihui-csrf\0{key}").as_bytes()))
}

pub fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    let secure = if state.settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The logged-in caller of a page, with the session token (for logout) and the CSRF token.
pub struct Session {
    pub caller: Caller,
    pub token: String,
    pub csrf: String,
}

impl<'a> FromRequest<'a> for Session {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = req
            .data::<AppState>()
            .ok_or(PageError::Status(StatusCode::INTERNAL_SERVER_ERROR))?;
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/home".into());
        let Some(token) = cookie(req, SESSION_COOKIE) else {
            return Err(PageError::Login(next).into());
        };
        let caller = match accounts::authenticate(state, &token).await {
            Ok(c) => c,
            Err(crate::error::AppError::Domain(_)) => return Err(PageError::Login(next).into()),
            Err(e) => return Err(PageError::from(e).into()),
        };
        // After an admin's reset, every page but the change itself and logout sends the user to
        // the password change (R-ACCOUNT).
        if caller.must_change_password && !matches!(req.uri().path(), PASSWORD_PAGE | "/logout") {
            return Err(PageError::Redirect(PASSWORD_PAGE.into()).into());
        }
        Ok(Session {
            caller,
            csrf: csrf_for(&token),
            token,
        })
    }
}

fn header_host(v: &str) -> Option<&str> {
    let rest = v.split_once("://").map(|(_, r)| r)?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// `Origin` (else `Referer`), when the browser sends one, must name this host.
fn same_origin(req: &Request) -> bool {
    let Some(host) = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let from = |name| req.headers().get(name).and_then(|h| h.to_str().ok());
    match from(header::ORIGIN).or_else(|| from(header::REFERER)) {
        None => true,
        Some("null") => false,
        Some(v) => header_host(v).is_some_and(|h| h.eq_ignore_ascii_case(host)),
    }
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Content-Security-Policy of every page: nothing from another host, no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
object-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'";

/// Middleware of the page routes: CSRF and origin checks on state-changing requests, the
/// CSRF token for the handlers, security headers, and Chinese pages for unknown routes.
pub async fn guard<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let state = req
        .data::<AppState>()
        .cloned()
        .ok_or(PageError::Status(StatusCode::INTERNAL_SERVER_ERROR))?;
    let session = cookie(&req, SESSION_COOKIE);
    let anon = cookie(&req, ANON_COOKIE);
    let new_anon = match (&session, &anon) {
        (None, None) => {
            let mut raw = [0u8; 24];
            rand::thread_rng().fill_bytes(&mut raw);
            Some(hex::encode(raw))
        }
        _ => None,
    };
    // Before login the anonymous cookie keys the token; after it, the session.
    let key = session
        .clone()
        .or(anon.clone())
        .or(new_anon.clone())
        .unwrap_or_default();
    let expected = csrf_for(&key);
    let is_htmx = req.headers().contains_key("hx-request");
    if !is_safe(req.method()) {
        let mut ok = same_origin(&req);
        let from_header = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let from_query = req.uri().query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned())
        });
        let urlencoded = req
            .content_type()
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let mut from_body = None;
        if urlencoded {
            match req.take_body().into_bytes_limit(MAX_FORM_BODY).await {
                Ok(bytes) => {
                    from_body = form_urlencoded::parse(&bytes)
                        .find(|(k, _)| k == CSRF_FIELD)
                        .map(|(_, v)| v.into_owned());
                    req.set_body(bytes);
                }
                Err(_) => return Ok(error_page(StatusCode::PAYLOAD_TOO_LARGE)),
            }
        }
        let given = from_header.or(from_query).or(from_body);
        ok &= new_anon.is_none() && given.is_some_and(|g| constant_eq(&g, &expected));
        if !ok {
            tracing::warn!(path = %req.uri().path(), "state-changing page request without a valid CSRF token or from another origin");
            return Ok(with_headers(error_page(StatusCode::FORBIDDEN)));
        }
    }
    req.extensions_mut().insert(Csrf(expected));
    let resp = match next.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) if e.is_from_response() => e.into_response(),
        Err(e) => {
            let status = if e.is::<poem::error::NotFoundError>() {
                StatusCode::NOT_FOUND
            } else if e.is::<poem::error::MethodNotAllowedError>() {
                StatusCode::METHOD_NOT_ALLOWED
            } else {
                let s = e.status();
                if s.is_server_error() {
                    tracing::error!(error = %e, "unexpected error");
                }
                if s.is_client_error() {
                    s
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            };
            error_page(status)
        }
    };
    let mut resp = with_headers(resp);
    // A login redirect answered to htmx: make the whole page go there.
    if is_htmx
        && resp.status() == StatusCode::SEE_OTHER
        && let Some(loc) = resp.headers().get(header::LOCATION).cloned()
        && loc
            .to_str()
            .is_ok_and(|l| l.starts_with("/login") || l == PASSWORD_PAGE)
    {
        resp.headers_mut().insert("hx-redirect", loc);
    }
    if let Some(v) = new_anon
        && let Ok(c) = set_cookie(&state, ANON_COOKIE, &v, 12 * 3600).parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(resp)
}

fn with_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    for (k, v) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ] {
        if let Ok(v) = v.parse() {
            h.entry(k).or_insert(v);
        }
    }
    if !h.contains_key(header::CACHE_CONTROL)
        && let Ok(v) = "no-store".parse()
    {
        h.insert(header::CACHE_CONTROL, v);
    }
    resp
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The CSRF token the guard put on the request.
pub fn csrf_of(req: &Request) -> String {
    req.extensions()
        .get::<Csrf>()
        .map(|c| c.0.clone())
        .unwrap_or_default()
}

/// After login: the session cookie, then to `next` (only a local path).
pub fn start(state: &AppState, token: &str, next: &str) -> Response {
    let to = if next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/home"
    };
    let mut resp = super::page::see_other(to);
    let ttl = state.settings.token_ttl_hours * 3600;
    if let Ok(c) = set_cookie(state, SESSION_COOKIE, token, ttl).parse() {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// After logout: the cookie removed, back to the landing page.
pub fn end(state: &AppState) -> Response {
    let mut resp = login_redirect("/home");
    if let Ok(c) = set_cookie(state, SESSION_COOKIE, "", 0).parse() {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_per_session_and_are_stable() {
        assert_eq!(csrf_for("a"), csrf_for("a"));
        assert_ne!(csrf_for("a"), csrf_for("b"));
        assert!(!csrf_for("zh_abc").contains("zh_abc"));
    }

    #[test]
    fn origin_host_is_read_from_a_url() {
        assert_eq!(header_host("http://127.0.0.1:8080/x?y"), Some("127.0.0.1:8080"));
        assert_eq!(
            header_host("https://zhihui.example.cn"),
            Some("zhihui.example.cn")
        );
        assert_eq!(header_host("garbage"), None);
    }
}

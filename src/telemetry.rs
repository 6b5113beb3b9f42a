//! Logging set-up and the request log line. Never logs bodies, tokens, passwords, full mobiles
//! or account numbers: the request line carries method, path (no query), status and latency.

use poem::{Endpoint, IntoResponse, Request, Response};
use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Instant,
};
use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}

/// For tests: silent unless `TEST_LOG` is set.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init();
    }
}

/// What the request log and the security events know of the request being served.
#[derive(Debug)]
pub struct RequestInfo {
    /// A short random id, in the request line and every security event of the request.
    pub id: String,
    /// The client's address (`crate::client_addr`).
    pub client: Option<std::net::IpAddr>,
    /// The authenticated user, once a token or session cookie was accepted.
    pub username: std::sync::Mutex<Option<String>>,
    /// Database statements issued while serving it (`count_statement`).
    pub statements: AtomicU32,
}

tokio::task_local! {
    static REQUEST: std::sync::Arc<RequestInfo>;
}

/// The request being served on this task, if any.
pub fn current_request() -> Option<std::sync::Arc<RequestInfo>> {
    REQUEST.try_with(|r| r.clone()).ok()
}

/// Runs `f` as if serving the request `info` (for tests of what a request logs).
pub fn with_request<R>(info: std::sync::Arc<RequestInfo>, f: impl FnOnce() -> R) -> R {
    REQUEST.sync_scope(info, f)
}

/// Notes who the request's caller is (for the refusal events).
pub fn set_caller(username: &str) {
    if let Some(r) = current_request() {
        *r.username.lock().unwrap_or_else(|e| e.into_inner()) = Some(username.to_owned());
    }
}

/// The databases' metric callback: one more statement for the request being served (none
/// outside a request, e.g. at start-up).
pub fn count_statement(_: &sea_orm::metric::Info<'_>) {
    let _ = REQUEST.try_with(|r| r.statements.fetch_add(1, Ordering::Relaxed));
}

/// The response header carrying the statement count when `ZHIHUI_STATEMENT_HEADER=1`.
pub const STATEMENT_HEADER: &str = "x-db-statements";

/// One line per request: method, path, status, latency, request id and the number of database
/// statements (with `statement_header`, that number also goes out as `X-Db-Statements`); for
/// an authenticated caller's 403 or 404, a security event besides.
pub async fn log_request<E: Endpoint>(
    next: E,
    req: Request,
    trusted_proxies: std::sync::Arc<Vec<ipnet::IpNet>>,
    statement_header: bool,
) -> poem::Result<Response> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let mut raw = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut raw);
    let info = std::sync::Arc::new(RequestInfo {
        id: hex::encode(raw),
        client: crate::client_addr::of_request(&req, &trusted_proxies),
        username: Default::default(),
        statements: AtomicU32::new(0),
    });
    let result = REQUEST.scope(info.clone(), next.call(req)).await;
    let statements = info.statements.load(Ordering::Relaxed);
    let (status, resp) = match result {
        Ok(r) => {
            let mut r = r.into_response();
            if statement_header {
                r.headers_mut().insert(STATEMENT_HEADER, statements.into());
            }
            (r.status(), Ok(r))
        }
        Err(e) => (e.status(), Err(e)),
    };
    tracing::info!(
        %method,
        path = %path,
        status = status.as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id = %info.id,
        statements,
        "request"
    );
    let caller = info.username.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(caller) = caller {
        let event = match status.as_u16() {
            404 => Some(crate::security::Event::RefusedNotFound),
            403 => Some(crate::security::Event::RefusedForbidden),
            _ => None,
        };
        if let Some(event) = event {
            REQUEST.sync_scope(info.clone(), || {
                crate::security::event(event, &caller, None, Some(&format!("{method} {path}")))
            });
        }
    }
    resp
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received");
}

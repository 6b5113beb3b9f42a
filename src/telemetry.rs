//! Logging set-up and the request log line. Never logs bodies, tokens, passwords, full mobiles
//! or account numbers: the request line carries method, path (no query), status and latency.

use crate::request_info::{self, RequestInfo};
use poem::{Endpoint, IntoResponse, Request, Response};
use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Instant,
};
use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    init_with("info,sqlx=warn,sea_orm=warn");
}

/// As [`init`], with another filter unless `RUST_LOG` is set (the one-shot commands: warnings).
pub fn init_with(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}

/// For tests: silent unless `TEST_LOG` is set.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init();
    }
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
    let result = request_info::scope(info.clone(), next.call(req)).await;
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
            request_info::with_request(info.clone(), || {
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

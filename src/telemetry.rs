//! Logging set-up and the request log line. Never logs bodies, tokens, passwords, full mobiles
//! or account numbers: the request line carries method, path (no query), status and latency.

use poem::{Endpoint, IntoResponse, Request, Response};
use std::{cell::Cell, time::Instant};
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

tokio::task_local! {
    /// Database statements issued while serving the current request.
    static STATEMENTS: Cell<u32>;
}

/// The databases' metric callback: one more statement for the request being served (none
/// outside a request, e.g. at start-up).
pub fn count_statement(_: &sea_orm::metric::Info<'_>) {
    let _ = STATEMENTS.try_with(|c| c.set(c.get() + 1));
}

/// The response header carrying the statement count when `ZHIHUI_STATEMENT_HEADER=1`.
pub const STATEMENT_HEADER: &str = "x-db-statements";

/// One line per request: method, path, status, latency and the number of database statements;
/// with `statement_header`, that number also goes out as `X-Db-Statements`.
pub async fn log_request<E: Endpoint>(
    next: E,
    req: Request,
    statement_header: bool,
) -> poem::Result<Response> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let (result, statements) = STATEMENTS
        .scope(Cell::new(0), async {
            let r = next.call(req).await;
            (r, STATEMENTS.with(Cell::get))
        })
        .await;
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
        statements,
        "request"
    );
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

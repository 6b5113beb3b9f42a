//! What is known of the request being served, on its task: its id, the client's address, the
//! authenticated user and the database statements it issued. The request log (`telemetry`)
//! opens the scope; security events, the login throttle and the statement counter read it.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
};

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
    static REQUEST: Arc<RequestInfo>;
}

/// The request being served on this task, if any.
pub fn current_request() -> Option<Arc<RequestInfo>> {
    REQUEST.try_with(|r| r.clone()).ok()
}

/// Runs `f` as if serving the request `info` (for tests of what a request logs).
pub fn with_request<R>(info: Arc<RequestInfo>, f: impl FnOnce() -> R) -> R {
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

/// Runs the future `f` as the request `info`.
pub async fn scope<F: Future>(info: Arc<RequestInfo>, f: F) -> F::Output {
    REQUEST.scope(info, f).await
}

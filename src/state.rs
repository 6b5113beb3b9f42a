//! Shared application state handed to every API.

use crate::{
    clock::Clock, config::Settings, rate_limit::RateLimiter, storage::Storage, throttle::LoginLimiter,
};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub limiter: Arc<LoginLimiter>,
    /// argon2 is CPU-heavy (~19 ms a verify): at most two at a time, off the async workers.
    pub hashing: Arc<Semaphore>,
    /// Evidence files (R-EVIDENCE), under `settings.storage_dir`.
    pub storage: Arc<Storage>,
    /// Objections per client address and minute (issue 20.3).
    pub objection_limiter: Arc<RateLimiter>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            storage: Arc::new(Storage::new(settings.storage_dir.clone())),
            objection_limiter: Arc::new(RateLimiter::new(settings.objection_rate_per_minute)),
            settings: Arc::new(settings),
            clock,
            limiter: Arc::new(LoginLimiter::default()),
            hashing: Arc::new(Semaphore::new(2)),
        }
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

//! Shared application state handed to every API.

use crate::{clock::Clock, config::Settings, storage::Storage};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    /// Writes, and reads inside a write (SQLite: the one writer connection).
    pub db: DatabaseConnection,
    /// Reads outside a write transaction (SQLite: read-only connections beside the writer;
    /// PostgreSQL: the same pool as `db`). See `startup::connect_reader`.
    pub read: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    /// argon2 is CPU-heavy (~19 ms a verify): at most two at a time, off the async workers.
    pub hashing: Arc<Semaphore>,
    /// Evidence files (R-EVIDENCE), under `settings.storage_dir`.
    pub storage: Arc<Storage>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings, clock: Arc<dyn Clock>) -> Self {
        Self {
            read: db.clone(),
            db,
            storage: Arc::new(Storage::new(settings.storage_dir.clone())),
            settings: Arc::new(settings),
            clock,
            hashing: Arc::new(Semaphore::new(2)),
        }
    }
    pub fn with_reader(mut self, read: DatabaseConnection) -> Self {
        self.read = read;
        self
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

//! Health.

use super::ApiTags;
use crate::state::AppState;
use migration::{Migrator, MigratorTrait};
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};
use sea_orm::ConnectionTrait;

pub struct MetaApi {
    pub state: AppState,
}

#[derive(Debug, Object)]
pub struct Health {
    /// `ok`; for readiness `not_ready` when the database does not answer or migrations are
    /// pending.
    pub status: String,
    /// Why the service is not ready (readiness only).
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
}

#[derive(ApiResponse)]
pub enum Readiness {
    /// The database answers and every migration is applied.
    #[oai(status = 200)]
    Ready(Json<Health>),
    /// Not ready: take this instance out of the load balancer.
    #[oai(status = 503)]
    NotReady(Json<Health>),
}

#[OpenApi]
impl MetaApi {
    /// 存活检查 / Liveness: `ok` while the process serves requests (no database query, so a
    /// slow database does not get a live process restarted)
    #[oai(
        path = "/healthz",
        method = "get",
        operation_id = "healthz",
        tag = "ApiTags::Meta"
    )]
    async fn healthz(&self) -> Json<Health> {
        Json(Health {
            status: "ok".into(),
            reason: None,
        })
    }

    /// 就绪检查 / Readiness: `ok` once the database answers and every migration is applied,
    /// else 503 `not_ready` with the reason
    #[oai(
        path = "/readyz",
        method = "get",
        operation_id = "readyz",
        tag = "ApiTags::Meta"
    )]
    async fn readyz(&self) -> Readiness {
        let not_ready = |reason: &str| {
            tracing::warn!(reason, "not ready");
            Readiness::NotReady(Json(Health {
                status: "not_ready".into(),
                reason: Some(reason.into()),
            }))
        };
        if self.state.read.execute_unprepared("SELECT 1").await.is_err() {
            return not_ready("database unreachable");
        }
        match Migrator::get_pending_migrations(&self.state.db).await {
            Ok(pending) if pending.is_empty() => Readiness::Ready(Json(Health {
                status: "ok".into(),
                reason: None,
            })),
            Ok(_) => not_ready("migrations pending"),
            Err(_) => not_ready("migration state unreadable"),
        }
    }
}

//! Health.

use super::ApiTags;
use crate::{error::ApiResult, state::AppState};
use poem_openapi::{Object, OpenApi, payload::Json};
use sea_orm::ConnectionTrait;

pub struct MetaApi {
    pub state: AppState,
}

#[derive(Debug, Object)]
pub struct Health {
    /// `ok` once the database answers.
    pub status: String,
}

#[OpenApi]
impl MetaApi {
    /// 健康检查 / Health check: `ok` once the database answers
    #[oai(
        path = "/healthz",
        method = "get",
        operation_id = "healthz",
        tag = "ApiTags::Meta"
    )]
    async fn healthz(&self) -> ApiResult<Json<Health>> {
        self.state.db.execute_unprepared("SELECT 1").await?;
        Ok(Json(Health { status: "ok".into() }))
    }
}

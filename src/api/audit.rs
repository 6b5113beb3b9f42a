//! The audit log (R-AUDIT), read by the admin.

use super::{ApiTags, BearerAuth, List, out_time};
use crate::{
    domain::roles::Role,
    error::{ApiResult, AppError},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::audit_log;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

pub struct AuditApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct AuditEntryOut {
    pub id: i32,
    pub at: DateTime<FixedOffset>,
    /// Username of who made the change (`system`, `public` for unauthenticated actions).
    pub actor: String,
    #[oai(nullable)]
    pub actor_id: Option<i32>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// State before (secrets removed, personal numbers masked).
    #[oai(nullable)]
    pub before: Option<serde_json::Value>,
    #[oai(nullable)]
    pub after: Option<serde_json::Value>,
}

#[OpenApi]
impl AuditApi {
    /// 审计日志 / The audit log (admin), newest first
    #[oai(
        path = "/api/v1/audit",
        method = "get",
        operation_id = "list_audit",
        tag = "ApiTags::Audit"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        entity: Query<Option<String>>,
        entity_id: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<AuditEntryOut>>> {
        let caller = self.state.caller(&auth).await?;
        caller.require(&[Role::Admin]).map_err(AppError::from)?;
        let p = super::page(page.0, per_page.0)?;
        let mut q = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
        if let Some(e) = entity.0 {
            q = q.filter(audit_log::Column::Entity.eq(e));
        }
        if let Some(id) = entity_id.0 {
            q = q.filter(audit_log::Column::EntityId.eq(id));
        }
        let total = q.clone().count(&self.state.db).await?;
        let rows = q.offset(p.offset()).limit(p.per_page).all(&self.state.db).await?;
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        let items = rows
            .into_iter()
            .map(|r| AuditEntryOut {
                id: r.id,
                at: out_time(r.at),
                actor: r.actor,
                actor_id: r.actor_id,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                before: parse(r.before),
                after: parse(r.after),
            })
            .collect();
        Ok(Json(List { items, total }))
    }
}

//! The audit log (R-AUDIT), read by the admin.

use super::{ApiTags, BearerAuth, List, out_time};
use crate::{error::ApiResult, services::audit, state::AppState};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

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

/// The first broken link of the audit chain.
#[derive(Object)]
pub struct ChainBreakOut {
    /// The entry at which the chain breaks (null: at its end, the last entries deleted).
    #[oai(nullable)]
    pub entry_id: Option<i32>,
    #[oai(nullable)]
    pub seq: Option<i64>,
    /// `content_changed`, `entry_missing`, `entry_inserted` or `tail_missing`.
    pub problem: String,
    /// What differs, in Chinese and English.
    pub detail: String,
}

/// The audit chain's check.
#[derive(Object)]
pub struct ChainVerdictOut {
    /// True when every entry links to the one before and the head is at the last entry.
    pub ok: bool,
    /// Entries checked before the first broken link (all of them when `ok`).
    pub count: u64,
    pub head_seq: i64,
    pub head_hash: String,
    #[oai(nullable)]
    pub broken: Option<ChainBreakOut>,
}

#[OpenApi]
impl AuditApi {
    /// 审计日志校验 / Verify the audit log's hash chain (admin): `ok` with the count and the
    /// head's hash, or the first broken link (an entry changed, deleted or inserted outside the
    /// service)
    #[oai(
        path = "/api/v1/audit/verify",
        method = "get",
        operation_id = "verify_audit",
        tag = "ApiTags::Audit"
    )]
    async fn verify(&self, auth: BearerAuth) -> ApiResult<Json<ChainVerdictOut>> {
        let caller = self.state.caller(&auth).await?;
        let v = audit::verify_for(&self.state, &caller).await?;
        Ok(Json(ChainVerdictOut {
            ok: v.ok,
            count: v.count,
            head_seq: v.head_seq,
            head_hash: v.head_hash,
            broken: v.broken.map(|b| ChainBreakOut {
                entry_id: b.entry_id,
                seq: b.seq,
                problem: b.problem.into(),
                detail: b.detail,
            }),
        }))
    }

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
        #[oai(validator(max_length = 64))] entity: Query<Option<String>>,
        #[oai(validator(max_length = 64))] entity_id: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<AuditEntryOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (rows, total) = audit::list(
            &self.state,
            &caller,
            entity.0,
            entity_id.0,
            p.offset(),
            p.per_page,
        )
        .await?;
        let items = rows
            .into_iter()
            .map(|e| AuditEntryOut {
                id: e.row.id,
                at: out_time(e.row.at),
                actor: e.row.actor,
                actor_id: e.row.actor_id,
                action: e.row.action,
                entity: e.row.entity,
                entity_id: e.row.entity_id,
                before: e.before,
                after: e.after,
            })
            .collect();
        Ok(Json(List { items, total }))
    }
}

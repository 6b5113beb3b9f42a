//! R-AUDIT: the append-only audit log. Every change writes one row in the same transaction
//! as the change itself: who, what, when, before/after. Secrets never enter it and personal
//! numbers are masked (R-PII).

use crate::{
    authz::Caller,
    domain::pii::redact,
    domain::roles::Role,
    error::{AppError, AppResult},
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use serde_json::Value;

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i32>,
    pub name: String,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            id: None,
            name: "system".into(),
        }
    }
    pub fn public() -> Self {
        Self {
            id: None,
            name: "public".into(),
        }
    }
}

impl From<&Caller> for Actor {
    fn from(c: &Caller) -> Self {
        Self {
            id: Some(c.user_id),
            name: c.username.clone(),
        }
    }
}

fn snapshot(v: &impl Serialize) -> Option<String> {
    let mut value = serde_json::to_value(v).ok()?;
    redact(&mut value);
    Some(value.to_string())
}

/// One change: `Change::new("update", "team", id).before(&old).after(&new)`.
#[derive(Debug, Clone)]
pub struct Change {
    action: String,
    entity: &'static str,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
}

impl Change {
    pub fn new(action: &str, entity: &'static str, entity_id: impl ToString) -> Self {
        Self {
            action: action.to_owned(),
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
        }
    }
    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.before = snapshot(v);
        self
    }
    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.after = snapshot(v);
        self
    }

    /// Writes the audit row, inside the caller's transaction.
    pub async fn record(self, db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> AppResult<()> {
        audit_log::ActiveModel {
            at: Set(now),
            actor_id: Set(actor.id),
            actor: Set(actor.name.clone()),
            action: Set(self.action),
            entity: Set(self.entity.to_owned()),
            entity_id: Set(self.entity_id),
            before: Set(self.before),
            after: Set(self.after),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

/// One audit entry as the admin reads it, the snapshots as JSON.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub row: audit_log::Model,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The audit log for the admin, newest first, optionally for one entity (and id). A stored
/// snapshot that is not JSON is an error (500, logged), never an empty one.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    entity: Option<String>,
    entity_id: Option<String>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<AuditEntry>, u64)> {
    let filter = AuditFilter {
        entity,
        entity_id,
        ..Default::default()
    };
    search(state, caller, &filter, offset, limit).await
}

/// Which entries of the log to read; every part optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// The actor's username (`system`, `public` for those without an account).
    pub actor: Option<String>,
    /// From this instant on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (exclusive).
    pub until: Option<DateTime<Utc>>,
}

/// The audit log for the admin, newest first, filtered by entity, actor and time.
pub async fn search(
    state: &AppState,
    caller: &Caller,
    filter: &AuditFilter,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<AuditEntry>, u64)> {
    caller.require(&[Role::Admin])?;
    let mut q = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(e) = &filter.entity {
        q = q.filter(audit_log::Column::Entity.eq(e.as_str()));
    }
    if let Some(id) = &filter.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id.as_str()));
    }
    if let Some(a) = &filter.actor {
        q = q.filter(audit_log::Column::Actor.eq(a.as_str()));
    }
    if let Some(t) = filter.from {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = filter.until {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    let total = q.clone().count(&state.db).await?;
    let rows = q.offset(offset).limit(limit).all(&state.db).await?;
    let parse = |s: Option<&String>| -> AppResult<Option<Value>> {
        s.map(|s| serde_json::from_str(s).map_err(AppError::internal))
            .transpose()
    };
    let items = rows
        .into_iter()
        .map(|row| {
            Ok(AuditEntry {
                before: parse(row.before.as_ref())?,
                after: parse(row.after.as_ref())?,
                row,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok((items, total))
}

/// The kinds of entity the log has entries for, by name (for the filter).
pub async fn entities(state: &AppState, caller: &Caller) -> AppResult<Vec<String>> {
    caller.require(&[Role::Admin])?;
    Ok(audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Entity)
        .distinct()
        .order_by_asc(audit_log::Column::Entity)
        .into_tuple()
        .all(&state.db)
        .await?)
}

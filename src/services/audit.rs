//! R-AUDIT: the append-only audit log. Every change writes one row in the same transaction
//! as the change itself: who, what, when, before/after. Secrets never enter it and personal
//! numbers are masked (R-PII).

use crate::services::row_counts::{self, Counted};
use crate::{
    authz::Caller,
    domain::audit_chain as chain,
    domain::pii::redact,
    domain::roles::Role,
    error::{AppError, AppResult},
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{audit_head, audit_log};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
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

    /// Writes the audit row, inside the caller's transaction, as the next link of the chain
    /// (R-AUDIT): the head row is locked (`FOR UPDATE` on PostgreSQL; SQLite has one writer), so
    /// concurrent writers append in one order.
    pub async fn record(self, db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> AppResult<()> {
        record_many(db, actor, now, vec![self]).await
    }
}

/// The id of the one `audit_head` row.
const HEAD: i32 = 1;

fn stored(row: &audit_log::Model) -> chain::Stored<'_> {
    chain::Stored {
        id: row.id,
        seq: row.seq,
        prev_hash: row.prev_hash.as_deref(),
        hash: row.hash.as_deref(),
        entry: chain::Entry {
            seq: row.seq.unwrap_or_default(),
            at: chain::instant_text(row.at),
            actor_id: row.actor_id,
            actor: &row.actor,
            action: &row.action,
            entity: &row.entity,
            entity_id: &row.entity_id,
            before: row.before.as_deref(),
            after: row.after.as_deref(),
        },
    }
}

/// Links the entries written before the chain existed (the head still at 0), in id order, once.
/// After that, an entry without a link is one written behind the service's back, and stays so.
pub async fn link_entries_before_the_chain(db: &DatabaseConnection) -> AppResult<u64> {
    let txn = db.begin().await?;
    let head = audit_head::Entity::find_by_id(HEAD)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("audit head missing"))?;
    if head.seq != 0 {
        return Ok(0);
    }
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Seq.is_null())
        .order_by_asc(audit_log::Column::Id)
        .all(&txn)
        .await?;
    let (mut prev, mut seq) = (head.hash, 0i64);
    for row in &rows {
        seq += 1;
        let mut s = stored(row);
        s.entry.seq = seq;
        let hash = chain::link_hash(&prev, &s.entry);
        audit_log::ActiveModel {
            id: Set(row.id),
            seq: Set(Some(seq)),
            prev_hash: Set(Some(prev.clone())),
            hash: Set(Some(hash.clone())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        prev = hash;
    }
    if seq > 0 {
        audit_head::ActiveModel {
            id: Set(HEAD),
            seq: Set(seq),
            hash: Set(prev),
        }
        .update(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(seq as u64)
}

/// The chain's state: intact (`broken` none) with the number of entries and the head's hash,
/// or the first broken link.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub ok: bool,
    pub count: u64,
    pub head_seq: i64,
    pub head_hash: String,
    pub broken: Option<chain::Break>,
}

/// Walks the whole chain (R-AUDIT) up to the head read first, a page of entries at a time;
/// entries appended meanwhile lie beyond that head and wait for the next check.
pub async fn verify(db: &impl TransactionTrait) -> AppResult<Verdict> {
    const PAGE: u64 = 5_000;
    let txn = db.begin().await?;
    let head = audit_head::Entity::find_by_id(HEAD)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("audit head missing"))?;
    let mut walker = chain::Walker::default();
    let verdict = |walker: &chain::Walker, broken: Option<chain::Break>| Verdict {
        ok: broken.is_none(),
        count: walker.count,
        head_seq: head.seq,
        head_hash: head.hash.clone(),
        broken,
    };
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gt(walker.seq))
            .filter(audit_log::Column::Seq.lte(head.seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(PAGE)
            .all(&txn)
            .await?;
        for row in &rows {
            if let Err(b) = walker.step(&stored(row)) {
                return Ok(verdict(&walker, Some(b)));
            }
        }
        if (rows.len() as u64) < PAGE {
            break;
        }
    }
    if let Some(row) = audit_log::Entity::find()
        .filter(audit_log::Column::Seq.is_null())
        .order_by_asc(audit_log::Column::Id)
        .one(&txn)
        .await?
    {
        let b = walker.step(&stored(&row)).err();
        return Ok(verdict(&walker, b));
    }
    let b = walker.finish(head.seq, &head.hash).err();
    Ok(verdict(&walker, b))
}

/// The admin's check of the chain (`GET /api/v1/audit/verify`).
pub async fn verify_for(state: &AppState, caller: &Caller) -> AppResult<Verdict> {
    caller.require(&[Role::Admin])?;
    let v = verify(&state.db).await?;
    if !v.ok {
        tracing::error!(event = "audit_chain_broken", broken = ?v.broken, "the audit chain is broken");
    }
    Ok(v)
}

/// Writes many audit rows at once (a bulk action: one row per object), inside the caller's
/// transaction: the head is locked once, the rows are linked in order (R-AUDIT) and inserted
/// in chunks of one multi-row INSERT each, then the head moves to the last.
pub async fn record_many(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    changes: Vec<Change>,
) -> AppResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let head = audit_head::Entity::find_by_id(HEAD)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("audit head missing"))?;
    let at = chain::stored_instant(now);
    let at_text = chain::instant_text(at);
    let (mut prev, mut seq) = (head.hash, head.seq);
    let mut rows = Vec::with_capacity(changes.len());
    for c in changes {
        seq += 1;
        let hash = chain::link_hash(
            &prev,
            &chain::Entry {
                seq,
                at: at_text.clone(),
                actor_id: actor.id,
                actor: &actor.name,
                action: &c.action,
                entity: c.entity,
                entity_id: &c.entity_id,
                before: c.before.as_deref(),
                after: c.after.as_deref(),
            },
        );
        rows.push(audit_log::ActiveModel {
            at: Set(at),
            actor_id: Set(actor.id),
            actor: Set(actor.name.clone()),
            action: Set(c.action),
            entity: Set(c.entity.to_owned()),
            entity_id: Set(c.entity_id),
            before: Set(c.before),
            after: Set(c.after),
            seq: Set(Some(seq)),
            prev_hash: Set(Some(std::mem::replace(&mut prev, hash.clone()))),
            hash: Set(Some(hash)),
            ..Default::default()
        });
    }
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        if chunk.is_empty() {
            break;
        }
        audit_log::Entity::insert_many(chunk).exec(db).await?;
    }
    audit_head::ActiveModel {
        id: Set(HEAD),
        seq: Set(seq),
        hash: Set(prev),
    }
    .update(db)
    .await?;
    Ok(())
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
    let whole_table = filter.entity.is_none()
        && filter.entity_id.is_none()
        && filter.actor.is_none()
        && filter.from.is_none()
        && filter.until.is_none();
    let total = if whole_table {
        row_counts::total(&state.read, Counted::AuditLog).await?
    } else {
        q.clone().count(&state.read).await?
    };
    let rows = q.offset(offset).limit(limit).all(&state.read).await?;
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

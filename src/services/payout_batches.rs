//! Payout batches and their payout sheet (SPEC "Subsidy disbursement").
//!
//! Finance groups pending payouts of a cycle into a batch (all of them by default); they become
//! `exported`. A payout is in at most one batch: the move is one conditional
//! `UPDATE … WHERE status = 'pending' AND batch_id IS NULL`, and a batch whose row count falls
//! short (someone else took a payout meanwhile) is rolled back.

use crate::{
    authz::Caller,
    domain::{
        cst_date,
        payout::{self, PayoutAction},
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    export::payout_sheet::{PayoutLine, PayoutSheet, build_payout_sheet},
    services::{
        audit::{Change, record_many},
        chunks::{chunks, fetch_in},
        payouts::{self as read, PayoutView},
    },
    state::AppState,
};
use entity::{cycles, payout_batches, payouts, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait, sea_query::Expr,
};
use serde::Serialize;

/// A batch with its payouts and its number within the cycle.
#[derive(Debug, Clone, Serialize)]
pub struct BatchView {
    pub batch: payout_batches::Model,
    /// `第N批`: the N-th batch of its cycle.
    pub label: String,
    pub number: u64,
    pub payout_ids: Vec<i32>,
}

fn batch_not_found() -> AppError {
    DomainError::not_found("发放批次", "payout batch").into()
}

fn empty_batch() -> AppError {
    DomainError::unprocessable(
        "empty_batch",
        "没有可加入批次的待发放款项",
        "there are no pending payouts to put in a batch",
    )
    .field("payout_ids")
    .into()
}

fn already_batched() -> AppError {
    DomainError::conflict(
        "payout_already_batched",
        "所选款项已在其他发放批次中",
        "a selected payout is already in a batch",
    )
    .field("payout_ids")
    .into()
}

async fn cycle(db: &impl ConnectionTrait, id: i32) -> AppResult<cycles::Model> {
    cycles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("评审周期", "cycle").into())
}

/// The payouts a new batch takes: every pending, unbatched payout of the cycle, or exactly
/// `ids` when given (each of that cycle, in no batch, pending).
async fn selection(
    db: &impl ConnectionTrait,
    cycle_id: i32,
    ids: Option<Vec<i32>>,
) -> AppResult<Vec<payouts::Model>> {
    let Some(mut ids) = ids else {
        return Ok(payouts::Entity::find()
            .filter(payouts::Column::CycleId.eq(cycle_id))
            .filter(payouts::Column::Status.is_in(PayoutAction::Batch.from_states()))
            .filter(payouts::Column::BatchId.is_null())
            .order_by_asc(payouts::Column::Id)
            .all(db)
            .await?);
    };
    ids.sort_unstable();
    ids.dedup();
    let mut rows = fetch_in(ids.clone(), |c| {
        payouts::Entity::find()
            .filter(payouts::Column::Id.is_in(c))
            .all(db)
    })
    .await?;
    rows.sort_by_key(|p| p.id);
    let of_cycle: std::collections::HashSet<i32> = rows
        .iter()
        .filter(|p| p.cycle_id == cycle_id)
        .map(|p| p.id)
        .collect();
    let foreign: Vec<String> = ids
        .iter()
        .filter(|id| !of_cycle.contains(id))
        .map(ToString::to_string)
        .collect();
    if !foreign.is_empty() {
        let list = foreign.join(", ");
        return Err(DomainError::unprocessable(
            "payout_not_in_cycle",
            format!("以下款项不属于该评审周期：{list}"),
            format!("not payouts of this cycle: {list}"),
        )
        .field("payout_ids")
        .into());
    }
    if rows.iter().any(|p| p.batch_id.is_some()) {
        return Err(already_batched());
    }
    for p in &rows {
        payout::transition(p.status, PayoutAction::Batch).map_err(|e| e.field("payout_ids"))?;
    }
    Ok(rows)
}

async fn number_in_cycle(db: &impl ConnectionTrait, b: &payout_batches::Model) -> AppResult<u64> {
    Ok(payout_batches::Entity::find()
        .filter(payout_batches::Column::CycleId.eq(b.cycle_id))
        .filter(payout_batches::Column::Id.lte(b.id))
        .count(db)
        .await?)
}

async fn batch_view(db: &impl ConnectionTrait, batch: payout_batches::Model) -> AppResult<BatchView> {
    let payout_ids = payouts::Entity::find()
        .select_only()
        .column(payouts::Column::Id)
        .filter(payouts::Column::BatchId.eq(batch.id))
        .order_by_asc(payouts::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let number = number_in_cycle(db, &batch).await?;
    Ok(BatchView {
        label: payout::batch_label(number),
        number,
        batch,
        payout_ids,
    })
}

/// Makes a batch of pending payouts of a cycle (all of them when `payout_ids` is `None`).
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn create(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
    payout_ids: Option<Vec<i32>>,
) -> AppResult<BatchView> {
    caller.require(&[Role::Finance])?;
    let now = state.now();
    if payout_ids.as_ref().is_some_and(Vec::is_empty) {
        return Err(empty_batch());
    }
    let txn = state.db.begin().await?;
    cycle(&txn, cycle_id).await?;
    let chosen = selection(&txn, cycle_id, payout_ids).await?;
    if chosen.is_empty() {
        return Err(empty_batch());
    }
    let total_fen = chosen
        .iter()
        .try_fold(0_i64, |t, p| t.checked_add(p.amount_fen))
        .ok_or_else(|| AppError::internal("batch total overflows i64 fen"))?;
    let batch = payout_batches::ActiveModel {
        cycle_id: Set(cycle_id),
        created_by: Set(caller.user_id),
        total_fen: Set(total_fen),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let ids: Vec<i32> = chosen.iter().map(|p| p.id).collect();
    // In chunks: a batch of 100,000 payouts is more ids than one statement may bind.
    let exported = payout::transition(payout::INITIAL, PayoutAction::Batch)?;
    let mut moved = 0;
    for chunk in chunks(ids.clone()) {
        moved += payouts::Entity::update_many()
            .col_expr(payouts::Column::Status, Expr::value(exported))
            .col_expr(payouts::Column::BatchId, Expr::value(batch.id))
            .col_expr(payouts::Column::UpdatedAt, Expr::value(now))
            .filter(payouts::Column::Id.is_in(chunk))
            .filter(payouts::Column::Status.is_in(PayoutAction::Batch.from_states()))
            .filter(payouts::Column::BatchId.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if moved != ids.len() as u64 {
        // A concurrent batch (or state change) took some of them first.
        return Err(already_batched());
    }
    let mut after = fetch_in(ids, |c| {
        payouts::Entity::find()
            .filter(payouts::Column::Id.is_in(c))
            .all(&txn)
    })
    .await?;
    after.sort_by_key(|p| p.id);
    let view = batch_view(&txn, batch).await?;
    let mut changes = vec![Change::new("create", "payout_batch", view.batch.id).after(&view)];
    changes.extend(chosen.iter().zip(&after).map(|(before, after)| {
        Change::new("export", "payout", after.id)
            .before(before)
            .after(after)
    }));
    record_many(&txn, &caller.into(), now, changes).await?;
    txn.commit().await?;
    Ok(view)
}

/// A batch (finance and the admin).
pub async fn get(state: &AppState, caller: &Caller, id: i32) -> AppResult<BatchView> {
    caller.require(&read::READERS)?;
    let batch = payout_batches::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(batch_not_found)?;
    batch_view(&state.db, batch).await
}

/// A batch with its payouts, in id order (finance and the admin; accounts as the caller may
/// see them, R-PII).
pub async fn with_lines(
    state: &AppState,
    caller: &Caller,
    id: i32,
) -> AppResult<(BatchView, Vec<PayoutView>)> {
    let view = get(state, caller, id).await?;
    let rows = payouts::Entity::find()
        .filter(payouts::Column::BatchId.eq(id))
        .order_by_asc(payouts::Column::Id)
        .all(&state.db)
        .await?;
    let lines = read::views(&state.db, rows)
        .await?
        .into_iter()
        .map(|v| v.for_caller(caller))
        .collect();
    Ok((view, lines))
}

/// Batches, oldest first (finance and the admin). A cycle has a handful of batches, so each is
/// completed with its own two small queries.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    cycle_id: Option<i32>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<BatchView>, u64)> {
    caller.require(&read::READERS)?;
    let mut q = payout_batches::Entity::find().order_by_asc(payout_batches::Column::Id);
    if let Some(c) = cycle_id {
        q = q.filter(payout_batches::Column::CycleId.eq(c));
    }
    let total = q.clone().count(&state.db).await?;
    let mut items = Vec::new();
    for b in q.offset(offset).limit(limit).all(&state.db).await? {
        items.push(batch_view(&state.db, b).await?);
    }
    Ok((items, total))
}

/// The downloaded payout sheet.
pub struct SheetFile {
    /// Chinese file name, e.g. `2026年度奖补资金发放表-第1批.xlsx`.
    pub file_name: String,
    /// ASCII fallback, e.g. `payout-batch-1.xlsx`.
    pub ascii_file_name: String,
    pub bytes: Vec<u8>,
}

/// Builds the batch's xlsx payout sheet (finance) and records who downloaded it (R-AUDIT).
#[tracing::instrument(skip_all, fields(batch_id = id))]
pub async fn sheet(state: &AppState, caller: &Caller, id: i32) -> AppResult<SheetFile> {
    caller.require(&[Role::Finance])?;
    let now = state.now();
    let db = &state.db;
    let batch = payout_batches::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(batch_not_found)?;
    let year = cycle(db, batch.cycle_id).await?.year;
    let number = number_in_cycle(db, &batch).await?;
    let rows = payouts::Entity::find()
        .filter(payouts::Column::BatchId.eq(id))
        .order_by_asc(payouts::Column::Id)
        .all(db)
        .await?;
    let lines: Vec<PayoutLine> = read::views(db, rows)
        .await?
        .into_iter()
        .map(|v| PayoutLine {
            team_name: v.team_name,
            unit_name: v.unit_name,
            project_name: v.project_name,
            tier: v.tier,
            amount_fen: v.amount_fen,
            bank_name: v.bank_name,
            account_no: v.account_no,
            account_name: v.account_name,
            account_name_differs: v.account_name_differs,
        })
        .collect();
    let prepared_by = users::Entity::find_by_id(caller.user_id)
        .one(db)
        .await?
        .map_or_else(|| caller.username.clone(), |u| u.display_name);
    let payout_count = lines.len();
    let sheet = PayoutSheet {
        year,
        batch_label: payout::batch_label(number),
        lines,
        prepared_by,
        date: cst_date(now),
    };
    let bytes = tokio::task::spawn_blocking(move || build_payout_sheet(&sheet))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let file = SheetFile {
        file_name: payout::sheet_file_name(year, number),
        ascii_file_name: payout::sheet_ascii_file_name(id),
        bytes,
    };
    let txn = state.db.begin().await?;
    Change::new("download_sheet", "payout_batch", id)
        .after(&serde_json::json!({
            "file_name": file.file_name,
            "payout_count": payout_count,
            "total_fen": batch.total_fen,
            "bytes": file.bytes.len(),
        }))
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(file)
}

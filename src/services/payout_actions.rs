//! What finance records about a payout: paid (R-NOPAY2, idempotent), failed, reissued.
//!
//! Every guard is a statement the database decides, never a read followed by a write: state
//! changes are conditional `UPDATE … WHERE status IN (…)` checked by their row count (on
//! PostgreSQL a concurrent writer waits for the row lock, then re-checks the condition on the
//! committed row), `payments.award_id` is unique (one payment per award), and the partial index
//! `ux_payouts_live_award` allows one not-failed payout per award. A unique violation is the
//! loser of a race and answers 409, never 500.

use crate::{
    authz::Caller,
    domain::{
        bank::{BankAccount, BankFields},
        cst_date,
        idempotency::{IdempotencyKey, request_hash},
        payout::{self, PayoutAction},
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        audit::Change,
        idempotency::{self, Begin, Stored},
        payouts::{self as read, PayoutView},
    },
    state::AppState,
};
use chrono::NaiveDate;
use entity::{awards, payments, payouts};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
    sea_query::Expr,
};

/// The answer to "mark paid": the payout, and whether it is a stored answer given again.
#[derive(Debug, Clone)]
pub struct Paid {
    pub payout: PayoutView,
    pub replayed: bool,
}

/// What a payment records.
pub struct PaymentIn {
    pub paid_on: NaiveDate,
    pub bank_reference: String,
}

/// After a conditional update touched no row: why not (404, 409 `already_paid`, 409 `payout_state`).
async fn refused(db: &impl ConnectionTrait, id: i32, action: PayoutAction) -> AppError {
    match read::find(db, id).await {
        Ok(p) => payout::transition(p.status, action)
            .err()
            .map(AppError::from)
            .unwrap_or_else(|| AppError::internal("conditional update refused an allowed transition")),
        Err(e) => e,
    }
}

/// R-NOPAY2: records the payment of a payout, once. The same key with the same request gets
/// the stored answer; a key used for another request is 422 `idempotency_key_reused`; a paid
/// payout is 409 `already_paid` for any new key.
#[tracing::instrument(skip_all, fields(payout_id = id))]
pub async fn mark_paid(
    state: &AppState,
    caller: &Caller,
    id: i32,
    key: &IdempotencyKey,
    input: PaymentIn,
) -> AppResult<Paid> {
    caller.require(&[Role::Finance])?;
    let now = state.now();
    let bank_reference = text::required("bank_reference", &input.bank_reference, 100)?;
    crate::domain::plausible::date("paid_on", input.paid_on)?;
    if input.paid_on > cst_date(now) {
        return Err(DomainError::invalid(
            "paid_on",
            "支付日期不能晚于今天",
            "paid_on cannot be in the future",
        )
        .into());
    }
    let paid_on = input.paid_on;
    let hash = request_hash(&[
        "mark_paid",
        &id.to_string(),
        &paid_on.to_string(),
        &bank_reference,
    ]);

    let txn = state.db.begin().await?;
    // 1. The key first: from here on a concurrent twin waits for this transaction.
    if let Begin::Replay(stored) = idempotency::begin(&txn, caller.user_id, key, &hash, now).await? {
        txn.rollback().await?;
        let payout = serde_json::from_str(&stored.body).map_err(AppError::internal)?;
        return Ok(Paid {
            payout,
            replayed: true,
        });
    }
    let before = read::find(&txn, id).await?;
    let award = awards::Entity::find_by_id(before.award_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("payout without its award"))?;
    // R-NOPAY2: never more paid than awarded.
    if before.amount_fen > award.amount_fen {
        return Err(AppError::internal("payout amount exceeds its award"));
    }
    // 2. The state change, decided by the database.
    let to = payout::transition(before.status, PayoutAction::MarkPaid)?;
    let changed = payouts::Entity::update_many()
        .col_expr(payouts::Column::Status, Expr::value(to))
        .col_expr(payouts::Column::PaidOn, Expr::value(paid_on))
        .col_expr(
            payouts::Column::BankReference,
            Expr::value(bank_reference.clone()),
        )
        .col_expr(payouts::Column::UpdatedAt, Expr::value(now))
        .filter(payouts::Column::Id.eq(id))
        .filter(payouts::Column::Status.is_in(PayoutAction::MarkPaid.from_states()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(refused(&txn, id, PayoutAction::MarkPaid).await);
    }
    // 3. The payment: unique per award and per payout.
    payments::ActiveModel {
        award_id: Set(before.award_id),
        payout_id: Set(id),
        amount_fen: Set(before.amount_fen),
        paid_on: Set(paid_on),
        bank_reference: Set(bank_reference),
        recorded_by: Set(caller.user_id),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, payout::already_paid))?;
    let after = read::find(&txn, id).await?;
    Change::new("mark_paid", "payout", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    let view = read::view(&txn, after).await?;
    // 4. The answer, stored under the key before the commit.
    let body = serde_json::to_string(&view).map_err(AppError::internal)?;
    idempotency::save(&txn, caller.user_id, key, Stored { status: 200, body }).await?;
    txn.commit().await?;
    Ok(Paid {
        payout: view,
        replayed: false,
    })
}

/// The bank transfer failed: `pending`/`exported` → `failed`, with the reason.
#[tracing::instrument(skip_all, fields(payout_id = id))]
pub async fn mark_failed(state: &AppState, caller: &Caller, id: i32, reason: &str) -> AppResult<PayoutView> {
    caller.require(&[Role::Finance])?;
    let now = state.now();
    let reason = text::required_multiline("reason", reason, 500)?;
    let txn = state.db.begin().await?;
    let before = read::find(&txn, id).await?;
    let to = payout::transition(before.status, PayoutAction::MarkFailed)?;
    let changed = payouts::Entity::update_many()
        .col_expr(payouts::Column::Status, Expr::value(to))
        .col_expr(payouts::Column::FailureReason, Expr::value(reason))
        .col_expr(payouts::Column::UpdatedAt, Expr::value(now))
        .filter(payouts::Column::Id.eq(id))
        .filter(payouts::Column::Status.is_in(PayoutAction::MarkFailed.from_states()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(refused(&txn, id, PayoutAction::MarkFailed).await);
    }
    let after = read::find(&txn, id).await?;
    Change::new("mark_failed", "payout", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    let view = read::view(&txn, after).await?;
    txn.commit().await?;
    Ok(view)
}

/// A failed payout is reissued as a new `pending` payout of the same award to a corrected
/// account; the failed one stays, linked by `reissue_of`. 409 `already_reissued` when the
/// award already has a live payout (the partial unique index decides under concurrency).
#[tracing::instrument(skip_all, fields(payout_id = id))]
pub async fn reissue(state: &AppState, caller: &Caller, id: i32, bank: BankFields) -> AppResult<PayoutView> {
    caller.require(&[Role::Finance])?;
    let now = state.now();
    let BankAccount {
        bank_name,
        account_no,
        account_name,
    } = bank.parse()?;
    let txn = state.db.begin().await?;
    let failed = read::find(&txn, id).await?;
    payout::transition(failed.status, PayoutAction::Reissue)?;
    let earlier = payouts::Entity::find()
        .filter(payouts::Column::ReissueOf.eq(id))
        .one(&txn)
        .await?;
    if earlier.is_some() {
        return Err(payout::already_reissued().into());
    }
    let award = awards::Entity::find_by_id(failed.award_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("payout without its award"))?;
    let new = payouts::ActiveModel {
        award_id: Set(award.id),
        cycle_id: Set(failed.cycle_id),
        application_id: Set(failed.application_id),
        team_id: Set(failed.team_id),
        tier: Set(award.tier),
        amount_fen: Set(award.amount_fen),
        bank_name: Set(bank_name),
        account_no: Set(account_no.into_inner()),
        account_name: Set(account_name),
        status: Set(payout::INITIAL),
        reissue_of: Set(Some(id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, payout::already_reissued))?;
    Change::new("reissue", "payout", new.id)
        .before(&failed)
        .after(&new)
        .record(&txn, &caller.into(), now)
        .await?;
    let view = read::view(&txn, new).await?;
    txn.commit().await?;
    Ok(view)
}

//! The cycle a review action works on, and its state gate: the action's transition
//! (`domain::cycle::transition`) moves the cycle with one conditional update, so two concurrent
//! actions cannot both pass the gate (on PostgreSQL the second waits for the first's row lock
//! and then finds the state changed).

use crate::{
    domain::cycle::{self, CycleAction, CycleStatus},
    error::{AppError, AppResult, DomainError},
};
use entity::cycles;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

pub async fn find_cycle(db: &impl ConnectionTrait, id: i32) -> AppResult<cycles::Model> {
    cycles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("评审周期", "cycle").into())
}

/// The cycle's state, when `action` may run in it; 409 `cycle_state` otherwise.
pub fn require(c: &cycles::Model, action: CycleAction) -> AppResult<CycleStatus> {
    cycle::transition(c.status, action)?;
    Ok(c.status)
}

/// Moves the cycle by `action` from any state it may start from (the target may equal the
/// state: the update then only takes the row lock); 409 `cycle_state` when the cycle is in
/// none of them by now.
pub async fn transition(
    db: &impl ConnectionTrait,
    cycle_id: i32,
    action: CycleAction,
) -> AppResult<CycleStatus> {
    let from = action.from_states();
    // Each review action leads to one state from wherever it starts (a domain test holds this).
    let first = *from
        .first()
        .ok_or_else(|| AppError::internal("a cycle action without a starting state"))?;
    let to = cycle::transition(first, action)?;
    let res = cycles::Entity::update_many()
        .col_expr(cycles::Column::Status, Expr::value(to))
        .filter(cycles::Column::Id.eq(cycle_id))
        .filter(cycles::Column::Status.is_in(from))
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        return Ok(to);
    }
    let now = find_cycle(db, cycle_id).await?;
    Err(cycle::transition(now.status, action)
        .err()
        .map(AppError::from)
        .unwrap_or_else(|| AppError::internal("conditional update refused an allowed transition")))
}

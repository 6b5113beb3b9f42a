//! The cycle a review action works on, and its state gate: each action names the states it
//! may run in and moves the cycle with one conditional update, so two concurrent actions
//! cannot both pass the gate (on PostgreSQL the second waits for the first's row lock and then
//! finds the state changed).

use crate::{
    domain::{cycle::CycleStatus, publicity::cycle_state},
    error::{AppResult, DomainError},
};
use entity::cycles;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

pub async fn find_cycle(db: &impl ConnectionTrait, id: i32) -> AppResult<cycles::Model> {
    cycles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("评审周期", "cycle").into())
}

/// What an action is called in the `cycle_state` error.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    pub zh: &'static str,
    pub en: &'static str,
}

/// 409 `cycle_state` unless the cycle is in one of `from`.
pub fn require(c: &cycles::Model, from: &[CycleStatus], action: Action) -> AppResult<CycleStatus> {
    let status = c.status;
    if from.contains(&status) {
        Ok(status)
    } else {
        Err(cycle_state(action.zh, action.en).into())
    }
}

/// Moves the cycle from one of `from` to `to` (which may equal its state: the update then only
/// takes the row lock); 409 `cycle_state` when it is in none of `from` by now.
pub async fn transition(
    db: &impl ConnectionTrait,
    cycle_id: i32,
    from: &[CycleStatus],
    to: CycleStatus,
    action: Action,
) -> AppResult<()> {
    let res = cycles::Entity::update_many()
        .col_expr(cycles::Column::Status, Expr::value(to))
        .filter(cycles::Column::Id.eq(cycle_id))
        .filter(cycles::Column::Status.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(cycle_state(action.zh, action.en).into())
    }
}

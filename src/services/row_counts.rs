//! Totals of whole tables without counting them (issue 19): the `row_counts` row the database's
//! triggers keep exact. An unfiltered list (the association's) reads its total here; a filtered
//! or scoped one counts what it matches.

use crate::error::{AppError, AppResult};
use entity::row_counts;
use sea_orm::{ConnectionTrait, EntityTrait};

/// The tables with a kept count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Activities,
    Applications,
    Payouts,
    AuditLog,
}

impl Counted {
    fn table(self) -> &'static str {
        match self {
            Counted::Activities => "activities",
            Counted::Applications => "applications",
            Counted::Payouts => "payouts",
            Counted::AuditLog => "audit_log",
        }
    }
}

/// The number of rows of `table`, as of the reader's snapshot.
pub async fn total(db: &impl ConnectionTrait, table: Counted) -> AppResult<u64> {
    let row = row_counts::Entity::find_by_id(table.table().to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("row_counts has no row for {}", table.table())))?;
    u64::try_from(row.n).map_err(AppError::internal)
}

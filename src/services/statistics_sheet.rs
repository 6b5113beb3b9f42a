//! The statistics workbook (R-STAT): every grouping, scoped as the JSON statistics.

use crate::{
    authz::Caller,
    domain::statistics::{GroupBy, check_year},
    error::{AppError, AppResult},
    export::statistics_sheet::build_statistics_workbook,
    services::statistics::{access, compute_for},
    state::AppState,
};

/// The xlsx bytes of `year`'s statistics as `caller` may see them.
#[tracing::instrument(skip_all, fields(year))]
pub async fn workbook(state: &AppState, caller: &Caller, year: i32) -> AppResult<Vec<u8>> {
    let access = access(caller)?;
    let year = check_year(year)?;
    let mut all = Vec::with_capacity(GroupBy::ALL.len());
    for g in GroupBy::ALL {
        all.push(compute_for(&state.read, &access, year, g).await?);
    }
    tokio::task::spawn_blocking(move || build_statistics_workbook(&all))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

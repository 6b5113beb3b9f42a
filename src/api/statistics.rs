//! Statistics (R-STAT): the year's figures per district, unit, team, category or month, and the
//! workbook with native charts. Scope: see `services::statistics`.

use super::{ApiTags, BearerAuth, download};
use crate::{
    domain::statistics::{Figures, Group, GroupBy, Statistics, current_year},
    error::ApiResult,
    services::statistics,
    state::AppState,
};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::Query,
    payload::{Binary, Json},
};

pub struct StatisticsApi {
    pub state: AppState,
}

/// Awards per tier.
#[derive(Object)]
pub struct StatTierCountsOut {
    /// 一等奖.
    pub first: i64,
    /// 二等奖.
    pub second: i64,
    /// 三等奖.
    pub third: i64,
}

/// The figures of one group or of the total; null where the caller may not see a figure
/// (finance: activity figures) or it does not belong to the grouping (category and month:
/// applications, awards, money).
#[derive(Object)]
pub struct StatFiguresOut {
    /// Teams with at least one registered (not cancelled) activity in the year. Adds up over
    /// districts, units and teams; a team active in two categories or months counts in both.
    #[oai(nullable)]
    pub active_teams: Option<i64>,
    /// Activities planned to start in the year (CST), not cancelled.
    #[oai(nullable)]
    pub activities_registered: Option<i64>,
    /// Of those, registered at least 24 hours before their planned start.
    #[oai(nullable)]
    pub registered_early: Option<i64>,
    /// `registered_early / activities_registered`, 0–1 (null without activities).
    #[oai(nullable)]
    pub registered_early_share: Option<f64>,
    /// Reported activities.
    #[oai(nullable)]
    pub activities_reported: Option<i64>,
    /// 场次, from the reports.
    #[oai(nullable)]
    pub sessions: Option<i64>,
    /// 服务对象人数, from the reports.
    #[oai(nullable)]
    pub people_served: Option<i64>,
    /// Volunteer participations (the reports' volunteer counts, summed).
    #[oai(nullable)]
    pub volunteer_participations: Option<i64>,
    /// Submitted applications to the year's cycle.
    #[oai(nullable)]
    pub applications: Option<i64>,
    /// Awards of the year's cycle, per tier.
    #[oai(nullable)]
    pub awards: Option<StatTierCountsOut>,
    /// Subsidy awarded in the year's cycle (fen).
    #[oai(nullable)]
    pub subsidy_awarded_fen: Option<i64>,
    /// Subsidy paid so far for the year's cycle (fen).
    #[oai(nullable)]
    pub subsidy_paid_fen: Option<i64>,
}

impl From<&Figures> for StatFiguresOut {
    fn from(f: &Figures) -> Self {
        Self {
            active_teams: f.active_teams,
            activities_registered: f.activities_registered,
            registered_early: f.registered_early,
            registered_early_share: f.early_share(),
            activities_reported: f.activities_reported,
            sessions: f.sessions,
            people_served: f.people_served,
            volunteer_participations: f.volunteer_participations,
            applications: f.applications,
            awards: f.awards.map(|a| StatTierCountsOut {
                first: a.first,
                second: a.second,
                third: a.third,
            }),
            subsidy_awarded_fen: f.subsidy_awarded_fen,
            subsidy_paid_fen: f.subsidy_paid_fen,
        }
    }
}

/// One group.
#[derive(Object)]
pub struct StatGroupOut {
    /// A unit or team id, a category name, a month 1–12, or `none` (units under no district).
    pub key: String,
    /// The district's, unit's or team's name, the category, or `3月`.
    pub label: String,
    pub figures: StatFiguresOut,
}

#[derive(Object)]
pub struct StatisticsOut {
    pub year: i32,
    pub group_by: GroupBy,
    /// Finance: only awards and money are given.
    pub money_only: bool,
    pub groups: Vec<StatGroupOut>,
    /// The same figures over everything the caller sees (computed on its own, not summed).
    pub total: StatFiguresOut,
}

impl From<Statistics> for StatisticsOut {
    fn from(s: Statistics) -> Self {
        Self {
            year: s.year,
            group_by: s.group_by,
            money_only: s.money_only,
            groups: s
                .groups
                .iter()
                .map(|g: &Group| StatGroupOut {
                    key: g.key.clone(),
                    label: g.label.clone(),
                    figures: (&g.figures).into(),
                })
                .collect(),
            total: (&s.total).into(),
        }
    }
}

#[derive(ApiResponse)]
pub enum StatisticsSheetResponse {
    /// The workbook: a sheet per grouping with totals, and native charts.
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    Ok(Binary<Vec<u8>>, #[oai(header = "Content-Disposition")] String),
}

#[OpenApi]
impl StatisticsApi {
    /// 统计 / Statistics of a year
    ///
    /// Per district, unit, team, category or month: teams, activities (and those registered
    /// ≥ 24 h ahead), reports, sessions, people served, volunteers, applications, awards per
    /// tier, subsidy awarded and paid. Admin: everything; district: its units; unit: its teams;
    /// team: itself; finance: money figures only; expert: 403. `year` defaults to the current
    /// one (CST); outside 2000–2100: 422 `invalid_value`.
    #[oai(
        path = "/api/v1/statistics",
        method = "get",
        operation_id = "get_statistics",
        tag = "ApiTags::Statistics"
    )]
    async fn get(
        &self,
        auth: BearerAuth,
        year: Query<Option<i32>>,
        group_by: Query<Option<GroupBy>>,
    ) -> ApiResult<Json<StatisticsOut>> {
        let caller = self.state.caller(&auth).await?;
        let year = year.0.unwrap_or_else(|| current_year(self.state.now()));
        let group_by = group_by.0.unwrap_or(GroupBy::District);
        Ok(Json(
            statistics::compute(&self.state, &caller, year, group_by)
                .await?
                .into(),
        ))
    }

    /// 统计表 / Statistics workbook (xlsx)
    ///
    /// A sheet per grouping with totals, and native Excel charts: activities and people served
    /// by district (bar), activities by month (line), awards by tier (column). Scoped as
    /// `GET /statistics`.
    #[oai(
        path = "/api/v1/statistics.xlsx",
        method = "get",
        operation_id = "download_statistics",
        tag = "ApiTags::Statistics"
    )]
    async fn sheet(&self, auth: BearerAuth, year: Query<Option<i32>>) -> ApiResult<StatisticsSheetResponse> {
        let caller = self.state.caller(&auth).await?;
        let year = year.0.unwrap_or_else(|| current_year(self.state.now()));
        let bytes = crate::services::statistics_sheet::workbook(&self.state, &caller, year).await?;
        let disposition = download::attachment(
            &format!("statistics-{year}.xlsx"),
            &format!("{year}年度统计.xlsx"),
        );
        Ok(StatisticsSheetResponse::Ok(Binary(bytes), disposition))
    }
}

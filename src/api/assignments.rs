//! Expert assignments (R-COI): automatic per cycle, manual per application, listing, removal.

use super::{ApiTags, BearerAuth, Created, List, out_time};
use crate::{
    error::ApiResult,
    services::review::assignments::{self, AssignmentView},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct AssignmentsApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct AssignmentIn {
    /// A user with role `expert`, not of the application's unit (R-COI).
    pub expert_id: i32,
}

#[derive(Object)]
pub struct AssignmentOut {
    pub id: i32,
    pub application_id: i32,
    pub expert_id: i32,
    /// The expert's display name.
    pub expert_name: String,
    pub cycle_id: i32,
    pub project_name: String,
    /// The applying team's name.
    pub team_name: String,
    /// Whether the expert has scored this application.
    pub scored: bool,
    /// Objective figures of the counted activities: sessions (场次).
    pub sessions: i64,
    /// Objective figures of the counted activities: people served (服务对象人数).
    pub people_served: i64,
    /// Number of counted (reported) activities.
    pub counted_activities: i64,
    pub created_at: DateTime<FixedOffset>,
}

impl From<AssignmentView> for AssignmentOut {
    fn from(v: AssignmentView) -> Self {
        let a = v.assignment;
        Self {
            id: a.id,
            application_id: a.application_id,
            expert_id: a.expert_id,
            expert_name: v.expert_name,
            cycle_id: a.cycle_id,
            project_name: v.project_name,
            team_name: v.team_name,
            scored: v.scored,
            sessions: v.figures.sessions,
            people_served: v.figures.people_served,
            counted_activities: v.figures.activities,
            created_at: out_time(a.created_at),
        }
    }
}

/// 204 once removed.
#[derive(ApiResponse)]
pub enum Removed {
    /// Removed.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi]
impl AssignmentsApi {
    /// 自动分配评审专家 / Assign experts to every accepted application of a cycle (admin)
    ///
    /// Each application gets the cycle's reviewers per application, never an expert of its own
    /// unit (R-COI), with the load as even as the conflicts allow. Only while the cycle is
    /// `reviewing` (409 `cycle_state`). 422 `assignment_infeasible` names the applications that
    /// cannot be covered; nothing is assigned then. Answers the new assignments.
    #[oai(
        path = "/api/v1/cycles/:id/assignments/auto",
        method = "post",
        operation_id = "auto_assign_experts",
        tag = "ApiTags::Review"
    )]
    async fn auto(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<List<AssignmentOut>>> {
        let caller = self.state.caller(&auth).await?;
        let items = assignments::auto_assign(&self.state, &caller, id.0).await?;
        Ok(Json(List {
            total: items.len() as u64,
            items: items.into_iter().map(Into::into).collect(),
        }))
    }

    /// 指定评审专家 / Assign one expert to an accepted application (admin)
    ///
    /// 422 `conflict_of_interest` (R-COI), 422 `not_an_expert`, 409 `already_assigned`,
    /// 409 `application_not_accepted`, 409 `cycle_state`.
    #[oai(
        path = "/api/v1/applications/:id/assignments",
        method = "post",
        operation_id = "assign_expert",
        tag = "ApiTags::Review"
    )]
    async fn assign(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<AssignmentIn>,
    ) -> ApiResult<Created<AssignmentOut>> {
        let caller = self.state.caller(&auth).await?;
        let v = assignments::assign_one(&self.state, &caller, id.0, body.0.expert_id).await?;
        Ok(Created::Created(Json(v.into())))
    }

    /// 评审分配列表 / List assignments (an expert their own, the admin all)
    #[oai(
        path = "/api/v1/assignments",
        method = "get",
        operation_id = "list_assignments",
        tag = "ApiTags::Review"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        cycle_id: Query<Option<i32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<AssignmentOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) =
            assignments::list(&self.state, &caller, cycle_id.0, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 撤销评审分配 / Remove an assignment while its expert has not scored (admin)
    ///
    /// 409 `already_scored`, 409 `cycle_state`.
    #[oai(
        path = "/api/v1/assignments/:id",
        method = "delete",
        operation_id = "remove_assignment",
        tag = "ApiTags::Review"
    )]
    async fn remove(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Removed> {
        let caller = self.state.caller(&auth).await?;
        assignments::remove(&self.state, &caller, id.0).await?;
        Ok(Removed::NoContent)
    }
}

//! Teams (科技志愿服务队).

use super::{ApiTags, BearerAuth, Created, List, out_time};
use crate::{
    authz::Caller,
    domain::pii,
    error::ApiResult,
    services::orgs::{self, TeamFields},
    state::AppState,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::teams;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct TeamsApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct TeamIn {
    /// Registered team name, unique.
    pub name: String,
    pub unit_id: i32,
    /// 成立时间: 2000-01-01 … 2100-12-31, not in the future.
    pub founded_on: NaiveDate,
    /// 注册科技志愿者人数, 0 … 1,000,000.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub volunteer_count: i64,
    /// 大美志愿 platform registration number; may be empty until registered (applying needs it).
    #[oai(nullable)]
    pub platform_id: Option<String>,
    pub leader_name: String,
    /// 11-digit mobile (R-MOBILE).
    pub leader_mobile: String,
}

#[derive(Object)]
pub struct TeamPatch {
    #[oai(nullable)]
    pub name: Option<String>,
    /// Admin only.
    #[oai(nullable)]
    pub unit_id: Option<i32>,
    /// 2000-01-01 … 2100-12-31, not in the future.
    #[oai(nullable)]
    pub founded_on: Option<NaiveDate>,
    /// 0 … 1,000,000.
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub volunteer_count: Option<i64>,
    /// An empty string clears it.
    #[oai(nullable)]
    pub platform_id: Option<String>,
    #[oai(nullable)]
    pub leader_name: Option<String>,
    #[oai(nullable)]
    pub leader_mobile: Option<String>,
}

#[derive(Debug, Object)]
pub struct TeamOut {
    pub id: i32,
    pub name: String,
    pub unit_id: i32,
    pub founded_on: NaiveDate,
    pub volunteer_count: i32,
    #[oai(nullable)]
    pub platform_id: Option<String>,
    pub leader_name: String,
    /// Full for the admin, the team itself and its unit/district; masked otherwise (R-PII).
    pub leader_mobile: String,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// The team's former names, oldest first (issue 18.3); filled on `GET /teams/{id}`,
    /// empty in lists.
    pub former_names: Vec<TeamFormerNameOut>,
}

/// A name the team carried before a rename.
#[derive(Debug, Object)]
pub struct TeamFormerNameOut {
    pub name: String,
    /// When the team stopped carrying it.
    pub until: DateTime<FixedOffset>,
}

impl TeamOut {
    pub fn new(t: teams::Model, caller: &Caller) -> Self {
        Self {
            id: t.id,
            name: t.name,
            unit_id: t.unit_id,
            founded_on: t.founded_on,
            volunteer_count: t.volunteer_count,
            platform_id: t.platform_id,
            leader_name: t.leader_name,
            leader_mobile: pii::mobile_for(Some(caller.role), t.leader_mobile),
            created_at: out_time(t.created_at),
            updated_at: out_time(t.updated_at),
            former_names: vec![],
        }
    }
}

#[OpenApi]
impl TeamsApi {
    /// 创建服务队 / Create a team (admin)
    ///
    /// 409 `duplicate_name`; 422 `invalid_mobile`.
    #[oai(
        path = "/api/v1/teams",
        method = "post",
        operation_id = "create_team",
        tag = "ApiTags::Organisations"
    )]
    async fn create(&self, auth: BearerAuth, body: Json<TeamIn>) -> ApiResult<Created<TeamOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = TeamFields {
            name: Some(b.name),
            unit_id: Some(b.unit_id),
            founded_on: Some(b.founded_on),
            volunteer_count: Some(b.volunteer_count),
            platform_id: Some(b.platform_id.unwrap_or_default()),
            leader_name: Some(b.leader_name),
            leader_mobile: Some(b.leader_mobile),
        };
        let team = orgs::create_team(&self.state, &caller, f).await?;
        Ok(Created::Created(Json(TeamOut::new(team, &caller))))
    }

    /// 服务队列表 / List teams (scoped)
    #[oai(
        path = "/api/v1/teams",
        method = "get",
        operation_id = "list_teams",
        tag = "ApiTags::Organisations"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        unit_id: Query<Option<i32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<TeamOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) =
            orgs::list_teams(&self.state, &caller, unit_id.0, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(|t| TeamOut::new(t, &caller)).collect(),
            total,
        }))
    }

    /// 服务队详情 / Get a team (scoped)
    #[oai(
        path = "/api/v1/teams/:id",
        method = "get",
        operation_id = "get_team",
        tag = "ApiTags::Organisations"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<TeamOut>> {
        let caller = self.state.caller(&auth).await?;
        let team = orgs::get_team(&self.state, &caller, id.0).await?;
        let former = orgs::former_names(&self.state.read, team.id).await?;
        let mut out = TeamOut::new(team, &caller);
        out.former_names = former
            .into_iter()
            .map(|f| TeamFormerNameOut {
                name: f.name,
                until: out_time(f.until),
            })
            .collect();
        Ok(Json(out))
    }

    /// 修改服务队 / Edit a team (admin, or the team itself)
    #[oai(
        path = "/api/v1/teams/:id",
        method = "patch",
        operation_id = "update_team",
        tag = "ApiTags::Organisations"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<TeamPatch>,
    ) -> ApiResult<Json<TeamOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = TeamFields {
            name: b.name,
            unit_id: b.unit_id,
            founded_on: b.founded_on,
            volunteer_count: b.volunteer_count,
            platform_id: b.platform_id,
            leader_name: b.leader_name,
            leader_mobile: b.leader_mobile,
        };
        let team = orgs::update_team(&self.state, &caller, id.0, f).await?;
        Ok(Json(TeamOut::new(team, &caller)))
    }
}

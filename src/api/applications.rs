//! Project applications (项目申报书, attachment 2 of the notice) and the opinion chain.

use super::{ApiTags, BearerAuth, Created, List, out_time};
use crate::{
    authz::Caller,
    domain::bank::BankFields,
    domain::{
        application::{ApplicationStatus, Decision, OpinionStep},
        cst_date, pii,
    },
    error::ApiResult,
    services::applications::{self, ApplicationFields, ApplicationFilter, ApplicationView},
    state::AppState,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct ApplicationsApi {
    pub state: AppState,
}

/// The unit's bank account for the subsidy (开户银行, 账号, 户名).
#[derive(Object, Clone)]
pub struct BankIn {
    pub bank_name: String,
    /// 8–32 digits; spaces and hyphens are ignored.
    pub account_no: String,
    /// 户名; may differ from the unit's full name (flagged on payout sheets).
    pub account_name: String,
}

#[derive(Object)]
pub struct BankOut {
    pub bank_name: String,
    /// Full for the owning team and finance, and on the application itself (not in lists)
    /// for its unit and district (issue 18.6); masked (`6222 **** **** 0123`) otherwise.
    pub account_no: String,
    pub account_name: String,
}

#[derive(Object)]
pub struct ApplicationIn {
    pub team_id: i32,
    /// 项目名称, 1–20 characters.
    pub project_name: String,
    /// 项目负责人.
    pub leader_name: String,
    /// 职称/职务.
    pub leader_title: String,
    /// 联系电话.
    pub phone: String,
    /// 手机 (R-MOBILE).
    pub mobile: String,
    /// 项目概述: volunteers, facilities, funds, content, time, place, sessions, people served.
    pub overview: String,
    /// 活动亮点.
    pub highlights: String,
    /// 项目效益.
    pub benefits: String,
    /// The team's activities this application counts.
    pub activity_ids: Vec<i32>,
    pub bank: BankIn,
}

#[derive(Object)]
pub struct ApplicationPatch {
    #[oai(nullable)]
    pub project_name: Option<String>,
    #[oai(nullable)]
    pub leader_name: Option<String>,
    #[oai(nullable)]
    pub leader_title: Option<String>,
    #[oai(nullable)]
    pub phone: Option<String>,
    #[oai(nullable)]
    pub mobile: Option<String>,
    #[oai(nullable)]
    pub overview: Option<String>,
    #[oai(nullable)]
    pub highlights: Option<String>,
    #[oai(nullable)]
    pub benefits: Option<String>,
    #[oai(nullable)]
    pub activity_ids: Option<Vec<i32>>,
    #[oai(nullable)]
    pub bank: Option<BankIn>,
}

/// Objective figures from the counted (reported) activities.
#[derive(Object)]
pub struct FiguresOut {
    pub activities: i64,
    pub sessions: i64,
    pub people_served: i64,
}

/// One opinion of the chain: who, when, the decision and the comment.
#[derive(Object)]
pub struct OpinionOut {
    pub step: OpinionStep,
    pub decision: Decision,
    pub comment: String,
    pub actor_id: i32,
    pub actor_name: String,
    pub at: DateTime<FixedOffset>,
}

#[derive(Object)]
pub struct OpinionIn {
    pub decision: Decision,
    /// Required when returning or rejecting.
    #[oai(nullable)]
    pub comment: Option<String>,
}

#[derive(Object)]
pub struct ApplicationOut {
    pub id: i32,
    pub cycle_id: i32,
    pub status: ApplicationStatus,
    pub project_name: String,
    /// 申报组织: the team's registered name.
    pub team_id: i32,
    pub team_name: String,
    /// 隶属单位 (full name).
    pub unit_id: i32,
    pub unit_name: String,
    /// 申报日期: the day it was (last) submitted.
    #[oai(nullable)]
    pub application_date: Option<NaiveDate>,
    /// 成立时间.
    pub founded_on: NaiveDate,
    /// 注册科技志愿者人数.
    pub volunteer_count: i32,
    pub leader_name: String,
    pub leader_title: String,
    /// Masked for experts.
    pub phone: String,
    /// Masked for experts.
    pub mobile: String,
    pub overview: String,
    pub highlights: String,
    pub benefits: String,
    pub activity_ids: Vec<i32>,
    pub figures: FiguresOut,
    /// Absent for experts (R-PII).
    #[oai(nullable)]
    pub bank: Option<BankOut>,
    pub opinions: Vec<OpinionOut>,
    #[oai(nullable)]
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl ApplicationOut {
    /// As a list shows it: the account number masked except for finance and the owning team.
    pub fn new(v: ApplicationView, caller: &Caller) -> Self {
        Self::build(v, caller, false)
    }

    /// The application itself (issue 18.6): its unit and district see the account number in
    /// full too, as they stamp the 申报书 that names it.
    pub fn detail(v: ApplicationView, caller: &Caller) -> Self {
        Self::build(v, caller, true)
    }

    fn build(v: ApplicationView, caller: &Caller, detail: bool) -> Self {
        let a = v.app;
        let reader = Some(caller.role);
        let full = if detail {
            pii::account_in_full_on_application(reader)
        } else {
            pii::account_in_full(reader)
        };
        let bank = pii::bank_visible(reader).then(|| BankOut {
            bank_name: a.bank_name.clone(),
            account_no: if full {
                a.account_no.clone()
            } else {
                pii::mask_account(&a.account_no)
            },
            account_name: a.account_name.clone(),
        });
        let phone = |s: String| pii::mobile_for(reader, s);
        Self {
            id: a.id,
            cycle_id: a.cycle_id,
            status: a.status,
            project_name: a.project_name,
            team_id: v.team.id,
            team_name: v.team.name,
            unit_id: v.unit.id,
            unit_name: v.unit.name,
            application_date: a.submitted_at.map(cst_date),
            founded_on: v.team.founded_on,
            volunteer_count: v.team.volunteer_count,
            leader_name: a.leader_name,
            leader_title: a.leader_title,
            phone: phone(a.phone),
            mobile: phone(a.mobile),
            overview: a.overview,
            highlights: a.highlights,
            benefits: a.benefits,
            activity_ids: v.activity_ids,
            figures: FiguresOut {
                activities: v.figures.activities,
                sessions: v.figures.sessions,
                people_served: v.figures.people_served,
            },
            bank,
            opinions: v
                .opinions
                .into_iter()
                .map(|(o, name)| OpinionOut {
                    step: o.step,
                    decision: o.decision,
                    comment: o.comment,
                    actor_id: o.actor_id,
                    actor_name: name,
                    at: out_time(o.at),
                })
                .collect(),
            submitted_at: a.submitted_at.map(out_time),
            created_at: out_time(a.created_at),
            updated_at: out_time(a.updated_at),
        }
    }
}

fn bank(b: Option<BankIn>) -> Option<BankFields> {
    b.map(|b| BankFields {
        bank_name: b.bank_name,
        account_no: b.account_no,
        account_name: b.account_name,
    })
}

#[OpenApi]
impl ApplicationsApi {
    /// 新建申报书 / Create an application as a draft (team for itself, or admin)
    ///
    /// 422 `previous_year_awardee`, `project_name_too_long`, `invalid_bank_account`, `window_closed`;
    /// 409 `duplicate_application` (one per team per cycle).
    #[oai(
        path = "/api/v1/cycles/:id/applications",
        method = "post",
        operation_id = "create_application",
        tag = "ApiTags::Applications"
    )]
    async fn create(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ApplicationIn>,
    ) -> ApiResult<Created<ApplicationOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = ApplicationFields {
            project_name: Some(b.project_name),
            leader_name: Some(b.leader_name),
            leader_title: Some(b.leader_title),
            phone: Some(b.phone),
            mobile: Some(b.mobile),
            overview: Some(b.overview),
            highlights: Some(b.highlights),
            benefits: Some(b.benefits),
            activity_ids: Some(b.activity_ids),
            bank: bank(Some(b.bank)),
        };
        let app = applications::create(&self.state, &caller, id.0, b.team_id, f).await?;
        let v = applications::view(&self.state.db, app).await?;
        Ok(Created::Created(Json(ApplicationOut::new(v, &caller))))
    }

    /// 申报书列表 / List applications (scoped)
    #[oai(
        path = "/api/v1/applications",
        method = "get",
        operation_id = "list_applications",
        tag = "ApiTags::Applications"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        cycle_id: Query<Option<i32>>,
        status: Query<Option<ApplicationStatus>>,
        team_id: Query<Option<i32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<ApplicationOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let filter = ApplicationFilter {
            cycle_id: cycle_id.0,
            status: status.0,
            team_id: team_id.0,
        };
        let (items, total) = applications::list(&self.state, &caller, filter, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items
                .into_iter()
                .map(|v| ApplicationOut::new(v, &caller))
                .collect(),
            total,
        }))
    }

    /// 申报书详情 / Get an application (scoped), with its figures and opinion history
    #[oai(
        path = "/api/v1/applications/:id",
        method = "get",
        operation_id = "get_application",
        tag = "ApiTags::Applications"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<ApplicationOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(ApplicationOut::detail(
            applications::get(&self.state, &caller, id.0).await?,
            &caller,
        )))
    }

    /// 修改申报书 / Edit an application while `draft` or `returned` (owning team)
    #[oai(
        path = "/api/v1/applications/:id",
        method = "patch",
        operation_id = "update_application",
        tag = "ApiTags::Applications"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ApplicationPatch>,
    ) -> ApiResult<Json<ApplicationOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = ApplicationFields {
            project_name: b.project_name,
            leader_name: b.leader_name,
            leader_title: b.leader_title,
            phone: b.phone,
            mobile: b.mobile,
            overview: b.overview,
            highlights: b.highlights,
            benefits: b.benefits,
            activity_ids: b.activity_ids,
            bank: bank(b.bank),
        };
        let app = applications::update(&self.state, &caller, id.0, f).await?;
        let v = applications::view(&self.state.db, app).await?;
        Ok(Json(ApplicationOut::new(v, &caller)))
    }

    /// 提交申报 / Submit an application (owning team)
    ///
    /// 422 `missing_evidence`, `no_counted_activity`, `window_closed`, `previous_year_awardee`,
    /// `team_not_on_platform`.
    #[oai(
        path = "/api/v1/applications/:id/submit",
        method = "post",
        operation_id = "submit_application",
        tag = "ApiTags::Applications"
    )]
    async fn submit(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<ApplicationOut>> {
        let caller = self.state.caller(&auth).await?;
        let app = crate::services::submission::submit(&self.state, &caller, id.0).await?;
        let v = applications::view(&self.state.db, app).await?;
        Ok(Json(ApplicationOut::new(v, &caller)))
    }

    /// 审核意见 / Give the due opinion: unit → district → municipal (unit, district, admin)
    ///
    /// 409 `not_your_turn` when the step is not the caller's.
    #[oai(
        path = "/api/v1/applications/:id/opinions",
        method = "post",
        operation_id = "give_opinion",
        tag = "ApiTags::Applications"
    )]
    async fn opinion(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<OpinionIn>,
    ) -> ApiResult<Json<ApplicationOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let app = crate::services::opinions::give_opinion(&self.state, &caller, id.0, b.decision, b.comment)
            .await?;
        let v = applications::view(&self.state.db, app).await?;
        Ok(Json(ApplicationOut::detail(v, &caller)))
    }
}

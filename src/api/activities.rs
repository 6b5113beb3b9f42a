//! Activity registration (活动登记表) and reports.

use super::{ApiTags, BearerAuth, Created, List, activity_files::ActivityAttachmentOut, in_time, out_time};
use crate::{
    domain::{
        activity::{ActivityStatus, Category, Report},
        pii,
    },
    error::{ApiResult, AppError},
    services::{
        activities::{self, ActivityFields, ActivityFilter, ActivityRecord},
        activity_files,
    },
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct ActivitiesApi {
    pub state: AppState,
}

#[derive(Object, Clone)]
pub struct TaskDto {
    /// 具体内容.
    pub content: String,
    /// 任务目标.
    pub target: String,
}

#[derive(Object)]
pub struct ActivityIn {
    pub team_id: i32,
    pub name: String,
    pub category: Category,
    /// Must lie in the future (R-PREREG), dated 2000-01-01 … 2100-12-31.
    pub planned_start: DateTime<FixedOffset>,
    /// After the start, dated 2000-01-01 … 2100-12-31.
    pub planned_end: DateTime<FixedOffset>,
    pub location: String,
    pub leader_name: String,
    pub leader_mobile: String,
    /// One or more tasks.
    pub tasks: Vec<TaskDto>,
}

#[derive(Object)]
pub struct ActivityPatch {
    #[oai(nullable)]
    pub name: Option<String>,
    #[oai(nullable)]
    pub category: Option<Category>,
    /// Dated 2000-01-01 … 2100-12-31.
    #[oai(nullable)]
    pub planned_start: Option<DateTime<FixedOffset>>,
    /// Dated 2000-01-01 … 2100-12-31.
    #[oai(nullable)]
    pub planned_end: Option<DateTime<FixedOffset>>,
    #[oai(nullable)]
    pub location: Option<String>,
    #[oai(nullable)]
    pub leader_name: Option<String>,
    #[oai(nullable)]
    pub leader_mobile: Option<String>,
    /// Replaces the task list.
    #[oai(nullable)]
    pub tasks: Option<Vec<TaskDto>>,
}

#[derive(Object)]
pub struct ReportIn {
    /// Dated 2000-01-01 … 2100-12-31, not in the future.
    pub actual_start: DateTime<FixedOffset>,
    /// Dated 2000-01-01 … 2100-12-31, not before the start.
    pub actual_end: DateTime<FixedOffset>,
    /// 场次, 1 … 1,000,000.
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
    pub sessions: i64,
    /// 服务对象人数, 0 … 1,000,000.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub people_served: i64,
    /// Volunteers taking part, 0 … 1,000,000.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub volunteers: i64,
    pub summary: String,
}

#[derive(Object)]
pub struct ReportOut {
    pub actual_start: DateTime<FixedOffset>,
    pub actual_end: DateTime<FixedOffset>,
    pub sessions: i32,
    pub people_served: i32,
    pub volunteers: i32,
    pub summary: String,
    pub reported_at: DateTime<FixedOffset>,
}

#[derive(Object)]
pub struct ActivityOut {
    pub id: i32,
    pub team_id: i32,
    pub name: String,
    pub category: Category,
    pub planned_start: DateTime<FixedOffset>,
    pub planned_end: DateTime<FixedOffset>,
    pub location: String,
    pub leader_name: String,
    pub leader_mobile: String,
    pub tasks: Vec<TaskDto>,
    pub status: ActivityStatus,
    pub registered_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    #[oai(nullable)]
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    /// Present once reported.
    #[oai(nullable)]
    pub report: Option<ReportOut>,
    /// 补录 (issue 18.1): recorded after the fact by the admin; `registered_at` is the day the
    /// original 登记表 was sent.
    pub backfilled: bool,
    /// For a backfilled activity: who recorded it, when, why, and whether the scan of the
    /// original 登记表 or e-mail is attached (it counts only then).
    #[oai(nullable)]
    pub backfill: Option<BackfillOut>,
    /// The activity's photos, videos, reports and scans (issue 18.4); filled on
    /// `GET /activities/{id}` and `GET /applications/{id}/activities`, empty in lists.
    pub attachments: Vec<ActivityAttachmentOut>,
}

/// Who recorded a backfilled activity, when and why.
#[derive(Object)]
pub struct BackfillOut {
    pub backfilled_by: i32,
    pub backfilled_at: DateTime<FixedOffset>,
    pub reason: String,
    pub scan_attached: bool,
}

impl From<ActivityRecord> for ActivityOut {
    fn from(r: ActivityRecord) -> Self {
        let a = r.activity;
        let report = match (a.actual_start, a.actual_end, a.reported_at) {
            (Some(s), Some(e), Some(at)) => Some(ReportOut {
                actual_start: out_time(s),
                actual_end: out_time(e),
                sessions: a.sessions.unwrap_or(0),
                people_served: a.people_served.unwrap_or(0),
                volunteers: a.volunteers.unwrap_or(0),
                summary: a.summary.clone().unwrap_or_default(),
                reported_at: out_time(at),
            }),
            _ => None,
        };
        Self {
            id: a.id,
            team_id: a.team_id,
            name: a.name,
            category: a.category,
            planned_start: out_time(a.planned_start),
            planned_end: out_time(a.planned_end),
            location: a.location,
            leader_name: a.leader_name,
            leader_mobile: a.leader_mobile,
            tasks: r
                .tasks
                .into_iter()
                .map(|t| TaskDto {
                    content: t.content,
                    target: t.target,
                })
                .collect(),
            status: a.status,
            registered_at: out_time(a.registered_at),
            updated_at: out_time(a.updated_at),
            cancelled_at: a.cancelled_at.map(out_time),
            report,
            backfilled: a.backfilled,
            backfill: match (a.backfilled, a.backfilled_by, a.backfilled_at) {
                (true, Some(by), Some(at)) => Some(BackfillOut {
                    backfilled_by: by,
                    backfilled_at: out_time(at),
                    reason: a.backfill_reason.unwrap_or_default(),
                    scan_attached: a.backfill_scan_at.is_some(),
                }),
                _ => None,
            },
            attachments: vec![],
        }
    }
}

/// One category of the notice's 活动内容 (issue 18.2).
#[derive(Object)]
pub struct CategoryOut {
    /// What `category` holds on an activity.
    pub code: Category,
    /// The notice's words.
    pub name: String,
    /// The item (1–8) of the notice's 活动内容 it comes from.
    pub notice_item: u8,
}

/// The activities an application counts, with the figures they add up to (issue 18.5).
#[derive(Object)]
pub struct CountedActivitiesOut {
    /// The counted activities (R-SUBMIT), earliest first, each with its tasks and report.
    pub items: Vec<ActivityOut>,
    /// Their number, sessions (场次) and people served (服务对象人数).
    pub activities: i64,
    pub sessions: i64,
    pub people_served: i64,
}

fn tasks(t: Option<Vec<TaskDto>>) -> Option<Vec<(String, String)>> {
    t.map(|v| v.into_iter().map(|t| (t.content, t.target)).collect())
}

#[OpenApi]
impl ActivitiesApi {
    /// 登记活动 / Register an activity before it starts (team for itself, or admin)
    ///
    /// 422 `activity_already_started` (R-PREREG), 422 `invalid_mobile`.
    #[oai(
        path = "/api/v1/activities",
        method = "post",
        operation_id = "register_activity",
        tag = "ApiTags::Activities"
    )]
    async fn register(&self, auth: BearerAuth, body: Json<ActivityIn>) -> ApiResult<Created<ActivityOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = ActivityFields {
            name: Some(b.name),
            category: Some(b.category),
            planned_start: Some(in_time(b.planned_start)),
            planned_end: Some(in_time(b.planned_end)),
            location: Some(b.location),
            leader_name: Some(b.leader_name),
            leader_mobile: Some(b.leader_mobile),
            tasks: tasks(Some(b.tasks)),
        };
        let r = activities::register(&self.state, &caller, b.team_id, f).await?;
        Ok(Created::Created(Json(r.into())))
    }

    /// 活动列表 / List activities (scoped)
    ///
    /// `from` / `to` bound the planned start.
    #[oai(
        path = "/api/v1/activities",
        method = "get",
        operation_id = "list_activities",
        tag = "ApiTags::Activities"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "one parameter per documented query filter"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        team_id: Query<Option<i32>>,
        status: Query<Option<ActivityStatus>>,
        from: Query<Option<DateTime<FixedOffset>>>,
        to: Query<Option<DateTime<FixedOffset>>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<ActivityOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let filter = ActivityFilter {
            team_id: team_id.0,
            status: status.0,
            from: from.0.map(in_time),
            to: to.0.map(in_time),
        };
        let (items, total) = activities::list(&self.state, &caller, filter, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 活动详情 / Get an activity (scoped)
    #[oai(
        path = "/api/v1/activities/:id",
        method = "get",
        operation_id = "get_activity",
        tag = "ApiTags::Activities"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<ActivityOut>> {
        let caller = self.state.caller(&auth).await?;
        let record = activities::get(&self.state, &caller, id.0).await?;
        let files = activity_files::of_activities(&self.state.read, &[id.0]).await?;
        let mut out = ActivityOut::from(record);
        out.attachments = files.into_values().flatten().map(Into::into).collect();
        Ok(Json(out))
    }

    /// 修改活动 / Edit an activity until its planned start (owner, admin)
    ///
    /// 422 `activity_already_started`.
    #[oai(
        path = "/api/v1/activities/:id",
        method = "patch",
        operation_id = "update_activity",
        tag = "ApiTags::Activities"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ActivityPatch>,
    ) -> ApiResult<Json<ActivityOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let f = ActivityFields {
            name: b.name,
            category: b.category,
            planned_start: b.planned_start.map(in_time),
            planned_end: b.planned_end.map(in_time),
            location: b.location,
            leader_name: b.leader_name,
            leader_mobile: b.leader_mobile,
            tasks: tasks(b.tasks),
        };
        Ok(Json(
            activities::update(&self.state, &caller, id.0, f).await?.into(),
        ))
    }

    /// 取消活动 / Cancel an activity (owner, admin)
    #[oai(
        path = "/api/v1/activities/:id/cancel",
        method = "post",
        operation_id = "cancel_activity",
        tag = "ApiTags::Activities"
    )]
    async fn cancel(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<ActivityOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(activities::cancel(&self.state, &caller, id.0).await?.into()))
    }

    /// 活动类别 / The notice's categories (any user)
    ///
    /// Items (1)–(8) of the notice's 活动内容, item 1's five forms apart; `code` is what an
    /// activity's `category` holds (issue 18.2).
    #[oai(
        path = "/api/v1/categories",
        method = "get",
        operation_id = "list_categories",
        tag = "ApiTags::Activities"
    )]
    async fn categories(&self, auth: BearerAuth) -> ApiResult<Json<Vec<CategoryOut>>> {
        self.state.caller(&auth).await?;
        Ok(Json(
            activities::categories()
                .into_iter()
                .map(|c| CategoryOut {
                    code: c.code,
                    name: c.name.to_owned(),
                    notice_item: c.notice_item,
                })
                .collect(),
        ))
    }

    /// 申报项目计入的活动 / The activities an application counts (owner, its unit chain, admin, assigned experts)
    ///
    /// What experts score from (issue 18.5): each counted activity with its tasks and report.
    /// Anyone who may not see the application — an expert not assigned to it — gets 404. The
    /// leader's mobile is masked for experts (R-PII).
    #[oai(
        path = "/api/v1/applications/:id/activities",
        method = "get",
        operation_id = "list_application_activities",
        tag = "ApiTags::Applications"
    )]
    async fn counted(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<CountedActivitiesOut>> {
        let caller = self.state.caller(&auth).await?;
        let records = activities::counted_for_application(&self.state, &caller, id.0).await?;
        let ids: Vec<i32> = records.iter().map(|r| r.activity.id).collect();
        let mut files = activity_files::of_activities(&self.state.read, &ids).await?;
        let reader = Some(caller.role);
        let items: Vec<ActivityOut> = records
            .into_iter()
            .map(|r| {
                let id = r.activity.id;
                let mut out = ActivityOut::from(r);
                out.leader_mobile = pii::mobile_for(reader, out.leader_mobile);
                out.attachments = files
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Into::into)
                    .collect();
                out
            })
            .collect();
        let sum = |f: fn(&ReportOut) -> i32| -> i64 {
            items
                .iter()
                .filter_map(|a| a.report.as_ref())
                .map(|r| i64::from(f(r)))
                .sum()
        };
        Ok(Json(CountedActivitiesOut {
            activities: i64::try_from(items.len()).unwrap_or(i64::MAX),
            sessions: sum(|r| r.sessions),
            people_served: sum(|r| r.people_served),
            items,
        }))
    }

    /// 填报活动情况 / Report what happened, after the planned start (owner)
    ///
    /// 422 `activity_not_started`; 409 `activity_cancelled` (R-REPORT).
    #[oai(
        path = "/api/v1/activities/:id/report",
        method = "post",
        operation_id = "report_activity",
        tag = "ApiTags::Activities"
    )]
    async fn report(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ReportIn>,
    ) -> ApiResult<Json<ActivityOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let count = |field: &str, v: i64| -> Result<i32, AppError> {
            i32::try_from(v)
                .map_err(|_| crate::error::DomainError::invalid(field, "数值超出范围", "out of range").into())
        };
        let report = Report {
            actual_start: in_time(b.actual_start),
            actual_end: in_time(b.actual_end),
            sessions: count("sessions", b.sessions)?,
            people_served: count("people_served", b.people_served)?,
            volunteers: count("volunteers", b.volunteers)?,
        };
        Ok(Json(
            activities::report(&self.state, &caller, id.0, report, b.summary)
                .await?
                .into(),
        ))
    }
}

//! 补录 (issue 18.1): activities registered by e-mail before the service went live, recorded
//! by the admin one by one or from a sheet.

use super::{
    ApiTags, BearerAuth, Created,
    activities::{ActivityOut, TaskDto},
    award_history::{AwardImportForm, ImportError, read_upload, rejected},
    in_time,
    multipart::StreamedForm,
};
use crate::{
    domain::{
        activity::{Category, Report},
        roles::Role,
    },
    error::{ApiResult, AppError},
    services::activities::{self, ActivityFields, Backfill, BackfillImport},
    state::AppState,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    payload::{Binary, Json},
};

pub struct BackfillApi {
    pub state: AppState,
}

/// A past activity, as its e-mailed 登记表 and its report say.
#[derive(Object)]
pub struct BackfillIn {
    pub team_id: i32,
    pub name: String,
    pub category: Category,
    /// Dated 2000-01-01 … 2100-12-31.
    pub planned_start: DateTime<FixedOffset>,
    /// After the start.
    pub planned_end: DateTime<FixedOffset>,
    pub location: String,
    pub leader_name: String,
    pub leader_mobile: String,
    /// One or more tasks.
    pub tasks: Vec<TaskDto>,
    /// Not in the future, not before the planned start.
    pub actual_start: DateTime<FixedOffset>,
    pub actual_end: DateTime<FixedOffset>,
    /// 场次, 1 … 1,000,000.
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
    pub sessions: i32,
    /// 服务对象人数, 0 … 1,000,000.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub people_served: i32,
    /// 0 … 1,000,000.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000")))]
    pub volunteers: i32,
    pub summary: String,
    /// The day the original 登记表 was sent (CST); must come before the planned start (422
    /// `registered_after_start`).
    pub registered_on: NaiveDate,
    /// Why it is recorded after the fact (e.g. 系统上线前已邮件登记).
    pub reason: String,
}

/// What an import recorded.
#[derive(Object)]
pub struct BackfillImportOut {
    pub imported: u64,
    /// The recorded activities, in the sheet's order.
    pub items: Vec<ActivityOut>,
}

/// The template download.
#[derive(ApiResponse)]
pub enum BackfillTemplateFile {
    /// The xlsx template (补录模板).
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    Xlsx(
        Binary<Vec<u8>>,
        /// `attachment` with an ASCII fallback name and the Chinese name (RFC 6266 / 5987).
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

#[OpenApi]
impl BackfillApi {
    /// 补录活动 / Record a past activity registered by e-mail before it started (admin)
    ///
    /// Created already reported, `backfilled: true` with who and when, audited. It counts for
    /// an application once the scan of the original 登记表 or e-mail is uploaded
    /// (`POST /activities/{id}/attachments`, kind `scan`) and if the cycle's
    /// `count_backfilled` holds. 422 `registered_after_start`, `activity_not_started`,
    /// `invalid_mobile`, `invalid_value`.
    #[oai(
        path = "/api/v1/activities/backfill",
        method = "post",
        operation_id = "backfill_activity",
        tag = "ApiTags::Activities"
    )]
    async fn backfill(&self, auth: BearerAuth, body: Json<BackfillIn>) -> ApiResult<Created<ActivityOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let r = activities::backfill(
            &self.state,
            &caller,
            Backfill {
                team_id: b.team_id,
                fields: ActivityFields {
                    name: Some(b.name),
                    category: Some(b.category),
                    planned_start: Some(in_time(b.planned_start)),
                    planned_end: Some(in_time(b.planned_end)),
                    location: Some(b.location),
                    leader_name: Some(b.leader_name),
                    leader_mobile: Some(b.leader_mobile),
                    tasks: Some(b.tasks.into_iter().map(|t| (t.content, t.target)).collect()),
                },
                report: Report {
                    actual_start: in_time(b.actual_start),
                    actual_end: in_time(b.actual_end),
                    sessions: b.sessions,
                    people_served: b.people_served,
                    volunteers: b.volunteers,
                },
                summary: b.summary,
                registered_on: b.registered_on,
                reason: b.reason,
            },
        )
        .await?;
        Ok(Created::Created(Json(r.into())))
    }

    /// 批量补录 / Record past activities from the template sheet (admin)
    ///
    /// Multipart `file`: the xlsx of `GET /activities/backfill/template`, one activity per
    /// row. All rows or none: when any row is bad, 422 `import_rejected` lists every bad row
    /// by its line number (with every reason) and nothing is recorded.
    #[oai(
        path = "/api/v1/activities/backfill/import",
        method = "post",
        operation_id = "import_backfill",
        tag = "ApiTags::Activities"
    )]
    async fn import(
        &self,
        auth: BearerAuth,
        form: StreamedForm<AwardImportForm>,
    ) -> Result<Json<BackfillImportOut>, ImportError> {
        let caller = self.state.caller(&auth).await?;
        let mut parts = form.into_parts();
        let bytes = match caller.require(&[Role::Admin]).map_err(AppError::from) {
            Ok(()) => read_upload(&self.state, &mut parts).await,
            Err(e) => Err(e),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                parts.discard_rest().await;
                return Err(e.into());
            }
        };
        match activities::import_backfill(&self.state, &caller, bytes).await? {
            BackfillImport::Imported(records) => {
                let items: Vec<ActivityOut> = records.into_iter().map(Into::into).collect();
                Ok(Json(BackfillImportOut {
                    imported: items.len() as u64,
                    items,
                }))
            }
            BackfillImport::Rejected(rows) => Err(rejected(rows)),
        }
    }

    /// 补录模板 / The xlsx template for `POST /activities/backfill/import` (admin)
    ///
    /// The columns, a sheet explaining each, and the notice's categories.
    #[oai(
        path = "/api/v1/activities/backfill/template",
        method = "get",
        operation_id = "download_backfill_template",
        tag = "ApiTags::Activities"
    )]
    async fn template(&self, auth: BearerAuth) -> ApiResult<BackfillTemplateFile> {
        let caller = self.state.caller(&auth).await?;
        let bytes = activities::backfill_template(&caller).await?;
        let disposition = super::download::attachment("backfill-template.xlsx", "活动补录模板.xlsx");
        Ok(BackfillTemplateFile::Xlsx(Binary(bytes), disposition))
    }
}

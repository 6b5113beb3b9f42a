//! Award history for years before the system (R-EXCLUDE): one record at a time, or the
//! association's list imported from an .xlsx or .csv.

use super::{
    ApiTags, BearerAuth, Created, List,
    multipart::{FormSchema, Parts, StreamedForm, bad_form, binary_schema},
    out_time,
};
use crate::{
    domain::{
        award_import::{AwardSource, RowProblem},
        ranking::Tier,
        roles::Role,
    },
    error::{ApiError, ApiResult, AppError},
    services::award_history::{self, AwardRecord, ImportOutcome, NewAward},
    state::AppState,
    storage,
};
use chrono::{DateTime, FixedOffset};
use poem::{IntoResponse, Response};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::Query,
    payload::Json,
    registry::{MetaResponses, MetaSchemaRef, Registry},
};
use tokio::io::AsyncReadExt;

pub struct AwardHistoryApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct AwardHistoryIn {
    /// 2000 to 2100.
    pub year: i32,
    pub team_id: i32,
    /// 1–20 characters (R-NAME).
    pub project_name: String,
    pub tier: Tier,
}

#[derive(Object)]
pub struct AwardHistoryOut {
    pub id: i32,
    pub year: i32,
    pub team_id: i32,
    pub team_name: String,
    pub project_name: String,
    pub tier: Tier,
    pub source: AwardSource,
    pub created_at: DateTime<FixedOffset>,
}

impl From<AwardRecord> for AwardHistoryOut {
    fn from(r: AwardRecord) -> Self {
        let a = r.award;
        Self {
            id: a.id,
            year: a.year,
            team_id: a.team_id,
            team_name: r.team_name,
            project_name: a.project_name,
            tier: a.tier,
            source: a.source,
            created_at: out_time(a.created_at),
        }
    }
}

#[derive(Object)]
pub struct AwardHistoryImportOut {
    /// Records imported.
    pub imported: u64,
}

/// A row of the list that cannot be imported.
#[derive(Object)]
pub struct AwardHistoryRejectedRow {
    /// The row number as the sheet shows it (from 1).
    pub row: u32,
    /// 中文说明 / English explanation.
    pub reason: String,
}

/// The error body, with every bad row.
#[derive(Object)]
pub struct AwardHistoryImportRejected {
    /// `import_rejected`.
    pub code: String,
    pub message: String,
    pub field: String,
    pub rows: Vec<AwardHistoryRejectedRow>,
}

#[derive(ApiResponse)]
enum Rejected {
    /// Some rows cannot be imported: every one is listed and nothing was imported.
    #[oai(status = 422)]
    Rows(Json<AwardHistoryImportRejected>),
}

/// The shared errors, with a 422 that lists the bad rows.
pub enum ImportError {
    Rejected(AwardHistoryImportRejected),
    Other(ApiError),
}

impl From<ApiError> for ImportError {
    fn from(e: ApiError) -> Self {
        Self::Other(e)
    }
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> Self {
        Self::Other(e.into())
    }
}

impl IntoResponse for ImportError {
    fn into_response(self) -> Response {
        match self {
            Self::Rejected(body) => Rejected::Rows(Json(body)).into_response(),
            Self::Other(e) => e.into_response(),
        }
    }
}

impl ApiResponse for ImportError {
    fn meta() -> MetaResponses {
        let mut meta = ApiError::meta();
        meta.responses.retain(|r| r.status != Some(422));
        meta.responses.extend(Rejected::meta().responses);
        meta
    }
    fn register(registry: &mut Registry) {
        ApiError::register(registry);
        Rejected::register(registry);
    }
}

impl From<ImportError> for poem::Error {
    fn from(e: ImportError) -> Self {
        poem::Error::from_response(e.into_response())
    }
}

/// The 422 listing every bad row (shared with the 补录 import, issue 18.1).
pub(crate) fn rejected(rows: Vec<RowProblem>) -> ImportError {
    let n = rows.len();
    ImportError::Rejected(AwardHistoryImportRejected {
        code: "import_rejected".into(),
        message: format!(
            "名单中有{n}处问题，未导入任何记录 / {n} problem(s) in the list; nothing was imported"
        ),
        field: "file".into(),
        rows: rows
            .into_iter()
            .map(|p| AwardHistoryRejectedRow {
                row: p.row,
                reason: p.reason,
            })
            .collect(),
    })
}

/// The import form: one `file`.
pub struct AwardImportForm;

impl FormSchema for AwardImportForm {
    fn properties() -> Vec<(&'static str, MetaSchemaRef)> {
        vec![("file", binary_schema())]
    }
    fn required() -> Vec<&'static str> {
        vec!["file"]
    }
}

impl AwardHistoryApi {
    async fn read_file(&self, parts: &mut Parts) -> Result<Vec<u8>, AppError> {
        read_upload(&self.state, parts).await
    }
}

/// The `file` part, read into memory up to the document limit (413 beyond it).
pub(crate) async fn read_upload(state: &AppState, parts: &mut Parts) -> Result<Vec<u8>, AppError> {
    {
        let max = state.settings.upload_limits.document;
        let mut file = None;
        while let Some(field) = parts.next().await? {
            let is_file = field.name() == Some("file") && file.is_none();
            let reader = field.into_async_read();
            tokio::pin!(reader);
            if !is_file {
                parts.discard(&mut reader).await;
                continue;
            }
            let mut bytes = Vec::new();
            (&mut reader)
                .take(max + 1)
                .read_to_end(&mut bytes)
                .await
                .map_err(|e| bad_form("file", "上传中断或表单格式错误", e.to_string()))?;
            if bytes.len() as u64 > max {
                parts.discard(&mut reader).await;
                return Err(storage::too_large(max).into());
            }
            file = Some(bytes);
        }
        file.ok_or_else(|| bad_form("file", "缺少文件", "the file part is missing"))
    }
}

#[OpenApi]
impl AwardHistoryApi {
    /// 录入往年获奖记录 / Record an award from a year before the system (admin)
    ///
    /// 409 `duplicate_award_history` for a second record of the same team and year; 422
    /// `project_name_too_long`, `invalid_value` (year, team_id).
    #[oai(
        path = "/api/v1/award-history",
        method = "post",
        operation_id = "create_award_history",
        tag = "ApiTags::Cycles"
    )]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<AwardHistoryIn>,
    ) -> ApiResult<Created<AwardHistoryOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let new = NewAward {
            year: b.year,
            team_id: b.team_id,
            project_name: b.project_name,
            tier: b.tier,
        };
        let r = award_history::create(&self.state, &caller, new).await?;
        Ok(Created::Created(Json(r.into())))
    }

    /// 导入往年获奖名单 / Import the association's list of past awards (admin)
    ///
    /// Multipart `file`: an .xlsx or a UTF-8 .csv (decided by the content) with a header row
    /// and the columns 年度 (year), 服务队名称 (team), 项目名称 (project), 奖项 (prize:
    /// 一等奖/二等奖/三等奖 or first/second/third). Teams are matched by their exact name.
    /// When any row is bad, nothing is imported and 422 `import_rejected` lists every bad row.
    #[oai(
        path = "/api/v1/award-history/import",
        method = "post",
        operation_id = "import_award_history",
        tag = "ApiTags::Cycles"
    )]
    async fn import(
        &self,
        auth: BearerAuth,
        form: StreamedForm<AwardImportForm>,
    ) -> Result<Json<AwardHistoryImportOut>, ImportError> {
        let caller = self.state.caller(&auth).await?;
        let mut parts = form.into_parts();
        let bytes = match caller.require(&[Role::Admin]).map_err(AppError::from) {
            Ok(()) => self.read_file(&mut parts).await,
            Err(e) => Err(e),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                // Let a client that is still sending read the refusal.
                parts.discard_rest().await;
                return Err(e.into());
            }
        };
        match award_history::import(&self.state, &caller, bytes).await? {
            ImportOutcome::Imported(imported) => Ok(Json(AwardHistoryImportOut { imported })),
            ImportOutcome::Rejected(rows) => Err(rejected(rows)),
        }
    }

    /// 往年获奖记录 / List the award history (admin)
    #[oai(
        path = "/api/v1/award-history",
        method = "get",
        operation_id = "list_award_history",
        tag = "ApiTags::Cycles"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        year: Query<Option<i32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<AwardHistoryOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) =
            award_history::list(&self.state, &caller, year.0, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }
}

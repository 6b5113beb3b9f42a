//! Activity evidence through the year (issue 18.4): upload, list, download.

use super::{
    ApiTags, BearerAuth, Created, List,
    attachments::{AttachmentDeleted, EvidenceFile},
    multipart::{FormSchema, Parts, StreamedForm, bad_form, binary_schema, read_kind_then_file},
    out_time,
};
use crate::{
    error::{ApiResult, AppError},
    services::activity_files::{self, ActivityFileKind},
    state::AppState,
    storage::Received,
};
use chrono::{DateTime, FixedOffset};
use entity::activity_attachments::Model;
use poem_openapi::{
    Object, OpenApi,
    param::Path,
    payload::Json,
    registry::{MetaSchemaRef, Registry},
    types::Type,
};

pub struct ActivityFilesApi {
    pub state: AppState,
}

/// A file of an activity: a photo, a video, a report, or the scan of the original 登记表.
#[derive(Object)]
pub struct ActivityAttachmentOut {
    pub id: i32,
    pub activity_id: i32,
    pub kind: ActivityFileKind,
    /// The original file name, sanitised; its extension follows the content.
    pub filename: String,
    /// Size in bytes.
    pub size: i64,
    /// sha256 of the content, lowercase hex.
    pub sha256: String,
    /// Decided from the content (magic bytes), never from the name.
    pub content_type: String,
    pub uploaded_by: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Model> for ActivityAttachmentOut {
    fn from(a: Model) -> Self {
        Self {
            id: a.id,
            activity_id: a.activity_id,
            kind: a.kind,
            filename: a.filename,
            size: a.size,
            sha256: a.sha256,
            content_type: a.content_type,
            uploaded_by: a.uploaded_by,
            created_at: out_time(a.created_at),
        }
    }
}

/// The upload form: `kind`, then `file`.
pub struct ActivityFileForm;

impl FormSchema for ActivityFileForm {
    fn properties() -> Vec<(&'static str, MetaSchemaRef)> {
        vec![
            ("kind", ActivityFileKind::schema_ref()),
            ("file", binary_schema()),
        ]
    }
    fn required() -> Vec<&'static str> {
        vec!["kind", "file"]
    }
    fn register(registry: &mut Registry) {
        ActivityFileKind::register(registry);
    }
}

impl ActivityFilesApi {
    /// Reads `kind`, then the file, streamed to storage under the kind's rules.
    async fn read_form(&self, parts: &mut Parts) -> Result<(ActivityFileKind, String, Received), AppError> {
        read_kind_then_file(
            parts,
            |text| {
                ActivityFileKind::parse(text).ok_or_else(|| {
                    bad_form(
                        "kind",
                        "材料类型应为 photo、video、report 或 scan",
                        "kind must be photo, video, report or scan",
                    )
                })
            },
            |reader, kind| {
                let state = self.state.clone();
                Box::pin(async move { activity_files::receive(&state, reader, kind).await })
            },
        )
        .await
    }
}

#[OpenApi]
impl ActivityFilesApi {
    /// 上传活动材料 / Upload a photo, video, report or scan of an activity (owning team; admin for 补录)
    ///
    /// Multipart: `kind` (photo, video, report, scan), then `file`. Sniffed, limited and
    /// stored as application evidence: photos jpg/png (and what 18.7 adds), videos mp4,
    /// reports and scans as documents (415 `unsupported_file_type`, 413 `file_too_large`). The
    /// first scan of a backfilled activity makes it count. 409 `activity_cancelled`.
    #[oai(
        path = "/api/v1/activities/:id/attachments",
        method = "post",
        operation_id = "upload_activity_attachment",
        tag = "ApiTags::Activities"
    )]
    async fn upload(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        form: StreamedForm<ActivityFileForm>,
    ) -> ApiResult<Created<ActivityAttachmentOut>> {
        let caller = self.state.caller(&auth).await?;
        let mut parts = form.into_parts();
        let result = async {
            activity_files::check_upload(&self.state, &caller, id.0).await?;
            let (kind, filename, received) = self.read_form(&mut parts).await?;
            activity_files::attach(&self.state, &caller, id.0, kind, &filename, received).await
        }
        .await;
        match result {
            Ok(a) => Ok(Created::Created(Json(a.into()))),
            Err(e) => {
                parts.discard_rest().await;
                Err(e.into())
            }
        }
    }

    /// 活动材料列表 / An activity's files (scoped; assigned experts through the application)
    #[oai(
        path = "/api/v1/activities/:id/attachments",
        method = "get",
        operation_id = "list_activity_attachments",
        tag = "ApiTags::Activities"
    )]
    async fn list(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<List<ActivityAttachmentOut>>> {
        let caller = self.state.caller(&auth).await?;
        let items: Vec<ActivityAttachmentOut> = activity_files::list(&self.state, &caller, id.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        Ok(Json(List {
            total: items.len() as u64,
            items,
        }))
    }

    /// 下载活动材料 / Download an activity's file (whoever may see the activity or an application counting it)
    #[oai(
        path = "/api/v1/activity-attachments/:id/content",
        method = "get",
        operation_id = "download_activity_attachment",
        tag = "ApiTags::Activities"
    )]
    async fn download(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<EvidenceFile> {
        let caller = self.state.caller(&auth).await?;
        let (a, file, len) = activity_files::open(&self.state, &caller, id.0).await?;
        Ok(EvidenceFile::new(file, len, a.content_type, a.filename))
    }

    /// 删除活动材料 / Delete an activity's file (owning team; admin for 补录)
    ///
    /// Whoever may add files to the activity may remove them, until an application that
    /// counts the activity is submitted: from then on its reviewers rely on them (409
    /// `activity_files_relied_on`; a draft or an application returned for revision does not
    /// hold them). Removing the last scan of a 补录 leaves it uncounted until another scan
    /// comes. Another team's file: 404. Audited; the stored content is removed once nothing
    /// refers to it.
    #[oai(
        path = "/api/v1/activity-attachments/:id",
        method = "delete",
        operation_id = "delete_activity_attachment",
        tag = "ApiTags::Activities"
    )]
    async fn delete(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<AttachmentDeleted> {
        let caller = self.state.caller(&auth).await?;
        activity_files::delete(&self.state, &caller, id.0).await?;
        Ok(AttachmentDeleted::Deleted)
    }
}

//! Evidence attachments of an application (R-EVIDENCE).

use super::{
    ApiTags, BearerAuth, Created, List,
    multipart::{FormSchema, Parts, StreamedForm, bad_form, binary_schema, read_kind_then_file},
    out_time,
};
use crate::{
    error::{ApiResult, AppError},
    services::attachments,
    state::AppState,
    storage::{EvidenceKind, FileType, Received},
};
use chrono::{DateTime, FixedOffset};
use entity::attachments::Model;
use poem::{
    Body, IntoResponse, Response,
    http::{StatusCode, header},
};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::Path,
    payload::Json,
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry},
    types::Type,
};

pub struct AttachmentsApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct AttachmentOut {
    pub id: i32,
    pub application_id: i32,
    pub kind: EvidenceKind,
    /// The original file name, sanitised (no path parts, no control characters).
    pub filename: String,
    /// Size in bytes.
    pub size: i64,
    /// sha256 of the content, lowercase hex; the content is stored under this name.
    pub sha256: String,
    /// Decided from the content (magic bytes), never from the name.
    pub content_type: String,
    /// The user who uploaded it.
    pub uploaded_by: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Model> for AttachmentOut {
    fn from(a: Model) -> Self {
        Self {
            id: a.id,
            application_id: a.application_id,
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
pub struct AttachmentForm;

impl FormSchema for AttachmentForm {
    fn properties() -> Vec<(&'static str, MetaSchemaRef)> {
        vec![("kind", EvidenceKind::schema_ref()), ("file", binary_schema())]
    }
    fn required() -> Vec<&'static str> {
        vec!["kind", "file"]
    }
    fn register(registry: &mut Registry) {
        EvidenceKind::register(registry);
    }
}

/// The stored bytes, streamed from disk, with their content type and a `Content-Disposition`
/// carrying the original file name.
pub struct EvidenceFile {
    body: Body,
    len: u64,
    content_type: String,
    filename: String,
}

impl EvidenceFile {
    /// A stored file as a download.
    pub fn new(file: tokio::fs::File, len: u64, content_type: String, filename: String) -> Self {
        Self {
            body: Body::from_async_read(file),
            len,
            content_type,
            filename,
        }
    }
}

impl IntoResponse for EvidenceFile {
    fn into_response(self) -> Response {
        Response::builder()
            .status(StatusCode::OK)
            .content_type(self.content_type)
            .header(header::CONTENT_LENGTH, self.len)
            .header(
                header::CONTENT_DISPOSITION,
                super::download::for_file(&self.filename),
            )
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .body(self.body)
    }
}

impl ApiResponse for EvidenceFile {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The stored bytes, with the content type decided at upload.",
                status: Some(200),
                status_range: None,
                content: FileType::ALL
                    .into_iter()
                    .map(|t| MetaMediaType {
                        content_type: t.content_type(),
                        schema: binary_schema(),
                    })
                    .collect(),
                headers: vec![MetaHeader {
                    name: "Content-Disposition".into(),
                    description: Some(
                        "`attachment; filename=\"<ASCII fallback>\"; filename*=UTF-8''<the original name>` \
                         (RFC 6266, RFC 5987)"
                            .into(),
                    ),
                    required: true,
                    deprecated: false,
                    schema: String::schema_ref(),
                }],
            }],
        }
    }

    fn register(_registry: &mut Registry) {}
}

#[derive(ApiResponse)]
pub enum AttachmentDeleted {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}

impl AttachmentsApi {
    /// Reads the form part by part; the file streams to storage as it arrives.
    async fn read_form(&self, parts: &mut Parts) -> Result<(EvidenceKind, String, Received), AppError> {
        read_kind_then_file(
            parts,
            |text| {
                EvidenceKind::parse(text).ok_or_else(|| {
                    bad_form(
                        "kind",
                        "材料类型应为 summary、report、case、photo 或 video",
                        "kind must be summary, report, case, photo or video",
                    )
                })
            },
            |reader, kind| {
                let state = self.state.clone();
                Box::pin(async move { attachments::receive(&state, reader, kind).await })
            },
        )
        .await
    }
}

#[OpenApi]
impl AttachmentsApi {
    /// 上传申报材料 / Upload evidence for an application (owning team, while editable)
    ///
    /// Multipart: `kind` (summary, report, case, photo, video), then `file` (a file before
    /// the kind: 422 `kind_must_come_first`, nothing read). The type is
    /// decided by the content: pdf, docx, jpg, png for documents; jpg, png for photos; mp4 for
    /// video (415 `unsupported_file_type`). Size limits per kind are configuration (413
    /// `file_too_large`); a .docx must be a sound zip holding `word/document.xml`, unpacking
    /// to at most 100 MiB and 100:1 (422 `suspicious_archive`); at most 40 attachments and
    /// 500 MiB per application (configurable; 422 `too_many_attachments`); the stored name
    /// takes the sniffed type's extension. Nothing is stored when an upload is refused.
    #[oai(
        path = "/api/v1/applications/:id/attachments",
        method = "post",
        operation_id = "upload_attachment",
        tag = "ApiTags::Applications"
    )]
    async fn upload(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        form: StreamedForm<AttachmentForm>,
    ) -> ApiResult<Created<AttachmentOut>> {
        let caller = self.state.caller(&auth).await?;
        let mut parts = form.into_parts();
        let result = async {
            attachments::check_upload(&self.state, &caller, id.0).await?;
            let (kind, filename, received) = self.read_form(&mut parts).await?;
            attachments::attach(&self.state, &caller, id.0, kind, &filename, received).await
        }
        .await;
        match result {
            Ok(a) => Ok(Created::Created(Json(a.into()))),
            Err(e) => {
                // Let a client that is still sending read the refusal.
                parts.discard_rest().await;
                Err(e.into())
            }
        }
    }

    /// 申报材料列表 / List an application's evidence (scoped)
    #[oai(
        path = "/api/v1/applications/:id/attachments",
        method = "get",
        operation_id = "list_attachments",
        tag = "ApiTags::Applications"
    )]
    async fn list(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<List<AttachmentOut>>> {
        let caller = self.state.caller(&auth).await?;
        let items: Vec<AttachmentOut> = attachments::list(&self.state, &caller, id.0)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        Ok(Json(List {
            total: items.len() as u64,
            items,
        }))
    }

    /// 下载申报材料 / Download an attachment (scoped like its application)
    ///
    /// The stored bytes with their content type; `Content-Disposition` carries the original
    /// (sanitised) file name, Chinese included.
    #[oai(
        path = "/api/v1/attachments/:id/content",
        method = "get",
        operation_id = "download_attachment",
        tag = "ApiTags::Applications"
    )]
    async fn download(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<EvidenceFile> {
        let caller = self.state.caller(&auth).await?;
        let (a, file, len) = attachments::open(&self.state, &caller, id.0).await?;
        Ok(EvidenceFile {
            body: Body::from_async_read(file),
            len,
            content_type: a.content_type,
            filename: a.filename,
        })
    }

    /// 删除申报材料 / Delete an attachment (owning team, while the application is editable)
    ///
    /// 409 `application_not_editable` once submitted.
    #[oai(
        path = "/api/v1/attachments/:id",
        method = "delete",
        operation_id = "delete_attachment",
        tag = "ApiTags::Applications"
    )]
    async fn delete(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<AttachmentDeleted> {
        let caller = self.state.caller(&auth).await?;
        attachments::delete(&self.state, &caller, id.0).await?;
        Ok(AttachmentDeleted::Deleted)
    }
}

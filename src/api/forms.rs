//! The paper forms (R-FORM): the 活动登记表 and the 项目申报书 as Word documents, and the cycle's
//! archive of every accepted 申报书.

use super::{ApiTags, BearerAuth, download};
use crate::{
    error::ApiResult,
    services::forms::{activity, application, archive},
    state::AppState,
};
use poem::Body;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Binary};

pub struct FormsApi {
    pub state: AppState,
}

#[derive(ApiResponse)]
pub enum DocxResponse {
    /// The filled form (.docx); the file name is Chinese (RFC 6266 `filename*`) with an ASCII
    /// fallback.
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )]
    Ok(Binary<Vec<u8>>, #[oai(header = "Content-Disposition")] String),
}

#[derive(ApiResponse)]
pub enum ZipResponse {
    /// A zip of .docx files, streamed; the file name is Chinese with an ASCII fallback.
    #[oai(status = 200, content_type = "application/zip")]
    Ok(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

#[OpenApi]
impl FormsApi {
    /// 下载活动登记表 / Download the activity's registration form (活动登记表), .docx
    ///
    /// Attachment 1 of the notice, filled from the record; with what happened once reported.
    /// Whoever may read the activity may download it (the team, its unit and district, the
    /// admin); anyone else 404.
    #[oai(
        path = "/api/v1/activities/:id/form.docx",
        method = "get",
        operation_id = "download_activity_form",
        tag = "ApiTags::Activities"
    )]
    async fn activity_form(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<DocxResponse> {
        let caller = self.state.caller(&auth).await?;
        let f = activity::activity_form(&self.state, &caller, id.0).await?;
        let disposition = download::attachment(&f.ascii_file_name, &f.file_name);
        Ok(DocxResponse::Ok(Binary(f.bytes), disposition))
    }

    /// 下载项目申报书 / Download the application form (项目申报书), .docx
    ///
    /// Attachment 2 of the notice, filled from the record, with the signature and seal spaces
    /// left blank. Whoever may read the application may download it; an assigned expert's copy
    /// has no bank account and masked phone numbers, and the account number is masked for
    /// everyone but the owning team; anyone else 404.
    #[oai(
        path = "/api/v1/applications/:id/form.docx",
        method = "get",
        operation_id = "download_application_form",
        tag = "ApiTags::Applications"
    )]
    async fn application_form(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<DocxResponse> {
        let caller = self.state.caller(&auth).await?;
        let f = application::application_form(&self.state, &caller, id.0).await?;
        let disposition = download::attachment(&f.ascii_file_name, &f.file_name);
        Ok(DocxResponse::Ok(Binary(f.bytes), disposition))
    }

    /// 下载全部申报书 / Download every accepted application's form of the cycle, zip (admin)
    ///
    /// One `{序号}_{服务队}_{项目名称}.docx` per accepted application (accepted, awarded or not
    /// awarded), numbered in the order the applications were created: the association's
    /// archive copy. Streamed.
    #[oai(
        path = "/api/v1/cycles/:id/forms.zip",
        method = "get",
        operation_id = "download_cycle_forms",
        tag = "ApiTags::Cycles"
    )]
    async fn cycle_forms(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<ZipResponse> {
        let caller = self.state.caller(&auth).await?;
        let a = archive::cycle_forms(&self.state, &caller, id.0).await?;
        let disposition = download::attachment(&a.ascii_file_name, &a.file_name);
        let body = Body::from_async_read(tokio::fs::File::from_std(a.file));
        Ok(ZipResponse::Ok(Binary(body), disposition))
    }
}

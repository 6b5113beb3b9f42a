//! The paper forms (R-FORM) from the pages: the 活动登记表 and the 项目申报书 as .docx, through the
//! same service (and so the same scope and the same copies) as the API's downloads.

use super::{page::PageResult, session::Session};
use crate::{
    services::forms::{FormFile, activity::activity_form, application::application_form},
    state::AppState,
};
use poem::{
    Response, handler,
    http::header,
    web::{Data, Path},
};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn download(f: FormFile) -> Response {
    Response::builder()
        .content_type(DOCX)
        .header(
            header::CONTENT_DISPOSITION,
            crate::api::download::attachment(&f.ascii_file_name, &f.file_name),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(f.bytes)
}

/// `GET /activities/:id/form.docx`: the 活动登记表 of an activity the caller may read.
#[handler]
pub async fn activity(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    Ok(download(activity_form(&state, &s.caller, id).await?))
}

/// `GET /applications/:id/form.docx`: the 项目申报书 as the caller may read it (an expert's
/// copy has no bank data and masked numbers).
#[handler]
pub async fn application(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    Ok(download(application_form(&state, &s.caller, id).await?))
}

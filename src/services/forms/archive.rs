//! The association's archive copy: every accepted application's 申报书 of a cycle in one zip
//! (admin). Built off the async workers with flat memory: the records are loaded one at a time
//! and handed through a small channel to a blocking task that builds each document and writes
//! it straight into a temporary file, which the response then streams.

use super::{
    application::{ACCEPTED, Copy, load},
    file_part,
};
use crate::{
    authz::Caller,
    domain::roles::Role,
    error::{AppError, AppResult},
    export::application_form::{self, ApplicationForm},
    services::cycles,
    state::AppState,
};
use entity::applications;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::io::{Seek, SeekFrom, Write};

/// The zip, ready to stream: an unnamed temporary file (gone once closed), at its start.
#[derive(Debug)]
pub struct ArchiveFile {
    /// e.g. `2024年智惠行动项目申报书.zip`.
    pub file_name: String,
    /// e.g. `cycle-3-forms.zip`.
    pub ascii_file_name: String,
    pub file: std::fs::File,
    pub len: u64,
    /// How many documents it holds.
    pub count: usize,
}

/// Documents in flight between the loader and the writer: bounds the memory whatever the
/// number of applications.
const IN_FLIGHT: usize = 4;

/// `{序号}_{服务队}_{项目名称}.docx`, each part sanitised (R-FORM).
pub fn entry_name(number: usize, form: &ApplicationForm) -> String {
    format!(
        "{number}_{}_{}.docx",
        file_part(&form.team_name, 60),
        file_part(&form.project_name, 40)
    )
}

/// Builds each received form and writes it into the zip; returns the file at its start.
fn write_zip(
    file: std::fs::File,
    mut rx: tokio::sync::mpsc::Receiver<(String, ApplicationForm)>,
) -> Result<(std::fs::File, u64), std::io::Error> {
    let mut zip = zip::ZipWriter::new(file);
    // A .docx is already deflated (`export::docx::pack`): store it as it is.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    while let Some((name, form)) = rx.blocking_recv() {
        let bytes = application_form::build(&form)?;
        zip.start_file(name, options).map_err(std::io::Error::other)?;
        zip.write_all(&bytes)?;
    }
    let mut file = zip.finish().map_err(std::io::Error::other)?;
    let len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, len))
}

/// R-FORM: every accepted application's 申报书 (in the overseer's copy: R-PII masks the account
/// numbers for the admin), numbered in the order the applications were created.
#[tracing::instrument(skip_all, fields(cycle_id))]
pub async fn cycle_forms(state: &AppState, caller: &Caller, cycle_id: i32) -> AppResult<ArchiveFile> {
    caller.require(&[Role::Admin])?;
    let cycle = cycles::find(&state.db, cycle_id).await?;
    let ids: Vec<i32> = applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .filter(applications::Column::CycleId.eq(cycle_id))
        .filter(applications::Column::Status.is_in(ACCEPTED.map(|s| s.as_str())))
        .order_by_asc(applications::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let (tx, rx) = tokio::sync::mpsc::channel(IN_FLIGHT);
    let file = tempfile::tempfile()?;
    let writer = tokio::task::spawn_blocking(move || write_zip(file, rx));
    let mut loaded = Ok(());
    for (i, id) in ids.iter().enumerate() {
        let step = async {
            let app = applications::Entity::find_by_id(*id)
                .one(&state.db)
                .await?
                .ok_or_else(|| AppError::internal("application vanished"))?;
            let form = load(&state.db, app, Copy::Overseer).await?;
            AppResult::Ok((entry_name(i + 1, &form), form))
        };
        match step.await {
            // A closed channel means the writer failed: its error is reported below.
            Ok(item) => {
                if tx.send(item).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                loaded = Err(e);
                break;
            }
        }
    }
    drop(tx);
    let written = writer.await.map_err(AppError::internal)?;
    loaded?;
    let (file, len) = written?;
    Ok(ArchiveFile {
        file_name: format!("{}年智惠行动项目申报书.zip", cycle.year),
        ascii_file_name: format!("cycle-{cycle_id}-forms.zip"),
        file,
        len,
        count: ids.len(),
    })
}

//! The round's materials (issue 13): each recommended candidate's form (001) as .docx, the
//! 推荐汇总表 as xlsx, and one zip of forms, photos (`姓名+序号.jpg`, 002), the stamped scans
//! (`姓名+推荐表.pdf`) and the videos (`姓名+视频.mp4`). Admin only, once
//! the round is decided; producing the zip moves the round to `exported`.

use super::{
    candidates::{self, candidate_not_found},
    find_round,
    record::CandidateView,
    view as round_view,
};
use crate::{
    authz::Caller,
    domain::{
        recommendation::{self as rec, Condition, RecommendationCategory, RoundAction, RoundStatus},
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    export::{
        docx::date_zh,
        recommendation_form::{self as form, FormFields, RecommendationForm},
        recommendation_sheet::{self as sheet, SummaryRow, SummarySheet},
    },
    services::forms::file_part,
    state::AppState,
};
use entity::{applications, recommendation_rounds as rounds};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::io::{Seek, SeekFrom, Write};

/// A produced file: its Chinese name and its bytes.
pub struct Produced {
    pub file_name: String,
    pub ascii_file_name: String,
    pub bytes: Vec<u8>,
}

/// A zip entry: produced bytes, or a stored file copied in as it is read.
enum Entry {
    Bytes(Vec<u8>),
    File(std::fs::File),
}

/// The zip, ready to stream from an unnamed temporary file.
pub struct Package {
    pub file_name: String,
    pub ascii_file_name: String,
    pub file: std::fs::File,
    pub len: u64,
}

fn require_decided(round: &rounds::Model) -> Result<(), DomainError> {
    if matches!(round.status, RoundStatus::Decided | RoundStatus::Exported) {
        Ok(())
    } else {
        Err(rec::round_state(
            "确定推荐名单后才能导出推荐材料",
            "the materials exist once the round is decided",
        ))
    }
}

fn opt(n: Option<i32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn percent(n: Option<i32>) -> String {
    n.map(|n| format!("{n}%")).unwrap_or_default()
}

fn figure(v: &CandidateView, c: Condition) -> Option<String> {
    v.checklist
        .iter()
        .find(|i| i.condition == c)
        .and_then(|i| i.figure.clone())
}

/// The photo files of a candidate as 002 names them.
pub fn photo_names(v: &CandidateView) -> Vec<String> {
    (1..=v.photos.len())
        .map(|i| rec::photo_name(&file_part(&v.candidate.name, 60), i))
        .collect()
}

/// The form's fields from the candidate and the record.
async fn form_of(
    db: &impl ConnectionTrait,
    round: &rounds::Model,
    v: &CandidateView,
) -> AppResult<RecommendationForm> {
    let team = v.team.as_ref();
    let team_name = team.map(|t| t.name.clone()).unwrap_or_default();
    let x = &v.details.extras;
    let fields = match v.candidate.category {
        RecommendationCategory::Volunteer => {
            let p = v
                .details
                .volunteer
                .clone()
                .ok_or_else(|| AppError::internal("volunteer candidate without particulars"))?;
            let birth = p
                .birth_month
                .split_once('-')
                .map_or(p.birth_month.clone(), |(y, m)| {
                    format!("{y}年{}月", m.trim_start_matches('0'))
                });
            FormFields::Volunteer {
                name: p.name,
                gender: p.gender,
                birth_month: birth,
                political_status: p.political_status,
                address: p.address,
                contact: p.mobile,
                organisation: team_name,
                main_project: p.main_project,
                serving_since: date_zh(p.serving_since),
                activity_count: p.activity_count.to_string(),
            }
        }
        RecommendationCategory::Team => {
            let volunteers = team.map(|t| t.volunteer_count);
            let per_capita = match (x.total_hours, volunteers) {
                (Some(h), Some(n)) if n > 0 => format!("{:.1}", f64::from(h) / f64::from(n)),
                _ => String::new(),
            };
            FormFields::Team {
                name: team_name,
                founded: team.map(|t| date_zh(t.founded_on)).unwrap_or_default(),
                volunteers: opt(volunteers),
                party_members: opt(x.party_members),
                total_hours: opt(x.total_hours),
                hours_per_capita: per_capita,
                regular_share: percent(x.regular_percent),
                activities: figure(v, Condition::Activities50).unwrap_or_default(),
                leader: team.map(|t| t.leader_name.clone()).unwrap_or_default(),
                contact: team.map(|t| t.leader_mobile.clone()).unwrap_or_default(),
                usual_projects: x.usual_projects.clone().unwrap_or_default(),
            }
        }
        RecommendationCategory::Project => {
            let app = match v.candidate.application_id {
                Some(id) => applications::Entity::find_by_id(id).one(db).await?,
                None => None,
            };
            FormFields::Project {
                name: v.candidate.name.clone(),
                organisation: team_name,
                period: figure(v, Condition::Project3y)
                    .filter(|f| f.starts_with('自'))
                    .map(|f| format!("{f}至今"))
                    .unwrap_or_default(),
                volunteers: opt(team.map(|t| t.volunteer_count)),
                party_share: percent(x.party_percent),
                leader: app.as_ref().map(|a| a.leader_name.clone()).unwrap_or_default(),
                contact: app.map(|a| a.mobile).unwrap_or_default(),
            }
        }
        RecommendationCategory::ServicePoint => {
            let p = v
                .details
                .service_point
                .clone()
                .ok_or_else(|| AppError::internal("service point candidate without particulars"))?;
            FormFields::ServicePoint {
                province: p.province,
                city: p.city,
                county: p.county,
                street: p.street,
                community: p.community,
                leader: p.leader_name,
                contact: p.contact,
                volunteers: p.registered_volunteers.to_string(),
                party_members: p.party_members.to_string(),
                registered_share: format!("{}%", p.registered_share_percent),
                residents_share: format!("{}%", p.residents_percent),
                categories: p.activity_categories.join("、"),
                activities_per_year: p.activities_per_year.to_string(),
                teams: p.teams.join("、"),
            }
        }
    };
    Ok(RecommendationForm {
        fields,
        deeds: v.candidate.deeds.clone(),
        photo_names: photo_names(v),
        recommending_body: round.recommending_body.clone(),
    })
}

fn form_file_name(v: &CandidateView) -> String {
    format!(
        "{}-{}推荐表.docx",
        v.candidate.category.label_zh(),
        file_part(&v.candidate.name, 60)
    )
}

async fn build_form(f: RecommendationForm) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || form::build(&f))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// One recommended candidate's form (.docx).
#[tracing::instrument(skip_all, fields(round_id = round_id, candidate_id = id))]
pub async fn candidate_form(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    id: i32,
) -> AppResult<Produced> {
    caller.require(&[Role::Admin])?;
    let v = candidates::get(state, caller, round_id, id).await?;
    let round = find_round(&state.db, caller, round_id).await?;
    require_decided(&round)?;
    if !v.candidate.recommended {
        return Err(candidate_not_found());
    }
    let f = form_of(&state.db, &round, &v).await?;
    Ok(Produced {
        file_name: form_file_name(&v),
        ascii_file_name: format!("recommendation-{}-candidate-{}.docx", round.id, v.candidate.id),
        bytes: build_form(f).await?,
    })
}

fn summary(round: &rounds::Model, waived: &[Condition], list: &[CandidateView]) -> SummarySheet {
    let rows = list
        .iter()
        .map(|v| {
            let waived_here: Vec<String> = v
                .checklist
                .iter()
                .filter(|i| i.measured && !i.met && waived.contains(&i.condition))
                .map(|i| i.requirement.to_owned())
                .collect();
            let conditions = if waived_here.is_empty() {
                "均符合".to_owned()
            } else {
                format!("均符合（豁免：{}）", waived_here.join("；"))
            };
            let (contact_name, contact) = match (&v.details.volunteer, &v.details.service_point, &v.team) {
                (Some(p), _, _) => (p.name.clone(), p.mobile.clone()),
                (_, Some(p), _) => (p.leader_name.clone(), p.contact.clone()),
                (_, _, Some(t)) => (t.leader_name.clone(), t.leader_mobile.clone()),
                _ => (String::new(), String::new()),
            };
            SummaryRow {
                category: v.candidate.category.label_zh().to_owned(),
                rank: v.candidate.rank,
                name: v.candidate.name.clone(),
                organisation: v.team.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                nominated_by: v
                    .nominator_unit_name
                    .clone()
                    .unwrap_or_else(|| round.recommending_body.clone()),
                contact_name,
                contact,
                conditions,
                photos: v.photos.len(),
            }
        })
        .collect();
    SummarySheet {
        title: format!("{}推荐汇总表", round.title),
        recommending_body: round.recommending_body.clone(),
        rows,
    }
}

/// The 推荐汇总表 (xlsx) of the recommended candidates.
#[tracing::instrument(skip_all, fields(round_id = round_id))]
pub async fn summary_sheet(state: &AppState, caller: &Caller, round_id: i32) -> AppResult<Produced> {
    caller.require(&[Role::Admin])?;
    let round = find_round(&state.db, caller, round_id).await?;
    require_decided(&round)?;
    let waived = round_view(&state.db, round.clone()).await?.waived();
    let list = candidates::recommended(&state.db, &round, state.now()).await?;
    let s = summary(&round, &waived, &list);
    let bytes = tokio::task::spawn_blocking(move || sheet::build(&s))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(Produced {
        file_name: format!("{}推荐汇总表.xlsx", file_part(&round.title, 60)),
        ascii_file_name: format!("recommendation-{}-summary.xlsx", round.id),
        bytes,
    })
}

/// Everything to send: `推荐汇总表.xlsx`, then per candidate a folder `{n}_{名称}/` holding its
/// form and its photos `{名称}{序号}.jpg`. The round becomes `exported` (audited).
#[tracing::instrument(skip_all, fields(round_id = round_id))]
pub async fn package(state: &AppState, caller: &Caller, round_id: i32) -> AppResult<Package> {
    caller.require(&[Role::Admin])?;
    let round = find_round(&state.db, caller, round_id).await?;
    require_decided(&round)?;
    let sheet_file = summary_sheet(state, caller, round_id).await?;
    let list = candidates::recommended(&state.db, &round, state.now()).await?;
    let mut entries: Vec<(String, Entry)> =
        vec![("推荐汇总表.xlsx".to_owned(), Entry::Bytes(sheet_file.bytes))];
    for (n, v) in list.iter().enumerate() {
        let folder = format!("{}_{}", n + 1, file_part(&v.candidate.name, 60));
        let f = form_of(&state.db, &round, v).await?;
        entries.push((
            format!("{folder}/{}", form_file_name(v)),
            Entry::Bytes(build_form(f).await?),
        ));
        for (p, name) in v.photos.iter().zip(photo_names(v)) {
            let (file, _) = state.storage.open(&p.sha256).await?;
            entries.push((format!("{folder}/{name}"), Entry::File(file.into_std().await)));
        }
        // The stamped scan and the video (a video may be 200 MiB: copied from its file, never
        // held in memory).
        for m in &v.materials {
            let (file, _) = state.storage.open(&m.sha256).await?;
            let name = super::materials::file_name(&v.candidate.name, m);
            entries.push((format!("{folder}/{name}"), Entry::File(file.into_std().await)));
        }
    }
    let (file, len) = tokio::task::spawn_blocking(move || -> std::io::Result<(std::fs::File, u64)> {
        let mut zip = zip::ZipWriter::new(tempfile::tempfile()?);
        // Forms, sheets, JPEGs, PDFs and videos are compressed already.
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, entry) in entries {
            zip.start_file(name, options).map_err(std::io::Error::other)?;
            match entry {
                Entry::Bytes(bytes) => zip.write_all(&bytes)?,
                Entry::File(mut f) => {
                    std::io::copy(&mut f, &mut zip)?;
                }
            }
        }
        let mut file = zip.finish().map_err(std::io::Error::other)?;
        let len = file.seek(SeekFrom::End(0))?;
        file.seek(SeekFrom::Start(0))?;
        Ok((file, len))
    })
    .await
    .map_err(AppError::internal)??;
    super::act(state, caller, round_id, RoundAction::Export).await?;
    Ok(Package {
        file_name: format!("{}推荐材料.zip", file_part(&round.title, 60)),
        ascii_file_name: format!("recommendation-{}-materials.zip", round.id),
        file,
        len,
    })
}

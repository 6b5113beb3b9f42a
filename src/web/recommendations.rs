//! 先进典型推荐 (issue 13): the admin runs a round (creates it, opens it, waives conditions,
//! ranks and recommends, decides, downloads the materials); units and districts nominate their
//! teams and see their candidates' checklists. The same services as the API.

use super::{
    format,
    page::{Layout, PageError, PageResult, field, form_error, html_status, layout_for, pairs, see_other},
    session::Session,
};
use crate::{
    domain::{
        recommendation::{
            Condition, Quotas, RecommendationCategory, RoundAction, RoundStatus, confirm_items,
        },
        roles::Role,
    },
    error::DomainError,
    services::{
        orgs,
        recommendations::{
            self as recs, NewRound,
            candidates::{self, NewCandidate},
            exports::{self, Produced},
            photos,
        },
    },
    state::AppState,
};
use askama::Template;
use chrono::NaiveDate;
use poem::{
    Response, handler,
    http::{StatusCode, header},
    web::{Data, Path},
};

pub struct RoundRow {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub deadline: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "recommend/rounds.html")]
struct RoundsTpl {
    l: Layout,
    rows: Vec<RoundRow>,
    is_admin: bool,
    error: Option<String>,
}

pub fn status_label(s: RoundStatus) -> &'static str {
    match s {
        RoundStatus::Draft => "草稿",
        RoundStatus::Collecting => "征集中",
        RoundStatus::Decided => "已确定推荐名单",
        RoundStatus::Exported => "已导出材料",
    }
}

async fn rounds_page(state: &AppState, s: &Session, error: Option<String>, status: StatusCode) -> PageResult {
    let rows = recs::list(state, &s.caller)
        .await?
        .into_iter()
        .map(|r| RoundRow {
            id: r.id,
            year: r.year,
            deadline: r.deadline.to_string(),
            status: status_label(r.status),
            title: r.title,
        })
        .collect();
    Ok(html_status(
        &RoundsTpl {
            l: layout_for(state, s, "先进典型推荐", "/recommendations").await?,
            rows,
            is_admin: s.caller.is(Role::Admin),
            error,
        },
        status,
    ))
}

/// `GET /recommendations`: the rounds (and, for the admin, the form for a new one).
#[handler]
pub async fn list(state: Data<&AppState>, s: Session) -> PageResult {
    rounds_page(&state, &s, None, StatusCode::OK).await
}

fn number(pairs: &[(String, String)], key: &str) -> Result<Option<i32>, DomainError> {
    let v = field(pairs, key);
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| DomainError::invalid(key, "请填写整数", "a whole number is required"))
}

/// `POST /recommendations`: a new round (admin).
#[handler]
pub async fn create(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    let p = pairs(&body);
    let parsed = (|| -> Result<NewRound, DomainError> {
        Ok(NewRound {
            year: number(&p, "year")?.unwrap_or_default(),
            title: field(&p, "title"),
            issuing_body: field(&p, "issuing_body"),
            recommending_body: field(&p, "recommending_body"),
            deadline: NaiveDate::parse_from_str(field(&p, "deadline").trim(), "%Y-%m-%d")
                .map_err(|_| DomainError::invalid("deadline", "请填写截止日期", "a deadline is required"))?,
            quotas: Quotas {
                volunteer: number(&p, "quota_volunteer")?,
                team: number(&p, "quota_team")?,
                project: number(&p, "quota_project")?,
                service_point: number(&p, "quota_service_point")?,
                total_cap: number(&p, "total_cap")?,
            },
        })
    })();
    let result = match parsed {
        Ok(new) => recs::create(&state, &s.caller, new).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Ok(see_other(&format!("/recommendations/{}", v.round.id))),
        Err(e) => {
            let e = form_error(e)?;
            rounds_page(
                &state,
                &s,
                Some(e.zh.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub struct CheckRow {
    pub requirement: String,
    pub figure: String,
    pub source: String,
    pub measured: bool,
    pub state: &'static str,
    pub class: &'static str,
}

pub struct CandidateRow {
    pub id: i32,
    pub category: &'static str,
    pub name: String,
    pub team_name: String,
    pub nominated_by: String,
    pub rank: String,
    pub recommended: bool,
    pub eligible: bool,
    /// The nominator (or the admin) may still add photos.
    pub can_upload: bool,
    pub photos: usize,
    pub outcome: &'static str,
    pub checks: Vec<CheckRow>,
}

pub struct Option2 {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "recommend/round.html")]
struct RoundTpl {
    l: Layout,
    id: i32,
    title: String,
    issuing_body: String,
    deadline: String,
    status: &'static str,
    quotas: Vec<(String, String)>,
    waivers: Vec<(String, String)>,
    rows: Vec<CandidateRow>,
    is_admin: bool,
    can_open: bool,
    collecting: bool,
    decided: bool,
    teams: Vec<Option2>,
    team_confirms: Vec<Option2>,
    waivable: Vec<Option2>,
    error: Option<String>,
}

fn condition_label(c: Condition) -> String {
    // The requirement's wording, as the checklist prints it.
    crate::domain::recommendation::requirement(c).to_owned()
}

async fn round_page(
    state: &AppState,
    s: &Session,
    id: i32,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let v = recs::get(state, &s.caller, id).await?;
    let waived = v.waived();
    let (_, found) = candidates::list(state, &s.caller, id).await?;
    let collecting = v.round.status == RoundStatus::Collecting;
    let rows = found
        .into_iter()
        .map(|c| {
            let checks: Vec<CheckRow> = c
                .checklist
                .iter()
                .map(|i| {
                    let is_waived = i.measured && !i.met && waived.contains(&i.condition);
                    let (state, class) = match (i.met, is_waived, i.measured) {
                        (true, _, true) => ("符合", "ok"),
                        (true, _, false) => ("已确认", "ok"),
                        (false, true, _) => ("已豁免", "warn"),
                        (false, false, true) => ("不符合", "bad"),
                        (false, false, false) => ("待确认", "warn"),
                    };
                    CheckRow {
                        requirement: i.requirement.to_owned(),
                        figure: i.figure.clone().unwrap_or_default(),
                        source: i.source.clone(),
                        measured: i.measured,
                        state,
                        class,
                    }
                })
                .collect();
            CandidateRow {
                id: c.candidate.id,
                category: c.candidate.category.label_zh(),
                eligible: checks.iter().all(|k| k.class != "bad" && k.state != "待确认"),
                checks,
                name: c.candidate.name.clone(),
                team_name: c.team.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                nominated_by: c.nominator_unit_name.clone().unwrap_or_else(|| "市科协".into()),
                rank: c.candidate.rank.map(|r| r.to_string()).unwrap_or_default(),
                recommended: c.candidate.recommended,
                can_upload: collecting && c.photos.len() < crate::domain::recommendation::PHOTOS_MAX,
                photos: c.photos.len(),
                outcome: match c.candidate.outcome {
                    Some(crate::domain::recommendation::UpperOutcome::Selected) => "入选",
                    Some(crate::domain::recommendation::UpperOutcome::NotSelected) => "未入选",
                    None => "",
                },
            }
        })
        .collect();
    let q = v.quotas();
    let quotas = RecommendationCategory::ALL
        .iter()
        .filter_map(|c| {
            q.of(*c)
                .map(|n| (c.label_zh().to_owned(), format!("不超过{n}个")))
        })
        .chain(
            q.total_cap
                .map(|n| ("总推荐数".to_owned(), format!("不超过{n}个"))),
        )
        .collect();
    let r = &v.round;
    let teams = if collecting && q.team.is_some() {
        orgs::list_teams(state, &s.caller, None, 0, 10_000)
            .await?
            .0
            .into_iter()
            .map(|t| Option2 {
                value: t.id.to_string(),
                label: t.name,
            })
            .collect()
    } else {
        vec![]
    };
    Ok(html_status(
        &RoundTpl {
            l: layout_for(state, s, r.title.clone(), "/recommendations").await?,
            id: r.id,
            title: r.title.clone(),
            issuing_body: r.issuing_body.clone(),
            deadline: format::date(r.deadline),
            status: status_label(r.status),
            quotas,
            waivers: v
                .waivers
                .iter()
                .map(|w| (condition_label(w.condition), w.reason.clone()))
                .collect(),
            rows,
            is_admin: s.caller.is(Role::Admin),
            can_open: r.status == RoundStatus::Draft,
            collecting,
            decided: matches!(r.status, RoundStatus::Decided | RoundStatus::Exported),
            teams,
            team_confirms: confirm_items(RecommendationCategory::Team)
                .iter()
                .map(|c| Option2 {
                    value: c.as_str().to_owned(),
                    label: condition_label(*c),
                })
                .collect(),
            waivable: recs::WAIVABLE
                .iter()
                .map(|c| Option2 {
                    value: c.as_str().to_owned(),
                    label: condition_label(*c),
                })
                .collect(),
            error,
        },
        status,
    ))
}

/// `GET /recommendations/:id`: the round, its candidates and their checklists.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    round_page(&state, &s, id, None, StatusCode::OK).await
}

async fn after(
    state: &AppState,
    s: &Session,
    id: i32,
    result: Result<(), crate::error::AppError>,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(&format!("/recommendations/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            round_page(
                state,
                s,
                id,
                Some(e.zh.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /recommendations/:id/step`: `action` = `open` or `decide` (admin).
#[handler]
pub async fn step(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let action = match field(&pairs(&body), "action").as_str() {
        "open" => RoundAction::Open,
        "decide" => RoundAction::Decide,
        _ => return Err(PageError::Status(StatusCode::BAD_REQUEST)),
    };
    let r = recs::act(&state, &s.caller, id, action).await.map(|_| ());
    after(&state, &s, id, r).await
}

/// `POST /recommendations/:id/waivers`: `condition`, `reason` (admin; audited).
#[handler]
pub async fn waive(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let r = match Condition::parse(&field(&p, "condition")) {
        Some(c) => recs::waive(&state, &s.caller, id, c, &field(&p, "reason"))
            .await
            .map(|_| ()),
        None => Err(DomainError::invalid("condition", "请选择条件", "choose a condition").into()),
    };
    after(&state, &s, id, r).await
}

/// `POST /recommendations/:id/candidates`: a team nominated with its deeds and confirmations
/// (units and districts from their scope; the admin any).
#[handler]
pub async fn nominate(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let team_id = field(&p, "team_id").trim().parse::<i32>().ok();
    let confirmed = super::page::all(&p, "confirmed")
        .iter()
        .filter_map(|c| Condition::parse(c))
        .collect();
    let new = NewCandidate {
        category: RecommendationCategory::Team,
        team_id,
        application_id: None,
        volunteer: None,
        service_point: None,
        extras: None,
        outstanding: field(&p, "outstanding") == "on",
        deeds: field(&p, "deeds"),
        confirmed,
    };
    let r = candidates::nominate(&state, &s.caller, id, new).await.map(|_| ());
    after(&state, &s, id, r).await
}

/// `POST /recommendations/:id/candidates/:cid/decision`: `rank`, `recommended` (admin).
#[handler]
pub async fn decide(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    body: String,
) -> PageResult {
    let p = pairs(&body);
    let r = match number(&p, "rank") {
        Ok(rank) => candidates::decide(&state, &s.caller, id, cid, rank, field(&p, "recommended") == "on")
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after(&state, &s, id, r).await
}

fn download(f: Produced, content_type: &str) -> Response {
    Response::builder()
        .content_type(content_type)
        .header(
            header::CONTENT_DISPOSITION,
            crate::api::download::attachment(&f.ascii_file_name, &f.file_name),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(f.bytes)
}

/// `GET /recommendations/:id/summary.xlsx` (admin, once decided).
#[handler]
pub async fn summary(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let f = exports::summary_sheet(&state, &s.caller, id).await?;
    Ok(download(
        f,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ))
}

/// `GET /recommendations/:id/candidates/:cid/form.docx` (admin, once decided).
#[handler]
pub async fn form(state: Data<&AppState>, s: Session, Path((id, cid)): Path<(i32, i32)>) -> PageResult {
    let f = exports::candidate_form(&state, &s.caller, id, cid).await?;
    Ok(download(
        f,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ))
}

/// `GET /recommendations/:id/materials.zip` (admin, once decided): the round becomes exported.
#[handler]
pub async fn materials(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let p = exports::package(&state, &s.caller, id).await?;
    let f = Produced {
        file_name: p.file_name,
        ascii_file_name: p.ascii_file_name,
        bytes: vec![],
    };
    let body = poem::Body::from_async_read(tokio::fs::File::from_std(p.file));
    let mut r = download(f, "application/zip");
    r.set_body(body);
    Ok(r)
}

/// Bytes of a refused upload still read (so the browser sees the answer), at most.
const DRAIN_BUDGET: u64 = 16 * 1024 * 1024;

async fn read_photo(
    state: &AppState,
    s: &Session,
    id: i32,
    cid: i32,
    parts: &mut poem::web::Multipart,
) -> Result<(), crate::error::AppError> {
    use tokio::io::AsyncReadExt;
    photos::check_upload(state, &s.caller, id, cid).await?;
    while let Some(field) = parts
        .next_field()
        .await
        .map_err(|e| DomainError::invalid("file", "上传表单格式错误", e.to_string()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let reader = field.into_async_read();
        tokio::pin!(reader);
        let received = match photos::receive(state, &mut reader).await {
            Ok(r) => r,
            Err(e) => {
                let _ = tokio::io::copy(&mut (&mut reader).take(DRAIN_BUDGET), &mut tokio::io::sink()).await;
                return Err(e);
            }
        };
        photos::attach(state, &s.caller, id, cid, received).await?;
        return Ok(());
    }
    Err(DomainError::invalid("file", "请选择要上传的照片", "choose a photo").into())
}

/// `POST /recommendations/:id/candidates/:cid/photos?csrf=…`: multipart `file` (JPEG, 1–3 MB).
#[handler]
pub async fn upload_photo(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    mut parts: poem::web::Multipart,
) -> PageResult {
    let r = read_photo(&state, &s, id, cid, &mut parts).await;
    after(&state, &s, id, r).await
}

/// `POST /recommendations/:id/candidates/:cid/outcome`: `outcome` = `selected`,
/// `not_selected` or empty (admin, once decided).
#[handler]
pub async fn outcome(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    body: String,
) -> PageResult {
    let o = crate::domain::recommendation::UpperOutcome::parse(&field(&pairs(&body), "outcome"));
    let r = candidates::record_outcome(&state, &s.caller, id, cid, o)
        .await
        .map(|_| ());
    after(&state, &s, id, r).await
}

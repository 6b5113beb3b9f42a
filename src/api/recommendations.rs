//! Recommendations to the upper-level 先进典型 selections (issue 13): rounds, candidates and
//! their checklists, deciding, materials, outcomes.

use super::{
    ApiTags, BearerAuth, Created, List, download,
    forms::{DocxResponse, ZipResponse},
    multipart::{FormSchema, StreamedForm, binary_schema},
    out_time,
};
use crate::{
    authz::Caller,
    domain::pii::mask_phone,
    domain::recommendation::{
        Condition, FormExtras, MaterialKind, Quotas, RecommendationCategory, RoundAction, RoundStatus,
        ServicePointDetails, UpperOutcome, VolunteerDetails,
    },
    domain::roles::Role,
    error::ApiResult,
    services::recommendations::{
        self as recs, NewRound, RoundView,
        candidates::{self, CandidatePatch, NewCandidate},
        exports, materials, photos,
        record::CandidateView,
    },
    state::AppState,
    storage::FileType,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use poem::{
    Body, IntoResponse, Response,
    http::{StatusCode, header},
};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry},
    types::Type,
};

pub struct RecommendationsApi {
    pub state: AppState,
}

/// Per category, how many may be recommended; a category left out is not taken by the round.
#[derive(Object, Default)]
pub struct RecommendationQuotas {
    /// 科技志愿者.
    pub volunteer: Option<i32>,
    /// 科技志愿服务组织.
    pub team: Option<i32>,
    /// 科技志愿服务项目.
    pub project: Option<i32>,
    /// 科技志愿服务点（社区或村）.
    pub service_point: Option<i32>,
}

#[derive(Object)]
pub struct RecommendationRoundIn {
    /// The year the call is for (e.g. 2024 for `2024年度科技志愿服务先进典型`).
    pub year: i32,
    /// The call, e.g. `2024年度科技志愿服务先进典型`.
    pub title: String,
    /// Who issued the call, e.g. `中国科协办公厅`.
    pub issuing_body: String,
    /// 推荐单位 printed on the forms, e.g. `沈阳市科学技术协会`.
    pub recommending_body: String,
    /// The call's deadline.
    pub deadline: NaiveDate,
    /// Quotas (1–100) per category (e.g. "每个类别不超过5个").
    pub quotas: RecommendationQuotas,
    /// Optional cap on all categories together (e.g. "总推荐数不超过5个").
    pub total_cap: Option<i32>,
}

/// A condition the round waives, with why.
#[derive(Object)]
pub struct RecommendationWaiverOut {
    pub condition: Condition,
    pub reason: String,
    pub waived_by: i32,
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Object)]
pub struct RecommendationRoundOut {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub issuing_body: String,
    pub recommending_body: String,
    pub deadline: NaiveDate,
    pub quotas: RecommendationQuotas,
    pub total_cap: Option<i32>,
    /// `draft → collecting → decided → exported`.
    pub status: RoundStatus,
    pub waivers: Vec<RecommendationWaiverOut>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<RoundView> for RecommendationRoundOut {
    fn from(v: RoundView) -> Self {
        let r = v.round;
        Self {
            id: r.id,
            year: r.year,
            title: r.title,
            issuing_body: r.issuing_body,
            recommending_body: r.recommending_body,
            deadline: r.deadline,
            quotas: RecommendationQuotas {
                volunteer: r.quota_volunteer,
                team: r.quota_team,
                project: r.quota_project,
                service_point: r.quota_service_point,
            },
            total_cap: r.total_cap,
            status: r.status,
            waivers: v
                .waivers
                .into_iter()
                .map(|w| RecommendationWaiverOut {
                    condition: w.condition,
                    reason: w.reason,
                    waived_by: w.waived_by,
                    created_at: out_time(w.created_at),
                })
                .collect(),
            created_at: out_time(r.created_at),
        }
    }
}

#[derive(Object)]
pub struct RecommendationWaiverIn {
    /// A condition measured from the record.
    pub condition: Condition,
    /// Why the round waives it (recorded in the audit log).
    pub reason: String,
}

#[derive(Object)]
pub struct RecommendationCandidateIn {
    pub category: RecommendationCategory,
    /// `team`: the team; `volunteer`: the team the volunteer serves in. Must be in the caller's
    /// scope (another unit's team: 404).
    pub team_id: Option<i32>,
    /// `project`: the application (an awarded one, typically).
    pub application_id: Option<i32>,
    /// `volunteer`: the particulars of the form.
    pub volunteer: Option<VolunteerDetails>,
    /// `service_point`: the particulars of the form.
    pub service_point: Option<ServicePointDetails>,
    /// Figures of the form the record does not hold.
    pub extras: Option<FormExtras>,
    /// 表现特别突出 (a team then needs 10 registered volunteers instead of 20).
    #[oai(default)]
    pub outstanding: bool,
    /// 主要事迹 (项目概述及亮点成效), at most 1000 characters.
    #[oai(default)]
    pub deeds: String,
    /// The conditions the nominator confirms (those the record cannot show).
    #[oai(default)]
    pub confirmed: Vec<Condition>,
}

#[derive(Object)]
pub struct RecommendationCandidatePatch {
    pub deeds: Option<String>,
    pub confirmed: Option<Vec<Condition>>,
    pub outstanding: Option<bool>,
    pub extras: Option<FormExtras>,
}

/// One line of the eligibility checklist.
#[derive(Object)]
pub struct RecommendationCheckItem {
    pub condition: Condition,
    /// The condition as the notice words it.
    pub requirement: String,
    /// Read from the record (true) or to be confirmed by the nominator (false).
    pub measured: bool,
    /// The figure found, e.g. `49场`.
    pub figure: Option<String>,
    /// Where the figure comes from.
    pub source: String,
    /// The figure satisfies the condition, or the nominator confirmed it.
    pub met: bool,
    /// The round waives this condition.
    pub waived: bool,
}

#[derive(Object)]
pub struct RecommendationPhotoOut {
    pub id: i32,
    pub size: i64,
    /// The name it gets in the materials (`姓名+序号.jpg`).
    pub file_name: String,
}

/// The stamped scan of the form or the video.
#[derive(Object)]
pub struct RecommendationMaterialOut {
    pub id: i32,
    pub kind: MaterialKind,
    pub size: i64,
    /// Decided from the content at upload.
    pub content_type: String,
    /// The name it gets in the materials (`姓名+推荐表.pdf`, `姓名+视频.mp4`).
    pub file_name: String,
}

#[derive(Object)]
pub struct RecommendationCandidateOut {
    pub id: i32,
    pub round_id: i32,
    pub category: RecommendationCategory,
    pub name: String,
    pub team_id: Option<i32>,
    pub team_name: Option<String>,
    pub application_id: Option<i32>,
    /// The nominating unit or district (none when the admin nominated).
    pub nominator_unit_id: Option<i32>,
    pub nominator_unit_name: Option<String>,
    pub outstanding: bool,
    pub deeds: String,
    pub confirmed: Vec<Condition>,
    pub volunteer: Option<VolunteerDetails>,
    pub service_point: Option<ServicePointDetails>,
    pub extras: FormExtras,
    pub checklist: Vec<RecommendationCheckItem>,
    /// Every measured condition met or waived and every other one confirmed.
    pub eligible: bool,
    pub photos: Vec<RecommendationPhotoOut>,
    /// The stamped PDF scan of the form and the optional video.
    pub materials: Vec<RecommendationMaterialOut>,
    pub rank: Option<i32>,
    pub recommended: bool,
    /// The upper level's decision, once recorded.
    pub outcome: Option<UpperOutcome>,
    pub created_at: DateTime<FixedOffset>,
}

/// A candidate as `caller` may see it: the volunteer's mobile and the service point's contact
/// whole for the admin (who exports the forms), masked for the nominating units and districts.
fn candidate_out(v: CandidateView, waived: &[Condition], caller: &Caller) -> RecommendationCandidateOut {
    let admin = caller.role == Role::Admin;
    let phone = |m: String| if admin { m } else { mask_phone(&m) };
    let names = exports::photo_names(&v);
    let materials = v
        .materials
        .iter()
        .map(|m| RecommendationMaterialOut {
            id: m.id,
            kind: m.kind,
            size: m.size,
            content_type: m.content_type.clone(),
            file_name: materials::file_name(&v.candidate.name, m),
        })
        .collect();
    let checklist: Vec<RecommendationCheckItem> = v
        .checklist
        .into_iter()
        .map(|i| RecommendationCheckItem {
            waived: i.measured && waived.contains(&i.condition),
            condition: i.condition,
            requirement: i.requirement.to_owned(),
            measured: i.measured,
            figure: i.figure,
            source: i.source,
            met: i.met,
        })
        .collect();
    let c = v.candidate;
    RecommendationCandidateOut {
        id: c.id,
        round_id: c.round_id,
        category: c.category,
        name: c.name,
        team_id: c.team_id,
        team_name: v.team.map(|t| t.name),
        application_id: c.application_id,
        nominator_unit_id: c.nominator_unit_id,
        nominator_unit_name: v.nominator_unit_name,
        outstanding: c.outstanding,
        deeds: c.deeds,
        confirmed: v.confirmed,
        volunteer: v.details.volunteer.map(|d| VolunteerDetails {
            mobile: phone(d.mobile),
            ..d
        }),
        service_point: v.details.service_point.map(|d| ServicePointDetails {
            contact: phone(d.contact),
            ..d
        }),
        extras: v.details.extras,
        eligible: checklist.iter().all(|i| i.met || i.waived),
        checklist,
        photos: v
            .photos
            .into_iter()
            .zip(names)
            .map(|(p, file_name)| RecommendationPhotoOut {
                id: p.id,
                size: p.size,
                file_name,
            })
            .collect(),
        materials,
        rank: c.rank,
        recommended: c.recommended,
        outcome: c.outcome,
        created_at: out_time(c.created_at),
    }
}

#[derive(Object)]
pub struct RecommendationDecisionIn {
    /// The rank within the category (1 = first), or none.
    pub rank: Option<i32>,
    pub recommended: bool,
}

#[derive(Object)]
pub struct RecommendationOutcomeIn {
    /// `selected`, `not_selected`, or none to clear.
    pub outcome: Option<UpperOutcome>,
}

/// The summary sheet download.
#[derive(ApiResponse)]
pub enum RecommendationSheetFile {
    /// The xlsx file (推荐汇总表).
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

/// A stored photo or material of a candidate, with the type decided at upload.
pub struct RecommendationFile {
    body: Body,
    len: u64,
    content_type: String,
    filename: String,
}

impl IntoResponse for RecommendationFile {
    fn into_response(self) -> Response {
        Response::builder()
            .status(StatusCode::OK)
            .content_type(self.content_type)
            .header(header::CONTENT_LENGTH, self.len)
            .header(header::CONTENT_DISPOSITION, download::for_file(&self.filename))
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(header::CACHE_CONTROL, "private, no-store")
            .body(self.body)
    }
}

impl ApiResponse for RecommendationFile {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The stored bytes, with the content type decided at upload.",
                status: Some(200),
                status_range: None,
                content: [FileType::Jpeg, FileType::Pdf, FileType::Mp4, FileType::Mov]
                    .into_iter()
                    .map(|t| MetaMediaType {
                        content_type: t.content_type(),
                        schema: binary_schema(),
                    })
                    .collect(),
                headers: vec![MetaHeader {
                    name: "Content-Disposition".into(),
                    description: Some(
                        "`attachment; filename=\"<ASCII fallback>\"; filename*=UTF-8''<the name in the materials>` \
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

/// The photo upload form: one `file`.
pub struct RecommendationPhotoForm;

impl FormSchema for RecommendationPhotoForm {
    fn properties() -> Vec<(&'static str, MetaSchemaRef)> {
        vec![("file", binary_schema())]
    }
    fn required() -> Vec<&'static str> {
        vec!["file"]
    }
}

impl RecommendationsApi {
    async fn round_out(&self, caller: &crate::authz::Caller, id: i32) -> ApiResult<Vec<Condition>> {
        Ok(recs::get(&self.state, caller, id).await?.waived())
    }
}

#[OpenApi]
impl RecommendationsApi {
    /// 新建推荐工作 / Create a recommendation round answering an upper-level call (admin)
    ///
    /// The round starts in `draft`. 422 `invalid_value` (year, quotas 1–100, total cap).
    #[oai(
        path = "/api/v1/recommendation-rounds",
        method = "post",
        operation_id = "create_recommendation_round",
        tag = "ApiTags::Recommendations"
    )]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<RecommendationRoundIn>,
    ) -> ApiResult<Created<RecommendationRoundOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let new = NewRound {
            year: b.year,
            title: b.title,
            issuing_body: b.issuing_body,
            recommending_body: b.recommending_body,
            deadline: b.deadline,
            quotas: Quotas {
                volunteer: b.quotas.volunteer,
                team: b.quotas.team,
                project: b.quotas.project,
                service_point: b.quotas.service_point,
                total_cap: b.total_cap,
            },
        };
        let v = recs::create(&self.state, &caller, new).await?;
        Ok(Created::Created(Json(v.into())))
    }

    /// 推荐工作列表 / List the recommendation rounds (admin; units and districts see those collecting or later)
    #[oai(
        path = "/api/v1/recommendation-rounds",
        method = "get",
        operation_id = "list_recommendation_rounds",
        tag = "ApiTags::Recommendations"
    )]
    async fn list(&self, auth: BearerAuth) -> ApiResult<Json<List<RecommendationRoundOut>>> {
        let caller = self.state.caller(&auth).await?;
        let mut items = Vec::new();
        for r in recs::list(&self.state, &caller).await? {
            items.push(recs::view(&self.state.db, r).await?.into());
        }
        Ok(Json(List {
            total: items.len() as u64,
            items,
        }))
    }

    /// 推荐工作详情 / A recommendation round
    #[oai(
        path = "/api/v1/recommendation-rounds/:id",
        method = "get",
        operation_id = "get_recommendation_round",
        tag = "ApiTags::Recommendations"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<RecommendationRoundOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(recs::get(&self.state, &caller, id.0).await?.into()))
    }

    /// 开始征集 / Open the round for nominations: `draft → collecting` (admin)
    ///
    /// 409 `round_state` from any other state.
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/open",
        method = "post",
        operation_id = "open_recommendation_round",
        tag = "ApiTags::Recommendations"
    )]
    async fn open(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<RecommendationRoundOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(
            recs::act(&self.state, &caller, id.0, RoundAction::Open)
                .await?
                .into(),
        ))
    }

    /// 确定推荐名单 / Fix the recommended list: `collecting → decided` (admin)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/decide",
        method = "post",
        operation_id = "decide_recommendation_round",
        tag = "ApiTags::Recommendations"
    )]
    async fn decide_round(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<RecommendationRoundOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(
            recs::act(&self.state, &caller, id.0, RoundAction::Decide)
                .await?
                .into(),
        ))
    }

    /// 豁免条件 / Waive a measured condition for the round, with the reason (admin; audited)
    ///
    /// Before the round is decided. 409 `already_waived`; 422 `invalid_value` for a condition
    /// that is confirmed rather than measured.
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/waivers",
        method = "post",
        operation_id = "waive_recommendation_condition",
        tag = "ApiTags::Recommendations"
    )]
    async fn waive(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RecommendationWaiverIn>,
    ) -> ApiResult<Json<RecommendationRoundOut>> {
        let caller = self.state.caller(&auth).await?;
        let v = recs::waive(&self.state, &caller, id.0, body.0.condition, &body.0.reason).await?;
        Ok(Json(v.into()))
    }

    /// 推荐候选对象 / Nominate a candidate (admin, unit, district; while collecting)
    ///
    /// `team`: `team_id`; `project`: `application_id`; `volunteer`: `volunteer` and `team_id`;
    /// `service_point`: `service_point`. Units and districts nominate from their scope: another
    /// party's team or application answers 404. 409 `duplicate_candidate`; 422
    /// `category_not_enabled`, `deeds_too_long`, `invalid_mobile`, `invalid_value`.
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates",
        method = "post",
        operation_id = "nominate_recommendation_candidate",
        tag = "ApiTags::Recommendations"
    )]
    async fn nominate(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RecommendationCandidateIn>,
    ) -> ApiResult<Created<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let new = NewCandidate {
            category: b.category,
            team_id: b.team_id,
            application_id: b.application_id,
            volunteer: b.volunteer,
            service_point: b.service_point,
            extras: b.extras,
            outstanding: b.outstanding,
            deeds: b.deeds,
            confirmed: b.confirmed,
        };
        let v = candidates::nominate(&self.state, &caller, id.0, new).await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Created::Created(Json(candidate_out(v, &waived, &caller))))
    }

    /// 候选对象列表 / The round's candidates with their checklists (scoped: a unit its own, a district its own and its units')
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates",
        method = "get",
        operation_id = "list_recommendation_candidates",
        tag = "ApiTags::Recommendations"
    )]
    async fn candidates(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
    ) -> ApiResult<Json<List<RecommendationCandidateOut>>> {
        let caller = self.state.caller(&auth).await?;
        let (_, list) = candidates::list(&self.state, &caller, id.0).await?;
        let waived = self.round_out(&caller, id.0).await?;
        let items: Vec<_> = list
            .into_iter()
            .map(|v| candidate_out(v, &waived, &caller))
            .collect();
        Ok(Json(List {
            total: items.len() as u64,
            items,
        }))
    }

    /// 候选对象详情 / A candidate with its eligibility checklist (scoped)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id",
        method = "get",
        operation_id = "get_recommendation_candidate",
        tag = "ApiTags::Recommendations"
    )]
    async fn candidate(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
    ) -> ApiResult<Json<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let v = candidates::get(&self.state, &caller, id.0, candidate_id.0).await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Json(candidate_out(v, &waived, &caller)))
    }

    /// 修改候选对象 / Change the deeds, confirmations, flag or figures (nominator, admin; while collecting)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id",
        method = "patch",
        operation_id = "update_recommendation_candidate",
        tag = "ApiTags::Recommendations"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        body: Json<RecommendationCandidatePatch>,
    ) -> ApiResult<Json<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let patch = CandidatePatch {
            deeds: b.deeds,
            confirmed: b.confirmed,
            outstanding: b.outstanding,
            extras: b.extras,
        };
        let v = candidates::update(&self.state, &caller, id.0, candidate_id.0, patch).await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Json(candidate_out(v, &waived, &caller)))
    }

    /// 上传照片 / Upload a photo of the candidate (nominator, admin; while collecting)
    ///
    /// Multipart `file`: a JPEG by its content (415 `unsupported_file_type`), at least 1 MiB
    /// (422 `photo_too_small`) and at most 3 MiB (413 `file_too_large`); at most 3 per
    /// candidate (422 `too_many_photos`).
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/photos",
        method = "post",
        operation_id = "upload_recommendation_photo",
        tag = "ApiTags::Recommendations"
    )]
    async fn upload_photo(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        form: StreamedForm<RecommendationPhotoForm>,
    ) -> ApiResult<Created<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let mut parts = form.into_parts();
        let result = async {
            photos::check_upload(&self.state, &caller, id.0, candidate_id.0).await?;
            let received = parts.receive_file(&self.state.storage, photos::policy()).await?;
            photos::attach(&self.state, &caller, id.0, candidate_id.0, received).await
        }
        .await;
        if let Err(e) = result {
            parts.discard_rest().await;
            return Err(e.into());
        }
        let v = candidates::get(&self.state, &caller, id.0, candidate_id.0).await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Created::Created(Json(candidate_out(v, &waived, &caller))))
    }

    /// 查看照片 / One photo of a candidate, its bytes (whoever may see the candidate; 404 otherwise)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/photos/:photo_id",
        method = "get",
        operation_id = "download_recommendation_photo",
        tag = "ApiTags::Recommendations"
    )]
    async fn photo(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        photo_id: Path<i32>,
    ) -> ApiResult<RecommendationFile> {
        let caller = self.state.caller(&auth).await?;
        let v = candidates::get(&self.state, &caller, id.0, candidate_id.0).await?;
        let (p, file, len) = photos::open(&self.state, &caller, id.0, candidate_id.0, photo_id.0).await?;
        let seq = v.photos.iter().position(|x| x.id == p.id).unwrap_or_default();
        let filename = exports::photo_names(&v).get(seq).cloned().unwrap_or_default();
        Ok(RecommendationFile {
            body: Body::from_async_read(file),
            len,
            content_type: FileType::Jpeg.content_type().to_owned(),
            filename,
        })
    }

    /// 上传盖章推荐表或视频 / Upload the stamped PDF scan of the form (`kind=scan`) or the video (`kind=video`)
    ///
    /// Multipart `file`. A scan is a PDF by its content, a video an mp4 or a mov (415
    /// `unsupported_file_type`), within the evidence limits of a document and of a video (413
    /// `file_too_large`). One of each per candidate: a new upload replaces the old one (audited
    /// with both). The nominator uploads while the round collects; the admin also once it is
    /// decided (409 `round_state` otherwise).
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/materials",
        method = "post",
        operation_id = "upload_recommendation_material",
        tag = "ApiTags::Recommendations"
    )]
    async fn upload_material(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        kind: Query<MaterialKind>,
        form: StreamedForm<RecommendationPhotoForm>,
    ) -> ApiResult<Created<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let mut parts = form.into_parts();
        let result = async {
            materials::check_upload(&self.state, &caller, id.0, candidate_id.0).await?;
            let received = parts
                .receive_file(&self.state.storage, materials::policy(&self.state, kind.0))
                .await?;
            materials::attach(&self.state, &caller, id.0, candidate_id.0, kind.0, received).await
        }
        .await;
        if let Err(e) = result {
            parts.discard_rest().await;
            return Err(e.into());
        }
        let v = candidates::get(&self.state, &caller, id.0, candidate_id.0).await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Created::Created(Json(candidate_out(v, &waived, &caller))))
    }

    /// 下载盖章推荐表或视频 / One material of a candidate, its bytes (whoever may see the candidate; 404 otherwise)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/materials/:material_id",
        method = "get",
        operation_id = "download_recommendation_material",
        tag = "ApiTags::Recommendations"
    )]
    async fn material(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        material_id: Path<i32>,
    ) -> ApiResult<RecommendationFile> {
        let caller = self.state.caller(&auth).await?;
        let (m, filename, file, len) =
            materials::open(&self.state, &caller, id.0, candidate_id.0, material_id.0).await?;
        Ok(RecommendationFile {
            body: Body::from_async_read(file),
            len,
            content_type: m.content_type,
            filename,
        })
    }

    /// 排序与推荐 / Rank a candidate in its category and mark it recommended or not (admin; while collecting)
    ///
    /// Recommending needs every measured condition met or waived (422 `condition_not_met`,
    /// naming the condition in `field` as `conditions.<code>`), every other one confirmed (422
    /// `condition_unconfirmed`), the 主要事迹 (422 `deeds_required`), 2–3 photos (422
    /// `photos_required`) and room in the category's quota and the total cap (422
    /// `quota_exceeded`).
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/decision",
        method = "put",
        operation_id = "decide_recommendation_candidate",
        tag = "ApiTags::Recommendations"
    )]
    async fn decide(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        body: Json<RecommendationDecisionIn>,
    ) -> ApiResult<Json<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let v = candidates::decide(
            &self.state,
            &caller,
            id.0,
            candidate_id.0,
            body.0.rank,
            body.0.recommended,
        )
        .await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Json(candidate_out(v, &waived, &caller)))
    }

    /// 登记评选结果 / Record the upper level's outcome of a recommended candidate (admin; once decided)
    ///
    /// A `selected` candidate does not take part in a later year's round (condition
    /// `not_selected_before`). 422 `not_recommended`.
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/outcome",
        method = "put",
        operation_id = "record_recommendation_outcome",
        tag = "ApiTags::Recommendations"
    )]
    async fn outcome(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
        body: Json<RecommendationOutcomeIn>,
    ) -> ApiResult<Json<RecommendationCandidateOut>> {
        let caller = self.state.caller(&auth).await?;
        let v =
            candidates::record_outcome(&self.state, &caller, id.0, candidate_id.0, body.0.outcome).await?;
        let waived = self.round_out(&caller, id.0).await?;
        Ok(Json(candidate_out(v, &waived, &caller)))
    }

    /// 下载推荐表 / Download a recommended candidate's form (001), .docx (admin; once decided)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/candidates/:candidate_id/form.docx",
        method = "get",
        operation_id = "download_recommendation_form",
        tag = "ApiTags::Recommendations"
    )]
    async fn form(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        candidate_id: Path<i32>,
    ) -> ApiResult<DocxResponse> {
        let caller = self.state.caller(&auth).await?;
        let f = exports::candidate_form(&self.state, &caller, id.0, candidate_id.0).await?;
        let disposition = download::attachment(&f.ascii_file_name, &f.file_name);
        Ok(DocxResponse::Ok(Binary(f.bytes), disposition))
    }

    /// 下载推荐汇总表 / Download the summary sheet (推荐汇总表), xlsx (admin; once decided)
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/summary.xlsx",
        method = "get",
        operation_id = "download_recommendation_summary",
        tag = "ApiTags::Recommendations"
    )]
    async fn summary(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<RecommendationSheetFile> {
        let caller = self.state.caller(&auth).await?;
        let f = exports::summary_sheet(&self.state, &caller, id.0).await?;
        let disposition = download::attachment(&f.ascii_file_name, &f.file_name);
        Ok(RecommendationSheetFile::Xlsx(Binary(f.bytes), disposition))
    }

    /// 下载推荐材料 / Download the materials: summary sheet, forms and photos (`姓名+序号.jpg`), zip (admin; once decided)
    ///
    /// The round becomes `exported`.
    #[oai(
        path = "/api/v1/recommendation-rounds/:id/materials.zip",
        method = "get",
        operation_id = "download_recommendation_materials",
        tag = "ApiTags::Recommendations"
    )]
    async fn materials(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<ZipResponse> {
        let caller = self.state.caller(&auth).await?;
        let p = exports::package(&self.state, &caller, id.0).await?;
        let disposition = download::attachment(&p.ascii_file_name, &p.file_name);
        let body = Body::from_async_read(tokio::fs::File::from_std(p.file));
        Ok(ZipResponse::Ok(Binary(body), disposition))
    }
}

//! Publicity (公示): the public results and objections (异议), and their resolution.

use super::{ApiTags, BearerAuth, List, out_time};
use crate::{
    domain::{
        pii,
        publicity::{AwardOverride, Decision, ObjectionStatus},
        ranking::Tier,
    },
    error::{ApiResult, AppError, DomainError, ErrorBody, Kind},
    services::review::{
        objections_bulk::{self, Selection},
        publicity::{self, NewObjection},
        results,
    },
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::objections;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct ObjectionsApi {
    pub state: AppState,
}

/// One line of the published results: no personal data.
#[derive(Object)]
pub struct PublicResultOut {
    pub rank: i32,
    /// Name this in an objection.
    pub application_id: i32,
    pub team_name: String,
    pub unit_name: String,
    pub project_name: String,
    /// `null` when not awarded.
    #[oai(nullable)]
    pub tier: Option<Tier>,
    /// Final score in points, two decimals.
    pub final_score: f64,
}

#[derive(Object)]
pub struct PublicResultsOut {
    pub cycle_id: i32,
    pub year: i32,
    pub title: String,
    /// Objections are accepted until then.
    #[oai(nullable)]
    pub publicity_ends_at: Option<DateTime<FixedOffset>>,
    pub items: Vec<PublicResultOut>,
    pub total: u64,
}

#[derive(Object)]
pub struct ObjectionIn {
    /// An application among the published results.
    pub application_id: i32,
    pub reason: String,
    pub contact_name: String,
    /// A mobile number (R-MOBILE); only the admin sees it in full.
    pub contact_phone: String,
}

#[derive(Object)]
pub struct ObjectionOut {
    pub id: i32,
    pub cycle_id: i32,
    pub application_id: i32,
    pub reason: String,
    pub contact_name: String,
    /// Masked (`138****5678`) everywhere but the admin's list.
    pub contact_phone: String,
    pub status: ObjectionStatus,
    /// The admin's resolution note.
    #[oai(nullable)]
    pub note: Option<String>,
    /// The award an upheld objection fixed.
    #[oai(nullable)]
    pub new_tier: Option<AwardOverride>,
    pub created_at: DateTime<FixedOffset>,
    #[oai(nullable)]
    pub resolved_at: Option<DateTime<FixedOffset>>,
    #[oai(nullable)]
    pub resolved_by: Option<i32>,
}

impl ObjectionOut {
    /// R-PII: the contact's phone as `reader` may see it (the admin in full).
    fn new(o: objections::Model, reader: pii::Reader) -> Self {
        Self {
            id: o.id,
            cycle_id: o.cycle_id,
            application_id: o.application_id,
            reason: o.reason,
            contact_name: o.contact_name,
            contact_phone: pii::mobile_for(reader, o.contact_phone),
            status: o.status,
            note: o.note,
            new_tier: o.new_tier,
            created_at: out_time(o.created_at),
            resolved_at: o.resolved_at.map(out_time),
            resolved_by: o.resolved_by,
        }
    }
}

/// The answer to lodging an objection.
#[derive(ApiResponse)]
pub enum LodgeResponse {
    /// Lodged; the phone masked.
    #[oai(status = 201)]
    Created(Json<ObjectionOut>),
    /// 429 `too_many_objections`: this address lodged too many objections this minute.
    #[oai(status = 429)]
    TooMany(
        Json<ErrorBody>,
        /// Seconds until the next objection is accepted.
        #[oai(header = "Retry-After")]
        String,
    ),
}

/// Many objections resolved at once: by `ids`, or every open one with `all_open: true`.
#[derive(Object)]
pub struct ResolveManyIn {
    /// The objections (of this cycle, all open), 1–10,000. Give this or `all_open`.
    #[oai(nullable, validator(min_items = 1, max_items = 10000))]
    pub ids: Option<Vec<i32>>,
    /// `true`: every objection of the cycle that is open now.
    #[oai(nullable)]
    pub all_open: Option<bool>,
    pub decision: Decision,
    /// Why (处理意见), the same for all.
    pub note: String,
    /// Required when upheld (then all objections must concern one application).
    #[oai(nullable)]
    pub new_tier: Option<AwardOverride>,
}

#[derive(Object)]
pub struct ResolvedManyOut {
    /// How many were resolved.
    pub resolved: u64,
    /// Their ids, ascending.
    pub ids: Vec<i32>,
}

/// The message of the public objection rate limit, in Chinese and English.
pub fn too_many_objections(retry_after: u64) -> DomainError {
    DomainError::new(
        Kind::TooManyRequests,
        "too_many_objections",
        format!("提交异议过于频繁，请{retry_after}秒后再试"),
        format!("too many objections from this address; try again in {retry_after} s"),
    )
}

#[derive(Object)]
pub struct ResolveIn {
    pub decision: Decision,
    /// Why (处理意见).
    pub note: String,
    /// Required when upheld: the application's award from now on (`none` revokes it).
    #[oai(nullable)]
    pub new_tier: Option<AwardOverride>,
}

#[OpenApi]
impl ObjectionsApi {
    /// 公示结果（公开） / The published results, for anyone (no login)
    ///
    /// 404 until the cycle is published. No personal data.
    #[oai(
        path = "/api/v1/public/cycles/:id/results",
        method = "get",
        operation_id = "public_results",
        tag = "ApiTags::Review"
    )]
    async fn public_results(&self, id: Path<i32>) -> ApiResult<Json<PublicResultsOut>> {
        let r = results::public(&self.state, id.0).await?;
        let items: Vec<PublicResultOut> = r
            .lines
            .into_iter()
            .map(|l| PublicResultOut {
                rank: l.result.rank,
                application_id: l.result.application_id,
                team_name: l.team_name,
                unit_name: l.unit_name,
                project_name: l.project_name,
                tier: l.tier,
                final_score: l.result.final_score,
            })
            .collect();
        Ok(Json(PublicResultsOut {
            cycle_id: r.cycle.id,
            year: r.cycle.year,
            title: r.cycle.title,
            publicity_ends_at: r.cycle.publicity_ends_at.map(out_time),
            total: items.len() as u64,
            items,
        }))
    }

    /// 提出异议（公开） / Lodge an objection during publicity (no login)
    ///
    /// The objector's name and a valid mobile are required (422 `invalid_value`,
    /// `invalid_mobile`); one open objection per application and mobile (409
    /// `duplicate_objection`); 409 `publicity_over` after the period, 409 `cycle_state`
    /// before publication; at most `ZHIHUI_OBJECTION_RATE` (default 5) a minute per client
    /// address (429 `too_many_objections` with `Retry-After`). The answer masks the phone.
    #[oai(
        path = "/api/v1/public/cycles/:id/objections",
        method = "post",
        operation_id = "lodge_objection",
        tag = "ApiTags::Review"
    )]
    async fn lodge(
        &self,
        remote: &poem::web::RemoteAddr,
        id: Path<i32>,
        body: Json<ObjectionIn>,
    ) -> ApiResult<LodgeResponse> {
        let rate = self.state.settings.objection_rate_per_minute;
        let now = self.state.now();
        if let Some(ip) = remote.as_socket_addr().map(|a| a.ip())
            && let Err(wait) = crate::throttle::objection(&self.state.db, &ip.to_string(), rate, now).await?
        {
            let e = too_many_objections(wait);
            return Ok(LodgeResponse::TooMany(
                Json(ErrorBody::new(e.code, &e.zh, &e.en, None)),
                wait.to_string(),
            ));
        }
        let b = body.0;
        let new = NewObjection {
            application_id: b.application_id,
            reason: b.reason,
            contact_name: b.contact_name,
            contact_phone: b.contact_phone,
        };
        let o = publicity::lodge(&self.state, id.0, new).await?;
        Ok(LodgeResponse::Created(Json(ObjectionOut::new(o, None))))
    }

    /// 异议列表 / The objections of a cycle, phones in full (admin)
    #[oai(
        path = "/api/v1/cycles/:id/objections",
        method = "get",
        operation_id = "list_objections",
        tag = "ApiTags::Review"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        status: Query<Option<ObjectionStatus>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<ObjectionOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) =
            publicity::list(&self.state, &caller, id.0, status.0, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items
                .into_iter()
                .map(|o| ObjectionOut::new(o, Some(caller.role)))
                .collect(),
            total,
        }))
    }

    /// 批量处理异议 / Resolve many objections at once with one decision and note (admin)
    ///
    /// `ids` (1–10,000, all open, of this cycle) or `all_open: true`, not both (422
    /// `invalid_value`). One transaction; each objection audited. 404 for an id not of this
    /// cycle; 409 `objection_resolved` if one is not open; 409 `cycle_state` unless published;
    /// upheld with `new_tier` covers one application only (422 `mixed_applications`).
    #[oai(
        path = "/api/v1/cycles/:id/objections/resolve",
        method = "post",
        operation_id = "resolve_objections",
        tag = "ApiTags::Review"
    )]
    async fn resolve_many(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ResolveManyIn>,
    ) -> ApiResult<Json<ResolvedManyOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let selection = match (b.ids, b.all_open) {
            (Some(ids), None | Some(false)) => Selection::Ids(ids),
            (None, Some(true)) => Selection::AllOpen,
            _ => {
                return Err(AppError::from(DomainError::invalid(
                    "ids",
                    "请指定要处理的异议（ids）或全部未处理的异议（all_open: true），二者选一",
                    "give either ids or all_open: true",
                ))
                .into());
            }
        };
        let ids = objections_bulk::resolve_many(
            &self.state,
            &caller,
            id.0,
            selection,
            b.decision,
            &b.note,
            b.new_tier,
        )
        .await?;
        Ok(Json(ResolvedManyOut {
            resolved: ids.len() as u64,
            ids,
        }))
    }

    /// 处理异议 / Resolve an objection: dismissed, or upheld with the award changed (admin)
    ///
    /// Upheld needs `new_tier` and redoes the ranking; 409 `objection_resolved` when already
    /// resolved; 409 `cycle_state` unless published.
    #[oai(
        path = "/api/v1/objections/:id/resolve",
        method = "post",
        operation_id = "resolve_objection",
        tag = "ApiTags::Review"
    )]
    async fn resolve(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ResolveIn>,
    ) -> ApiResult<Json<ObjectionOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let o = publicity::resolve(&self.state, &caller, id.0, b.decision, &b.note, b.new_tier).await?;
        Ok(Json(ObjectionOut::new(o, Some(caller.role))))
    }
}

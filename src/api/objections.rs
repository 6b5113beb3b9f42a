//! Publicity (公示): the public results and objections (异议), and their resolution.

use super::{ApiTags, BearerAuth, Created, List, out_time};
use crate::{
    domain::{
        mobile::mask_phone,
        publicity::{AwardOverride, Decision, ObjectionStatus},
        ranking::Tier,
    },
    error::ApiResult,
    services::review::{
        publicity::{self, NewObjection},
        results,
    },
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::objections;
use poem_openapi::{
    Object, OpenApi,
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
    /// R-PII: the phone in full only for the admin.
    fn new(o: objections::Model, full_phone: bool) -> Self {
        Self {
            id: o.id,
            cycle_id: o.cycle_id,
            application_id: o.application_id,
            reason: o.reason,
            contact_name: o.contact_name,
            contact_phone: if full_phone {
                o.contact_phone
            } else {
                mask_phone(&o.contact_phone)
            },
            status: o.status,
            note: o.note,
            new_tier: o.new_tier,
            created_at: out_time(o.created_at),
            resolved_at: o.resolved_at.map(out_time),
            resolved_by: o.resolved_by,
        }
    }
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
    /// 409 `publicity_over` after the period, 409 `cycle_state` before publication;
    /// 422 `invalid_mobile`. The answer masks the phone.
    #[oai(
        path = "/api/v1/public/cycles/:id/objections",
        method = "post",
        operation_id = "lodge_objection",
        tag = "ApiTags::Review"
    )]
    async fn lodge(&self, id: Path<i32>, body: Json<ObjectionIn>) -> ApiResult<Created<ObjectionOut>> {
        let b = body.0;
        let new = NewObjection {
            application_id: b.application_id,
            reason: b.reason,
            contact_name: b.contact_name,
            contact_phone: b.contact_phone,
        };
        let o = publicity::lodge(&self.state, id.0, new).await?;
        Ok(Created::Created(Json(ObjectionOut::new(o, false))))
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
            items: items.into_iter().map(|o| ObjectionOut::new(o, true)).collect(),
            total,
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
        Ok(Json(ObjectionOut::new(o, true)))
    }
}

//! Payout batches and their xlsx payout sheet (奖补资金发放表).

use super::{ApiTags, BearerAuth, Created, List, download, out_time};
use crate::{
    error::ApiResult,
    services::payout_batches::{self, BatchView},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
};

pub struct PayoutBatchesApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct PayoutBatchIn {
    pub cycle_id: i32,
    /// Pending payouts of that cycle, in no batch. Default: every pending payout of the cycle.
    #[oai(nullable)]
    pub payout_ids: Option<Vec<i32>>,
}

#[derive(Object)]
pub struct PayoutBatchOut {
    pub id: i32,
    pub cycle_id: i32,
    /// `第N批`: the N-th batch of its cycle.
    pub label: String,
    pub payout_ids: Vec<i32>,
    pub total_fen: i64,
    /// The finance user who made it.
    pub created_by: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl From<BatchView> for PayoutBatchOut {
    fn from(v: BatchView) -> Self {
        Self {
            id: v.batch.id,
            cycle_id: v.batch.cycle_id,
            label: v.label,
            payout_ids: v.payout_ids,
            total_fen: v.batch.total_fen,
            created_by: v.batch.created_by,
            created_at: out_time(v.batch.created_at),
        }
    }
}

#[derive(ApiResponse)]
pub enum PayoutSheetResponse {
    /// The xlsx payout sheet; the file name is Chinese (RFC 6266 `filename*`) with an ASCII
    /// fallback.
    #[oai(
        status = 200,
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )]
    Ok(Binary<Vec<u8>>, #[oai(header = "Content-Disposition")] String),
}

#[OpenApi]
impl PayoutBatchesApi {
    /// 生成发放批次 / Make a payout batch (finance)
    ///
    /// The payouts become `exported`. 422 `empty_batch`, 422 `payout_not_in_cycle`, 409
    /// `payout_already_batched`, 409 `payout_state` (not pending).
    #[oai(
        path = "/api/v1/payout-batches",
        method = "post",
        operation_id = "create_payout_batch",
        tag = "ApiTags::Payouts"
    )]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<PayoutBatchIn>,
    ) -> ApiResult<Created<PayoutBatchOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let v = payout_batches::create(&self.state, &caller, b.cycle_id, b.payout_ids).await?;
        Ok(Created::Created(Json(v.into())))
    }

    /// 发放批次列表 / List payout batches (finance, admin), oldest first
    #[oai(
        path = "/api/v1/payout-batches",
        method = "get",
        operation_id = "list_payout_batches",
        tag = "ApiTags::Payouts"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        cycle_id: Query<Option<i32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<PayoutBatchOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) =
            payout_batches::list(&self.state, &caller, cycle_id.0, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 发放批次详情 / Get a payout batch (finance, admin)
    #[oai(
        path = "/api/v1/payout-batches/:id",
        method = "get",
        operation_id = "get_payout_batch",
        tag = "ApiTags::Payouts"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PayoutBatchOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(
            payout_batches::get(&self.state, &caller, id.0).await?.into(),
        ))
    }

    /// 下载发放表 / Download the batch's payout sheet, xlsx (finance)
    ///
    /// Every download is recorded in the audit log.
    #[oai(
        path = "/api/v1/payout-batches/:id/sheet",
        method = "get",
        operation_id = "download_payout_sheet",
        tag = "ApiTags::Payouts"
    )]
    async fn sheet(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<PayoutSheetResponse> {
        let caller = self.state.caller(&auth).await?;
        let f = payout_batches::sheet(&self.state, &caller, id.0).await?;
        let disposition = download::attachment(&f.ascii_file_name, &f.file_name);
        Ok(PayoutSheetResponse::Ok(Binary(f.bytes), disposition))
    }
}

//! Payouts (奖补发放): finance and the admin read them; the per-cycle summary.

use super::{ApiTags, BearerAuth, List, out_time};
use crate::{
    domain::{payout::PayoutStatus, ranking::Tier},
    error::ApiResult,
    services::payouts::{self, PayoutFilter, PayoutView, StatusTotal, Summary},
    state::AppState,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

pub struct PayoutsApi {
    pub state: AppState,
}

/// The account a payout goes to.
#[derive(Object)]
pub struct PayoutBankOut {
    /// 开户银行.
    pub bank_name: String,
    /// 账号: in full for finance, masked (`6222 **** **** 0123`) for the admin (R-PII).
    pub account_no: String,
    /// 户名.
    pub account_name: String,
}

#[derive(Object)]
pub struct PayoutOut {
    pub id: i32,
    pub award_id: i32,
    pub application_id: i32,
    pub team_id: i32,
    /// 服务队.
    pub team_name: String,
    /// The team's unit (单位), full name.
    pub unit_name: String,
    /// 项目名称.
    pub project_name: String,
    pub cycle_id: i32,
    pub tier: Tier,
    pub amount_fen: i64,
    pub status: PayoutStatus,
    pub bank: PayoutBankOut,
    /// R-BANK: the account name is not the unit's full name (flagged on the payout sheet).
    pub account_name_differs: bool,
    /// The batch it was exported in.
    #[oai(nullable)]
    pub batch_id: Option<i32>,
    /// Why the transfer failed (status `failed`).
    #[oai(nullable)]
    pub failure_reason: Option<String>,
    /// The failed payout this one reissues.
    #[oai(nullable)]
    pub reissue_of: Option<i32>,
    /// The payout that reissued this failed one.
    #[oai(nullable)]
    pub reissued_by: Option<i32>,
    #[oai(nullable)]
    pub paid_on: Option<NaiveDate>,
    /// The bank's reference of the transfer.
    #[oai(nullable)]
    pub bank_reference: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<PayoutView> for PayoutOut {
    fn from(v: PayoutView) -> Self {
        Self {
            id: v.id,
            award_id: v.award_id,
            application_id: v.application_id,
            team_id: v.team_id,
            team_name: v.team_name,
            unit_name: v.unit_name,
            project_name: v.project_name,
            cycle_id: v.cycle_id,
            tier: v.tier,
            amount_fen: v.amount_fen,
            status: v.status,
            bank: PayoutBankOut {
                bank_name: v.bank_name,
                account_no: v.account_no,
                account_name: v.account_name,
            },
            account_name_differs: v.account_name_differs,
            batch_id: v.batch_id,
            failure_reason: v.failure_reason,
            reissue_of: v.reissue_of,
            reissued_by: v.reissued_by,
            paid_on: v.paid_on,
            bank_reference: v.bank_reference,
            created_at: out_time(v.created_at),
            updated_at: out_time(v.updated_at),
        }
    }
}

/// Payouts in one state.
#[derive(Object)]
pub struct PayoutStatusTotalOut {
    pub status: PayoutStatus,
    pub count: u64,
    pub total_fen: i64,
}

#[derive(Object)]
pub struct PayoutSummaryOut {
    pub cycle_id: i32,
    /// Every state (`pending`, `exported`, `paid`, `failed`), zero counts included.
    pub by_status: Vec<PayoutStatusTotalOut>,
    /// Sum of the cycle's awards.
    pub awarded_total_fen: i64,
    /// Sum of the recorded payments.
    pub paid_total_fen: i64,
    /// Awarded minus paid.
    pub remaining_fen: i64,
}

impl From<Summary> for PayoutSummaryOut {
    fn from(s: Summary) -> Self {
        Self {
            cycle_id: s.cycle_id,
            by_status: s
                .by_status
                .into_iter()
                .map(|t: StatusTotal| PayoutStatusTotalOut {
                    status: t.status,
                    count: t.count,
                    total_fen: t.total_fen,
                })
                .collect(),
            awarded_total_fen: s.awarded_total_fen,
            paid_total_fen: s.paid_total_fen,
            remaining_fen: s.remaining_fen,
        }
    }
}

#[OpenApi]
impl PayoutsApi {
    /// 发放记录列表 / List payouts (finance, admin)
    ///
    /// Account numbers in full for finance, masked for the admin (R-PII).
    #[oai(
        path = "/api/v1/payouts",
        method = "get",
        operation_id = "list_payouts",
        tag = "ApiTags::Payouts"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        cycle_id: Query<Option<i32>>,
        status: Query<Option<PayoutStatus>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<PayoutOut>>> {
        let caller = self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let filter = PayoutFilter {
            cycle_id: cycle_id.0,
            status: status.0,
        };
        let (items, total) = payouts::list(&self.state, &caller, filter, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }

    /// 发放记录详情 / Get a payout (finance, admin)
    #[oai(
        path = "/api/v1/payouts/:id",
        method = "get",
        operation_id = "get_payout",
        tag = "ApiTags::Payouts"
    )]
    async fn get(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PayoutOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(payouts::get(&self.state, &caller, id.0).await?.into()))
    }

    /// 奖补发放汇总 / Payout summary of a cycle (finance, admin)
    ///
    /// Count and total per state; awarded vs paid.
    #[oai(
        path = "/api/v1/cycles/:id/payout-summary",
        method = "get",
        operation_id = "get_payout_summary",
        tag = "ApiTags::Payouts"
    )]
    async fn summary(&self, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PayoutSummaryOut>> {
        let caller = self.state.caller(&auth).await?;
        Ok(Json(payouts::summary(&self.state, &caller, id.0).await?.into()))
    }
}

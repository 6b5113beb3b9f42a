//! What finance records about a payout: paid (idempotent, R-NOPAY2), failed, reissued.

use super::{ApiTags, BearerAuth, Created, payouts::PayoutOut};
use crate::{
    domain::bank::BankFields,
    domain::idempotency::IdempotencyKey,
    domain::roles::Role,
    error::{ApiResult, AppError},
    services::payout_actions::{self, PaymentIn},
    state::AppState,
};
use chrono::NaiveDate;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Header, Path},
    payload::Json,
};

pub struct PayoutActionsApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct PaidIn {
    /// The day the bank made the transfer: 2000-01-01 … 2100-12-31, not in the future.
    pub paid_on: NaiveDate,
    /// The bank's reference of the transfer.
    pub bank_reference: String,
}

#[derive(Object)]
pub struct FailedIn {
    /// Why the transfer failed (e.g. 户名与账号不符).
    pub reason: String,
}

/// A corrected bank account (R-BANK).
#[derive(Object)]
pub struct PayoutBankIn {
    /// 开户银行.
    pub bank_name: String,
    /// 账号: 8–32 digits; spaces and hyphens are removed.
    pub account_no: String,
    /// 户名.
    pub account_name: String,
}

#[derive(Object)]
pub struct ReissueIn {
    pub bank: PayoutBankIn,
}

#[derive(ApiResponse)]
pub enum PaidResponse {
    /// The payout, `status: "paid"`. A retry with the same key and body gets this same answer,
    /// with `Idempotent-Replayed: true`.
    #[oai(status = 200)]
    Ok(
        Json<PayoutOut>,
        #[oai(header = "Idempotent-Replayed")] Option<String>,
    ),
}

#[OpenApi]
impl PayoutActionsApi {
    /// 登记支付 / Record that a payout was paid (finance), idempotent
    ///
    /// Header `Idempotency-Key` required (400 `invalid_parameter`). The same key with the same
    /// body returns the stored answer; the same key with another body: 422
    /// `idempotency_key_reused`; another key on a paid payout: 409 `already_paid`; a failed
    /// payout: 409 `payout_state` (R-NOPAY2).
    #[oai(
        path = "/api/v1/payouts/:id/paid",
        method = "post",
        operation_id = "mark_payout_paid",
        tag = "ApiTags::Payouts"
    )]
    async fn paid(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        /// A client-chosen key (1–200 visible ASCII characters, e.g. a UUID), kept per user.
        #[oai(name = "Idempotency-Key")]
        idempotency_key: Header<Option<String>>,
        body: Json<PaidIn>,
    ) -> ApiResult<PaidResponse> {
        let caller = self.state.caller(&auth).await?;
        // Authorisation before validation: a team sending a key hears 403, not 400.
        caller.require(&[Role::Finance]).map_err(AppError::from)?;
        let key = IdempotencyKey::parse(idempotency_key.0.as_deref()).map_err(AppError::from)?;
        let input = PaymentIn {
            paid_on: body.0.paid_on,
            bank_reference: body.0.bank_reference,
        };
        let paid = payout_actions::mark_paid(&self.state, &caller, id.0, &key, input).await?;
        let replayed = paid.replayed.then(|| "true".to_owned());
        Ok(PaidResponse::Ok(Json(paid.payout.into()), replayed))
    }

    /// 标记发放失败 / Record that a payout failed (finance)
    ///
    /// `pending` or `exported` → `failed`; otherwise 409 `payout_state`.
    #[oai(
        path = "/api/v1/payouts/:id/failed",
        method = "post",
        operation_id = "mark_payout_failed",
        tag = "ApiTags::Payouts"
    )]
    async fn failed(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<FailedIn>,
    ) -> ApiResult<Json<PayoutOut>> {
        let caller = self.state.caller(&auth).await?;
        let v = payout_actions::mark_failed(&self.state, &caller, id.0, &body.0.reason).await?;
        Ok(Json(v.into()))
    }

    /// 重新发放 / Reissue a failed payout to a corrected account (finance)
    ///
    /// 201 a new `pending` payout of the same award (`reissue_of` = the failed one); 409
    /// `payout_state` unless failed; 409 `already_reissued`; 422 `invalid_bank_account`.
    #[oai(
        path = "/api/v1/payouts/:id/reissue",
        method = "post",
        operation_id = "reissue_payout",
        tag = "ApiTags::Payouts"
    )]
    async fn reissue(
        &self,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ReissueIn>,
    ) -> ApiResult<Created<PayoutOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0.bank;
        let bank = BankFields {
            bank_name: b.bank_name,
            account_no: b.account_no,
            account_name: b.account_name,
        };
        let v = payout_actions::reissue(&self.state, &caller, id.0, bank).await?;
        Ok(Created::Created(Json(v.into())))
    }
}

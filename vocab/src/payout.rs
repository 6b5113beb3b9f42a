//! Payout states (`payouts.status`) (SPEC "Subsidy disbursement").

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum PayoutStatus {
    /// Waiting to be put in a batch.
    Pending,
    /// In a batch, sent to the bank.
    Exported,
    /// Paid (a payment is recorded).
    Paid,
    /// The bank transfer failed; may be reissued to a corrected account.
    Failed,
}

names!(PayoutStatus {
    Pending => "pending",
    Exported => "exported",
    Paid => "paid",
    Failed => "failed",
});

impl PayoutStatus {
    /// States from which a payout may be marked paid or failed.
    pub const OPEN: [PayoutStatus; 2] = [Self::Pending, Self::Exported];

    /// Chinese label, for messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pending => "待发放",
            Self::Exported => "已导出",
            Self::Paid => "已支付",
            Self::Failed => "发放失败",
        }
    }
    /// Marking paid or failed starts from `pending` or `exported`.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&PayoutStatus::ALL, |s| s.as_str());
    }
}

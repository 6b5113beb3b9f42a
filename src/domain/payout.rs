//! Payouts (SPEC "Subsidy disbursement", R-NOPAY2): states, the transitions between them, and
//! the names a payout batch is printed under.
//!
//! `pending → exported → paid`; `pending` or `exported` → `failed` (with a reason); a failed
//! payout stays on record and is reissued as a new `pending` payout. The database holds the
//! invariants (one live payout per award, one payment per award); this module names them.

use crate::error::DomainError;

pub use vocab::PayoutStatus;

/// What a transition was asked for, to name it in the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutAction {
    MarkPaid,
    MarkFailed,
    Reissue,
    Batch,
}

impl PayoutAction {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::MarkPaid => ("登记支付", "be marked paid"),
            Self::MarkFailed => ("标记失败", "be marked failed"),
            Self::Reissue => ("重新发放", "be reissued"),
            Self::Batch => ("加入发放批次", "be put in a batch"),
        }
    }
    /// The states this action starts from.
    pub fn allowed_from(self, status: PayoutStatus) -> bool {
        match self {
            Self::MarkPaid | Self::MarkFailed => status.is_open(),
            Self::Reissue => status == PayoutStatus::Failed,
            Self::Batch => status == PayoutStatus::Pending,
        }
    }
}

/// 409 `payout_state`: the payout's state does not allow the action (one code for every
/// refused transition).
pub fn state_error(status: PayoutStatus, action: PayoutAction) -> DomainError {
    let (zh, en) = action.names();
    DomainError::conflict(
        "payout_state",
        format!("该款项当前状态为\u{201c}{}\u{201d}，不能{zh}", status.label_zh()),
        format!("a payout that is {} cannot {en}", status.as_str()),
    )
}

/// R-NOPAY2: 409 `already_paid`.
pub fn already_paid() -> DomainError {
    DomainError::conflict(
        "already_paid",
        "该款项已登记支付，不能重复支付",
        "this payout has already been paid",
    )
}

/// R-NOPAY2: 409 `already_reissued` — the award already has a live payout.
pub fn already_reissued() -> DomainError {
    DomainError::conflict(
        "already_reissued",
        "该款项已重新发放，同一奖项只能有一笔未失败的发放",
        "this payout has already been reissued; an award has at most one live payout",
    )
}

/// Checks a transition; `Err` is the 409 to answer.
pub fn check(status: PayoutStatus, action: PayoutAction) -> Result<(), DomainError> {
    if action.allowed_from(status) {
        Ok(())
    } else if action == PayoutAction::MarkPaid && status == PayoutStatus::Paid {
        Err(already_paid())
    } else {
        Err(state_error(status, action))
    }
}

/// R-BANK: the account name differs from the unit's full name (flagged on the sheet).
pub fn account_name_differs(account_name: &str, unit_name: &str) -> bool {
    account_name.trim() != unit_name.trim()
}

/// `第3批`: the batch's number within its cycle.
pub fn batch_label(number: u64) -> String {
    format!("第{number}批")
}

/// The download's (Chinese) file name: `2026年度奖补资金发放表-第1批.xlsx`.
pub fn sheet_file_name(year: i32, number: u64) -> String {
    format!("{year}年度奖补资金发放表-{}.xlsx", batch_label(number))
}

/// The ASCII fallback file name for clients without RFC 5987: `payout-batch-7.xlsx`.
pub fn sheet_ascii_file_name(batch_id: i32) -> String {
    format!("payout-batch-{batch_id}.xlsx")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC "Subsidy disbursement": pending → exported → paid, or failed, then reissued.
    #[test]
    fn transitions_follow_the_state_machine() {
        use PayoutAction::*;
        use PayoutStatus::*;
        let table = [
            (MarkPaid, [true, true, false, false]),
            (MarkFailed, [true, true, false, false]),
            (Reissue, [false, false, false, true]),
            (Batch, [true, false, false, false]),
        ];
        for (action, allowed) in table {
            for (status, ok) in [Pending, Exported, Paid, Failed].into_iter().zip(allowed) {
                assert_eq!(check(status, action).is_ok(), ok, "{action:?} from {status:?}");
            }
        }
    }

    /// R-NOPAY2: paying a paid payout is `already_paid`; other refusals are `payout_state`.
    #[test]
    fn refused_transitions_name_their_code() {
        let e = check(PayoutStatus::Paid, PayoutAction::MarkPaid).unwrap_err();
        assert_eq!(e.code, "already_paid");
        let e = check(PayoutStatus::Failed, PayoutAction::MarkPaid).unwrap_err();
        assert_eq!(e.code, "payout_state");
        assert!(e.zh.contains("发放失败"), "{}", e.zh);
        let e = check(PayoutStatus::Paid, PayoutAction::MarkFailed).unwrap_err();
        assert_eq!(e.code, "payout_state");
    }

    /// R-BANK
    #[test]
    fn account_name_is_compared_with_the_unit_name_ignoring_outer_spaces() {
        assert!(!account_name_differs(
            " 沈阳市科学技术协会 ",
            "沈阳市科学技术协会"
        ));
        assert!(account_name_differs("沈阳市科协财务处", "沈阳市科学技术协会"));
    }

    #[test]
    fn batch_names() {
        assert_eq!(batch_label(2), "第2批");
        assert_eq!(sheet_file_name(2026, 1), "2026年度奖补资金发放表-第1批.xlsx");
        assert_eq!(sheet_ascii_file_name(7), "payout-batch-7.xlsx");
    }
}

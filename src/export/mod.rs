//! xlsx sheets: plain data in, bytes out.

pub mod payout_sheet;
pub mod results_sheet;

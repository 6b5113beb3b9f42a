//! Exports: plain data in, bytes out. xlsx sheets and the paper forms (.docx).

pub mod activity_form;
pub mod application_form;
pub mod docx;
pub mod docx_text;
pub mod payout_sheet;
pub mod results_sheet;
pub mod statistics_sheet;

//! Exports: plain data in, bytes out. xlsx sheets and the paper forms (.docx).

pub mod activity_form;
pub mod application_form;
pub mod backfill_template;
pub mod docx;
pub mod docx_text;
pub mod payout_sheet;
pub mod recommendation_form;
pub mod recommendation_sheet;
pub mod results_sheet;
pub mod sheet_layout;
pub mod statistics_sheet;

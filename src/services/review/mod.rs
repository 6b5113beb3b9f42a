//! Expert review, ranking, publicity and finalizing (SPEC "Review and ranking").

pub mod assignments;
pub mod finalize;
pub mod gate;
pub mod objections_bulk;
pub mod publicity;
pub mod ranking;
pub mod results;
pub mod scores;

//! sea-orm entities, one module per table.

pub mod activities;
pub mod activity_tasks;
pub mod application_activities;
pub mod applications;
pub mod assignments;
pub mod attachments;
pub mod audit_head;
pub mod audit_log;
pub mod award_history;
pub mod awards;
pub mod cycles;
pub mod idempotency_keys;
pub mod notifications;
pub mod objections;
pub mod opinions;
pub mod payments;
pub mod payout_batches;
pub mod payouts;
pub mod results;
pub mod scores;
pub mod sessions;
pub mod teams;
pub mod units;
pub mod users;

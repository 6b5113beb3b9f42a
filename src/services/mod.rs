//! Use cases: each owns its transaction, calls the domain rules and writes the audit row.

pub mod account_life;
pub mod accounts;
pub mod activities;
pub mod application_lookup;
pub mod applications;
pub mod attachments;
pub mod audit;
pub mod award_history;
pub mod chunks;
pub mod cycles;
pub mod figures;
pub mod forms;
pub mod idempotency;
pub mod maintenance;
pub mod opinions;
pub mod orgs;
pub mod passwords;
pub mod payout_actions;
pub mod payout_batches;
pub mod payouts;
pub mod review;
pub mod sessions;
pub mod statistics;
pub mod statistics_sheet;
pub mod submission;
pub mod users;

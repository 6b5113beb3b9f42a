//! Use cases: each owns its transaction, calls the domain rules and writes the audit row.

pub mod accounts;
pub mod activities;
pub mod applications;
pub mod audit;
pub mod figures;
pub mod idempotency;
pub mod orgs;
pub mod payout_actions;
pub mod payout_batches;
pub mod payouts;

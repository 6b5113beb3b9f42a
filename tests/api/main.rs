//! One integration binary: the real service on a random port, a fresh database per test.

mod accounts;
mod activities;
mod helpers;
mod meta;
mod orgs;
mod payout_payments;
mod payout_seed;
mod payout_sheet;
mod payout_states;
mod payouts;

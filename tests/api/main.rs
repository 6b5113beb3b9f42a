//! One integration binary: the real service on a random port, a fresh database per test.

mod accounts;
mod activities;
mod applications;
mod attachments;
mod audit_chain;
mod award_history;
mod cycles;
mod forms;
mod helpers;
mod meta;
mod orgs;
mod payout_payments;
mod payout_seed;
mod payout_sheet;
mod payout_states;
mod payouts;
mod review_assign;
mod review_publicity;
mod review_rank;
mod review_seed;
mod schema;
mod statements;
mod stored_values;
mod story;
mod web_pages;
mod web_review_admin;

//! One integration binary: the real service on a random port, a fresh database per test.

mod accounts;
mod activities;
mod attachments;
mod award_history;
mod helpers;
mod meta;
mod orgs;

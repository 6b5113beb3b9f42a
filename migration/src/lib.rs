//! Database migrations: one logical change per file; never edit a merged one.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_organisations_and_accounts;
mod m20261123_000002_activities;
mod m20261123_000003_audit_log;
mod m20261123_000004_cycles;
mod m20261123_000005_applications;
mod m20261123_000006_review;
mod m20261123_000007_payouts;
mod m20261202_000001_cycle_form_instructions;
mod m20261206_000001_audit_chain;
mod m20261206_100001_name_keys;
mod m20261206_100001_throttle_buckets;
mod m20261206_100002_account_life;
mod m20261206_100002_one_open_objection;
mod m20261207_000001_list_indexes;
mod m20261207_000002_row_counts;
mod m20261207_100001_snapshots;
mod m20261207_100002_categories;
mod m20261207_100003_backfill_and_activity_files;
mod m20261207_200001_statistics_indexes;
mod m20261207_200002_reminders;
mod m20261207_400001_recommendations;
mod m20261208_300001_reminder_waits;
mod m20261208_400001_recommendation_materials;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_organisations_and_accounts::Migration),
            Box::new(m20261123_000002_activities::Migration),
            Box::new(m20261123_000003_audit_log::Migration),
            Box::new(m20261123_000004_cycles::Migration),
            Box::new(m20261123_000005_applications::Migration),
            Box::new(m20261123_000006_review::Migration),
            Box::new(m20261123_000007_payouts::Migration),
            Box::new(m20261202_000001_cycle_form_instructions::Migration),
            Box::new(m20261206_000001_audit_chain::Migration),
            Box::new(m20261206_100001_throttle_buckets::Migration),
            Box::new(m20261206_100002_account_life::Migration),
            Box::new(m20261206_100001_name_keys::Migration),
            Box::new(m20261206_100002_one_open_objection::Migration),
            Box::new(m20261207_000001_list_indexes::Migration),
            Box::new(m20261207_000002_row_counts::Migration),
            Box::new(m20261207_400001_recommendations::Migration),
            Box::new(m20261207_100001_snapshots::Migration),
            Box::new(m20261207_100002_categories::Migration),
            Box::new(m20261207_100003_backfill_and_activity_files::Migration),
            Box::new(m20261207_200001_statistics_indexes::Migration),
            Box::new(m20261207_200002_reminders::Migration),
            Box::new(m20261208_300001_reminder_waits::Migration),
            Box::new(m20261208_400001_recommendation_materials::Migration),
        ]
    }
}

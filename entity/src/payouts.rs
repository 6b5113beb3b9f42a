//! `payouts` table. Generated shape; see migration `m20261123_000007_payouts`.

use sea_orm::entity::prelude::*;
use vocab::{PayoutStatus, Tier};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "payouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub award_id: i32,
    pub cycle_id: i32,
    pub application_id: i32,
    pub team_id: i32,
    pub tier: Tier,
    pub amount_fen: i64,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    pub status: PayoutStatus,
    pub batch_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub failure_reason: Option<String>,
    pub reissue_of: Option<i32>,
    pub paid_on: Option<Date>,
    pub bank_reference: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `idempotency_keys` table. Generated shape; see migration `m20261123_000007_payouts`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub idem_key: String,
    pub request_hash: String,
    pub response_status: i32,
    #[sea_orm(column_type = "Text")]
    pub response_body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

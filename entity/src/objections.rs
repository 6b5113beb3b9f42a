//! `objections` table. Generated shape; see migration `m20261123_000006_review`.

use sea_orm::entity::prelude::*;
use vocab::{AwardOverride, ObjectionStatus};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "objections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cycle_id: i32,
    pub application_id: i32,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub status: ObjectionStatus,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    pub new_tier: Option<AwardOverride>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

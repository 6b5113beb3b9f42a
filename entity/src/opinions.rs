//! `opinions` table. Generated shape; see migration `m20261123_000005_applications`.

use sea_orm::entity::prelude::*;
use vocab::{OpinionDecision, OpinionStep};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "opinions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub step: OpinionStep,
    pub decision: OpinionDecision,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub actor_id: i32,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! `application_activities` table. Generated shape; see migration `m20261123_000005_applications`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "application_activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub activity_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

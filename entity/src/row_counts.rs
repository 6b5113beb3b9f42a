//! `row_counts`: the number of rows of the big tables, kept exact by triggers. See migration
//! `m20261207_000002_row_counts`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, Debug)]
#[sea_orm(table_name = "row_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub table_name: String,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

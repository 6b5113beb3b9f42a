//! `units` table. Generated shape; see migration `m20261123_000001_organisations_and_accounts`.

use sea_orm::entity::prelude::*;
use vocab::UnitKind;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// `name` NFKC case-folded: unique, so look-alike names collide (issue 20.4).
    #[serde(skip)]
    pub name_key: Option<String>,
    pub kind: UnitKind,
    pub parent_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

/// The foreign keys of the migration, as relations (`find_also_related` and joins use them).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `parent_id` → `units.id`.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}

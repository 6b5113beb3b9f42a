//! `teams` table. Generated shape; see migration `m20261123_000001_organisations_and_accounts`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// `name` NFKC case-folded: unique, so look-alike names collide (issue 20.4).
    #[serde(skip)]
    pub name_key: Option<String>,
    pub unit_id: i32,
    pub founded_on: Date,
    pub volunteer_count: i32,
    pub platform_id: Option<String>,
    pub leader_name: String,
    pub leader_mobile: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The foreign keys of the migration, as relations (`find_also_related` and joins use them).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `unit_id` → `units.id`.
    #[sea_orm(
        belongs_to = "super::units::Entity",
        from = "Column::UnitId",
        to = "super::units::Column::Id"
    )]
    Unit,
}

impl Related<super::units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

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

/// The foreign keys of the migration, as relations (`find_also_related` and joins use them).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `cycle_id` → `cycles.id`.
    #[sea_orm(
        belongs_to = "super::cycles::Entity",
        from = "Column::CycleId",
        to = "super::cycles::Column::Id"
    )]
    Cycle,
    /// `application_id` → `applications.id`.
    #[sea_orm(
        belongs_to = "super::applications::Entity",
        from = "Column::ApplicationId",
        to = "super::applications::Column::Id"
    )]
    Application,
    /// `resolved_by` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::ResolvedBy",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::cycles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cycle.def()
    }
}

impl Related<super::applications::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Application.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

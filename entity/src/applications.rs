//! `applications` table. Generated shape; see migration `m20261123_000005_applications`.

use sea_orm::entity::prelude::*;
use vocab::{ApplicationStatus, AwardOverride};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cycle_id: i32,
    pub team_id: i32,
    pub project_name: String,
    pub leader_name: String,
    pub leader_title: String,
    pub phone: String,
    pub mobile: String,
    #[sea_orm(column_type = "Text")]
    pub overview: String,
    #[sea_orm(column_type = "Text")]
    pub highlights: String,
    #[sea_orm(column_type = "Text")]
    pub benefits: String,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    pub status: ApplicationStatus,
    pub tier_override: Option<AwardOverride>,
    pub submitted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// What the application said about its team when submitted (issue 18.3); `None` before.
    pub snap_team_name: Option<String>,
    pub snap_unit_name: Option<String>,
    pub snap_district_name: Option<String>,
    pub snap_founded_on: Option<Date>,
    pub snap_volunteer_count: Option<i32>,
    pub snap_leader_name: Option<String>,
    pub snap_leader_mobile: Option<String>,
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
    /// `team_id` → `teams.id`.
    #[sea_orm(
        belongs_to = "super::teams::Entity",
        from = "Column::TeamId",
        to = "super::teams::Column::Id"
    )]
    Team,
}

impl Related<super::cycles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cycle.def()
    }
}

impl Related<super::teams::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! `activities` table. Generated shape; see migration `m20261123_000002_activities`.

use sea_orm::entity::prelude::*;
use vocab::{ActivityStatus, Category};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub team_id: i32,
    pub name: String,
    pub category: Category,
    pub planned_start: DateTimeUtc,
    pub planned_end: DateTimeUtc,
    pub location: String,
    pub leader_name: String,
    pub leader_mobile: String,
    pub status: ActivityStatus,
    pub registered_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub actual_start: Option<DateTimeUtc>,
    pub actual_end: Option<DateTimeUtc>,
    pub sessions: Option<i32>,
    pub people_served: Option<i32>,
    pub volunteers: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub reported_at: Option<DateTimeUtc>,
    /// 补录 (issue 18.1): recorded after the fact from a 登记表 sent before the start.
    pub backfilled: bool,
    pub backfilled_by: Option<i32>,
    pub backfilled_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub backfill_reason: Option<String>,
    /// When the scan of the original 登记表 or e-mail was attached; a backfilled activity
    /// counts only from then on.
    pub backfill_scan_at: Option<DateTimeUtc>,
    /// Registered at least 24 h before the planned start: a column the database generates
    /// from `planned_start` and `registered_at` (migration `m20261207_200001`); never written.
    #[serde(skip)]
    pub registered_early: bool,
}

/// The foreign keys of the migration, as relations (`find_also_related` and joins use them).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `team_id` → `teams.id`.
    #[sea_orm(
        belongs_to = "super::teams::Entity",
        from = "Column::TeamId",
        to = "super::teams::Column::Id"
    )]
    Team,
}

impl Related<super::teams::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

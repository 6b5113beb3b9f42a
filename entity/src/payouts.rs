//! `payouts` table. Generated shape; see migration `m20261123_000007_payouts`.

use sea_orm::entity::prelude::*;
use vocab::{PayoutStatus, Tier};

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "payouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub award_id: i32,
    pub cycle_id: i32,
    pub application_id: i32,
    pub team_id: i32,
    pub tier: Tier,
    pub amount_fen: i64,
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
    pub status: PayoutStatus,
    pub batch_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub failure_reason: Option<String>,
    pub reissue_of: Option<i32>,
    pub paid_on: Option<Date>,
    pub bank_reference: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The foreign keys of the migration, as relations (`find_also_related` and joins use them).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `award_id` → `awards.id`.
    #[sea_orm(
        belongs_to = "super::awards::Entity",
        from = "Column::AwardId",
        to = "super::awards::Column::Id"
    )]
    Award,
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
    /// `team_id` → `teams.id`.
    #[sea_orm(
        belongs_to = "super::teams::Entity",
        from = "Column::TeamId",
        to = "super::teams::Column::Id"
    )]
    Team,
    /// `batch_id` → `payout_batches.id`.
    #[sea_orm(
        belongs_to = "super::payout_batches::Entity",
        from = "Column::BatchId",
        to = "super::payout_batches::Column::Id"
    )]
    Batch,
    /// `reissue_of` → `payouts.id`.
    #[sea_orm(belongs_to = "Entity", from = "Column::ReissueOf", to = "Column::Id")]
    ReissueOf,
}

impl Related<super::awards::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Award.def()
    }
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

impl Related<super::teams::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl Related<super::payout_batches::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Batch.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

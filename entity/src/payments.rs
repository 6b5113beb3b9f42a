//! `payments` table. Generated shape; see migration `m20261123_000007_payouts`.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize, Debug)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub award_id: i32,
    pub payout_id: i32,
    pub amount_fen: i64,
    pub paid_on: Date,
    pub bank_reference: String,
    pub recorded_by: i32,
    pub recorded_at: DateTimeUtc,
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
    /// `payout_id` → `payouts.id`.
    #[sea_orm(
        belongs_to = "super::payouts::Entity",
        from = "Column::PayoutId",
        to = "super::payouts::Column::Id"
    )]
    Payout,
    /// `recorded_by` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::RecordedBy",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::awards::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Award.def()
    }
}

impl Related<super::payouts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Payout.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

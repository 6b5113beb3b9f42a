//! `users` table. Generated shape; see migration `m20261123_000001_organisations_and_accounts`.

use sea_orm::entity::prelude::*;
use vocab::Role;

#[derive(Clone, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i32>,
    pub team_id: Option<i32>,
    pub created_at: DateTimeUtc,
    /// NFKC, lower-cased username: unique, what logins match on.
    pub username_key: String,
    pub disabled_at: Option<DateTimeUtc>,
    pub must_change_password: bool,
    /// Where reminders are e-mailed (R-REMIND); none: the inbox only.
    pub email: Option<String>,
}

/// Secrets (password hash, token hash) never reach `Debug` output.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("users::Model")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"[redacted]")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("unit_id", &self.unit_id)
            .field("team_id", &self.team_id)
            .field("created_at", &self.created_at)
            .field("username_key", &self.username_key)
            .field("disabled_at", &self.disabled_at)
            .field("must_change_password", &self.must_change_password)
            .finish()
    }
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
    /// `team_id` → `teams.id`.
    #[sea_orm(
        belongs_to = "super::teams::Entity",
        from = "Column::TeamId",
        to = "super::teams::Column::Id"
    )]
    Team,
}

impl Related<super::units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::teams::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

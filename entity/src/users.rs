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
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

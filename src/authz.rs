//! Authorization in one place (R-AUTHZ): who is calling, what their role may do (403), and
//! which objects are inside their scope (everything else answers 404).
//!
//! Scope: the admin sees everything; a team its own team; a unit the teams of its unit; a
//! district the teams of its own unit and of the units it recommends for; finance and experts
//! no teams (experts reach applications through their assignments, finance through payouts).

use crate::{
    domain::roles::Role,
    error::{AppError, AppResult, DomainError},
};
use entity::{teams, units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// The authenticated user behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i32,
    pub username: String,
    pub role: Role,
    pub unit_id: Option<i32>,
    pub team_id: Option<i32>,
    /// For `unit` and `district` users: the units whose teams they oversee.
    pub units_in_scope: Vec<i32>,
    /// Logged in with a temporary password: only `/me`, `/me/password` and logout answer.
    pub must_change_password: bool,
}

impl Caller {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), DomainError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(DomainError::forbidden())
        }
    }
    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
}

/// Which teams a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamScope {
    All,
    Only(Vec<i32>),
}

impl TeamScope {
    pub fn contains(&self, team_id: i32) -> bool {
        match self {
            TeamScope::All => true,
            TeamScope::Only(ids) => ids.contains(&team_id),
        }
    }
    /// A filter on a `team_id` column; `None` means "no restriction".
    pub fn condition<C: ColumnTrait>(&self, col: C) -> Option<sea_orm::Condition> {
        match self {
            TeamScope::All => None,
            TeamScope::Only(ids) => Some(sea_orm::Condition::all().add(col.is_in(ids.clone()))),
        }
    }
}

/// The units a `unit` or `district` user oversees (a district unit is its own recommender).
pub async fn units_in_scope(
    db: &impl ConnectionTrait,
    role: Role,
    unit_id: Option<i32>,
) -> Result<Vec<i32>, sea_orm::DbErr> {
    let Some(unit_id) = unit_id else { return Ok(vec![]) };
    match role {
        Role::Unit => Ok(vec![unit_id]),
        Role::District => {
            let mut ids: Vec<i32> = units::Entity::find()
                .select_only()
                .column(units::Column::Id)
                .filter(units::Column::ParentId.eq(unit_id))
                .into_tuple()
                .all(db)
                .await?;
            ids.push(unit_id);
            Ok(ids)
        }
        _ => Ok(vec![]),
    }
}

pub async fn team_scope(db: &impl ConnectionTrait, caller: &Caller) -> AppResult<TeamScope> {
    Ok(match caller.role {
        Role::Admin => TeamScope::All,
        Role::Team => TeamScope::Only(caller.team_id.into_iter().collect()),
        Role::Unit | Role::District => {
            let ids: Vec<i32> = teams::Entity::find()
                .select_only()
                .column(teams::Column::Id)
                .filter(teams::Column::UnitId.is_in(caller.units_in_scope.clone()))
                .into_tuple()
                .all(db)
                .await?;
            TeamScope::Only(ids)
        }
        Role::Finance | Role::Expert => TeamScope::Only(vec![]),
    })
}

/// A team the caller may see, or 404.
pub async fn find_team(db: &impl ConnectionTrait, caller: &Caller, id: i32) -> AppResult<teams::Model> {
    let team = teams::Entity::find_by_id(id).one(db).await?;
    let visible = match &team {
        None => false,
        Some(t) => match caller.role {
            Role::Admin => true,
            Role::Team => caller.team_id == Some(t.id),
            Role::Unit | Role::District => caller.units_in_scope.contains(&t.unit_id),
            Role::Finance | Role::Expert => false,
        },
    };
    match team {
        Some(t) if visible => Ok(t),
        _ => Err(AppError::Domain(DomainError::not_found("服务队", "team"))),
    }
}

/// Teams act only for themselves: a team user naming another team gets 404, as if it did not
/// exist; the admin may act for any team.
pub async fn team_for_write(db: &impl ConnectionTrait, caller: &Caller, id: i32) -> AppResult<teams::Model> {
    caller.require(&[Role::Admin, Role::Team])?;
    find_team(db, caller, id).await
}

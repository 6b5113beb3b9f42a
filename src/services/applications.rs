//! Project applications (项目申报书): scope, figures, and the team's edits.

use crate::{
    authz::Caller,
    domain::{application::ApplicationStatus, roles::Role},
    error::{AppError, AppResult, DomainError},
};
use entity::{applications, assignments, teams};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

fn not_found() -> AppError {
    DomainError::not_found("申报项目", "application").into()
}

/// R-AUTHZ: whether `caller` may see `app`: the admin all; the team its own; its unit and
/// district the applications of teams under them; an expert those assigned to them; finance
/// none (finance works from payouts).
pub async fn is_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    app: &applications::Model,
) -> AppResult<bool> {
    Ok(match caller.role {
        Role::Admin => true,
        Role::Team => caller.team_id == Some(app.team_id),
        Role::Unit | Role::District => {
            let team = teams::Entity::find_by_id(app.team_id).one(db).await?;
            team.is_some_and(|t| caller.units_in_scope.contains(&t.unit_id))
        }
        Role::Expert => assignments::Entity::find()
            .filter(assignments::Column::ApplicationId.eq(app.id))
            .filter(assignments::Column::ExpertId.eq(caller.user_id))
            .one(db)
            .await?
            .is_some(),
        Role::Finance => false,
    })
}

/// An application the caller may see, or 404.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> AppResult<applications::Model> {
    let app = applications::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if is_visible(db, caller, &app).await? {
        Ok(app)
    } else {
        Err(not_found())
    }
}

pub fn status_of(app: &applications::Model) -> AppResult<ApplicationStatus> {
    ApplicationStatus::parse(&app.status).ok_or_else(|| AppError::internal("unknown application status"))
}

/// An application its own team may change: 404 outside the scope, 403 for other roles in
/// scope, 409 `application_not_editable` unless `draft` or `returned`.
pub async fn find_editable_by_owner(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> AppResult<applications::Model> {
    let app = find_visible(db, caller, id).await?;
    caller.require(&[Role::Team])?;
    if !status_of(&app)?.is_editable() {
        return Err(DomainError::conflict(
            "application_not_editable",
            "申报书已提交，只有草稿或退回修改状态才能修改",
            "the application can be changed only while it is a draft or returned",
        )
        .into());
    }
    Ok(app)
}

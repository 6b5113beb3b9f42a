//! What the record says about a candidate (issue 13): the facts the checklist is computed from,
//! read from the team, its activities, the project's applications and award history, and the
//! earlier rounds' outcomes.

use crate::{
    domain::{
        cst_date,
        recommendation::{
            CheckItem, Condition, Details, Facts, PointFigures, RecommendationCategory, UpperOutcome,
            checklist,
        },
    },
    error::{AppError, AppResult},
};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    activities, application_activities, applications, award_history, recommendation_candidates as candidates,
    recommendation_photos as photos, recommendation_rounds as rounds, teams, units,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use vocab::ActivityStatus;

/// A candidate as the pages and the API show it.
#[derive(Debug, Clone)]
pub struct CandidateView {
    pub candidate: candidates::Model,
    pub details: Details,
    pub confirmed: Vec<Condition>,
    pub photos: Vec<photos::Model>,
    /// The stamped scan and the video, scan first.
    pub materials: Vec<entity::recommendation_materials::Model>,
    pub checklist: Vec<CheckItem>,
    pub team: Option<teams::Model>,
    pub nominator_unit_name: Option<String>,
}

pub fn details_of(c: &candidates::Model) -> AppResult<Details> {
    serde_json::from_str(&c.details)
        .map_err(|e| AppError::internal(format!("candidate {} details: {e}", c.id)))
}

pub fn confirmed_of(c: &candidates::Model) -> AppResult<Vec<Condition>> {
    serde_json::from_str(&c.confirmed)
        .map_err(|e| AppError::internal(format!("candidate {} confirmed: {e}", c.id)))
}

/// The year of an earlier round in which the same candidate was selected upstairs (002:
/// "已入选…的，不再参加").
async fn selected_in(db: &impl ConnectionTrait, identity_key: &str, year: i32) -> AppResult<Option<i32>> {
    let found = candidates::Entity::find()
        .find_also_related(rounds::Entity)
        .filter(candidates::Column::IdentityKey.eq(identity_key))
        .filter(candidates::Column::Outcome.eq(UpperOutcome::Selected))
        .filter(rounds::Column::Year.lt(year))
        .all(db)
        .await?;
    Ok(found.into_iter().filter_map(|(_, r)| r.map(|r| r.year)).max())
}

/// The team's activities: (reported, registered and started but not reported). Cancelled ones
/// never count.
async fn activity_counts(
    db: &impl ConnectionTrait,
    team_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(u64, u64)> {
    let reported = activities::Entity::find()
        .filter(activities::Column::TeamId.eq(team_id))
        .filter(activities::Column::Status.eq(ActivityStatus::Reported))
        .count(db)
        .await?;
    let registered = activities::Entity::find()
        .filter(activities::Column::TeamId.eq(team_id))
        .filter(activities::Column::Status.eq(ActivityStatus::Registered))
        .filter(activities::Column::PlannedStart.lte(now))
        .count(db)
        .await?;
    Ok((reported, registered))
}

/// A project's first recorded day: the earliest activity counted by any application of the
/// team under the same project name, or 1 January of the first year it won a city award.
async fn project_started(
    db: &impl ConnectionTrait,
    team_id: i32,
    project_name: &str,
) -> AppResult<Option<NaiveDate>> {
    let app_ids: Vec<i32> = applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .filter(applications::Column::TeamId.eq(team_id))
        .filter(applications::Column::ProjectName.eq(project_name))
        .into_tuple()
        .all(db)
        .await?;
    let activity_ids: Vec<i32> = application_activities::Entity::find()
        .select_only()
        .column(application_activities::Column::ActivityId)
        .filter(application_activities::Column::ApplicationId.is_in(app_ids))
        .into_tuple()
        .all(db)
        .await?;
    let first_activity = activities::Entity::find()
        .filter(activities::Column::Id.is_in(activity_ids))
        .filter(activities::Column::Status.ne(ActivityStatus::Cancelled))
        .order_by_asc(activities::Column::PlannedStart)
        .one(db)
        .await?
        .map(|a| cst_date(a.planned_start));
    let first_award = award_history::Entity::find()
        .filter(award_history::Column::TeamId.eq(team_id))
        .filter(award_history::Column::ProjectName.eq(project_name))
        .order_by_asc(award_history::Column::Year)
        .one(db)
        .await?
        .and_then(|a| NaiveDate::from_ymd_opt(a.year, 1, 1));
    Ok(match (first_activity, first_award) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// The candidate with its checklist as of `now`.
pub async fn view(
    db: &impl ConnectionTrait,
    round: &rounds::Model,
    c: candidates::Model,
    now: DateTime<Utc>,
) -> AppResult<CandidateView> {
    let details = details_of(&c)?;
    let confirmed = confirmed_of(&c)?;
    let team = match c.team_id {
        Some(id) => teams::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let mut facts = Facts {
        category: c.category,
        today: cst_date(now),
        outstanding: c.outstanding,
        founded_on: team.as_ref().map(|t| t.founded_on),
        volunteer_count: team.as_ref().map(|t| t.volunteer_count),
        platform_id: team.as_ref().and_then(|t| t.platform_id.clone()),
        activities_reported: 0,
        activities_registered: 0,
        project_started: None,
        serving_since: details.volunteer.as_ref().map(|v| v.serving_since),
        point: details.service_point.as_ref().map(|p| PointFigures {
            teams_formed: i32::try_from(p.teams.len()).unwrap_or(i32::MAX),
            activity_categories: i32::try_from(p.activity_categories.len()).unwrap_or(i32::MAX),
            residents_percent: p.residents_percent,
        }),
        selected_in: selected_in(db, &c.identity_key, round.year).await?,
        confirmed: confirmed.clone(),
    };
    match (c.category, &team) {
        (RecommendationCategory::Team, Some(t)) => {
            (facts.activities_reported, facts.activities_registered) = activity_counts(db, t.id, now).await?;
        }
        (RecommendationCategory::Project, Some(t)) => {
            facts.project_started = project_started(db, t.id, &c.name).await?;
        }
        _ => {}
    }
    let photos = photos::Entity::find()
        .filter(photos::Column::CandidateId.eq(c.id))
        .order_by_asc(photos::Column::Id)
        .all(db)
        .await?;
    let mut materials = entity::recommendation_materials::Entity::find()
        .filter(entity::recommendation_materials::Column::CandidateId.eq(c.id))
        .order_by_asc(entity::recommendation_materials::Column::Id)
        .all(db)
        .await?;
    materials.sort_by_key(|m| m.kind != crate::domain::recommendation::MaterialKind::Scan);
    let nominator_unit_name = match c.nominator_unit_id {
        Some(id) => units::Entity::find_by_id(id).one(db).await?.map(|u| u.name),
        None => None,
    };
    Ok(CandidateView {
        checklist: checklist(&facts),
        candidate: c,
        details,
        confirmed,
        photos,
        materials,
        team,
        nominator_unit_name,
    })
}

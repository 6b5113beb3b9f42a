//! Recommendation rounds to the upper-level 先进典型 selections (issue 13): the round, its
//! waivers, its candidates (nominated by units and districts from their scope), the deciding,
//! the materials and the upper level's outcome.

pub mod candidates;
pub mod exports;
pub mod materials;
pub mod photos;
pub mod record;

use crate::{
    authz::Caller,
    domain::{
        recommendation::{self as rec, Condition, Quotas, RoundAction, RoundStatus},
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::audit::Change,
    state::AppState,
};
use chrono::NaiveDate;
use entity::{recommendation_rounds as rounds, recommendation_waivers as waivers};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};

/// A new round, as the admin enters the call.
pub struct NewRound {
    pub year: i32,
    pub title: String,
    pub issuing_body: String,
    pub recommending_body: String,
    pub deadline: NaiveDate,
    pub quotas: Quotas,
}

/// A round with the conditions it waives.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub round: rounds::Model,
    pub waivers: Vec<waivers::Model>,
}

impl RoundView {
    pub fn quotas(&self) -> Quotas {
        quotas(&self.round)
    }
    pub fn waived(&self) -> Vec<Condition> {
        self.waivers.iter().map(|w| w.condition).collect()
    }
}

pub fn quotas(r: &rounds::Model) -> Quotas {
    Quotas {
        volunteer: r.quota_volunteer,
        team: r.quota_team,
        project: r.quota_project,
        service_point: r.quota_service_point,
        total_cap: r.total_cap,
    }
}

pub fn round_not_found() -> AppError {
    DomainError::not_found("推荐工作", "recommendation round").into()
}

/// Who works with rounds: the admin runs them, units and districts nominate.
pub const ROLES: &[Role] = &[Role::Admin, Role::Unit, Role::District];

/// A round the caller may see: the admin any; units and districts once it collects (404 for a
/// draft, which is not announced yet).
pub async fn find_round(db: &impl ConnectionTrait, caller: &Caller, id: i32) -> AppResult<rounds::Model> {
    caller.require(ROLES)?;
    let r = rounds::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(round_not_found)?;
    if r.status == RoundStatus::Draft && !caller.is(Role::Admin) {
        return Err(round_not_found());
    }
    Ok(r)
}

pub async fn view(db: &impl ConnectionTrait, round: rounds::Model) -> AppResult<RoundView> {
    let waivers = waivers::Entity::find()
        .filter(waivers::Column::RoundId.eq(round.id))
        .order_by_asc(waivers::Column::Id)
        .all(db)
        .await?;
    Ok(RoundView { round, waivers })
}

fn check_year(year: i32) -> Result<i32, DomainError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::invalid(
            "year",
            "年度应在2000至2100之间",
            "the year must be between 2000 and 2100",
        ))
    }
}

/// Creates a round in `draft` (admin).
#[tracing::instrument(skip_all, fields(year = new.year))]
pub async fn create(state: &AppState, caller: &Caller, new: NewRound) -> AppResult<RoundView> {
    caller.require(&[Role::Admin])?;
    let year = check_year(new.year)?;
    let title = text::required("title", &new.title, 100)?;
    let issuing_body = text::required("issuing_body", &new.issuing_body, 100)?;
    let recommending_body = text::required("recommending_body", &new.recommending_body, 100)?;
    new.quotas.check()?;
    let now = state.now();
    let q = new.quotas;
    let txn = state.db.begin().await?;
    let round = rounds::ActiveModel {
        year: Set(year),
        title: Set(title),
        issuing_body: Set(issuing_body),
        recommending_body: Set(recommending_body),
        deadline: Set(new.deadline),
        quota_volunteer: Set(q.volunteer),
        quota_team: Set(q.team),
        quota_project: Set(q.project),
        quota_service_point: Set(q.service_point),
        total_cap: Set(q.total_cap),
        status: Set(RoundStatus::Draft),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Change::new("create", "recommendation_round", round.id)
        .after(&round)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(RoundView {
        round,
        waivers: vec![],
    })
}

/// The rounds the caller may see, newest first.
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<rounds::Model>> {
    caller.require(ROLES)?;
    let mut q = rounds::Entity::find().order_by_desc(rounds::Column::Id);
    if !caller.is(Role::Admin) {
        q = q.filter(rounds::Column::Status.ne(RoundStatus::Draft));
    }
    Ok(q.all(&state.db).await?)
}

pub async fn get(state: &AppState, caller: &Caller, id: i32) -> AppResult<RoundView> {
    let r = find_round(&state.db, caller, id).await?;
    view(&state.db, r).await
}

/// Moves the round on (admin): open for nominations, decide, (exports move it themselves).
#[tracing::instrument(skip_all, fields(round_id = id))]
pub async fn act(state: &AppState, caller: &Caller, id: i32, action: RoundAction) -> AppResult<RoundView> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let round = find_round(&txn, caller, id).await?;
    let next = rec::transition(round.status, action)?;
    let before = round.clone();
    let mut m = round.into_active_model();
    m.status = Set(next);
    m.updated_at = Set(now);
    let round = m.update(&txn).await?;
    let verb = match action {
        RoundAction::Open => "open",
        RoundAction::Decide => "decide",
        RoundAction::Export => "export",
    };
    Change::new(verb, "recommendation_round", round.id)
        .before(&before)
        .after(&round)
        .record(&txn, &caller.into(), now)
        .await?;
    let v = view(&txn, round).await?;
    txn.commit().await?;
    Ok(v)
}

/// The conditions a round may waive: the measured ones (a confirm item is confirmed, not waived).
pub const WAIVABLE: &[Condition] = &[
    Condition::Founded3y,
    Condition::Volunteers20,
    Condition::Activities50,
    Condition::Platform,
    Condition::Project3y,
    Condition::ProjectVolunteers10,
    Condition::Serving3y,
    Condition::PointTeams5,
    Condition::PointCategories5,
    Condition::PointResidents60,
    Condition::NotSelectedBefore,
];

/// Waives a measured condition for the whole round, with the reason (admin, before the round
/// is decided; audited). 409 `already_waived` the second time.
#[tracing::instrument(skip_all, fields(round_id = id, condition = condition.as_str()))]
pub async fn waive(
    state: &AppState,
    caller: &Caller,
    id: i32,
    condition: Condition,
    reason: &str,
) -> AppResult<RoundView> {
    caller.require(&[Role::Admin])?;
    let reason = text::required_multiline("reason", reason, 500)?;
    if !WAIVABLE.contains(&condition) {
        return Err(DomainError::invalid(
            "condition",
            "只能豁免可由记录核验的条件",
            "only a condition measured from the record can be waived",
        )
        .into());
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let round = find_round(&txn, caller, id).await?;
    if !matches!(round.status, RoundStatus::Draft | RoundStatus::Collecting) {
        return Err(rec::round_state(
            "推荐名单确定后不能再豁免条件",
            "conditions cannot be waived once decided",
        )
        .into());
    }
    let already = || {
        DomainError::conflict(
            "already_waived",
            "本次推荐工作已豁免该条件",
            "the round already waives this condition",
        )
        .field("condition")
    };
    let w = waivers::ActiveModel {
        round_id: Set(round.id),
        condition: Set(condition),
        reason: Set(reason),
        waived_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, already))?;
    Change::new("waive", "recommendation_round", round.id)
        .after(&w)
        .record(&txn, &caller.into(), now)
        .await?;
    let v = view(&txn, round).await?;
    txn.commit().await?;
    Ok(v)
}

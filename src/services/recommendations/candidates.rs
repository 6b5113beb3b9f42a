//! Candidates of a round (issue 13): nominated by units and districts from their scope (another
//! unit's team answers 404), by the admin from anywhere; confirmed, ranked and recommended
//! within the quota; the upper level's outcome recorded.

use super::{
    find_round, quotas,
    record::{self, CandidateView},
};
use crate::{
    authz::{self, Caller},
    domain::{
        pii::mask_phone,
        recommendation::{
            self as rec, Condition, Details, FormExtras, RecommendationCategory, RoundStatus,
            ServicePointDetails, UpperOutcome, VolunteerDetails,
        },
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::{application_lookup, audit::Change},
    state::AppState,
};
use entity::{
    recommendation_candidates as candidates, recommendation_photos as photos, recommendation_rounds as rounds,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

/// A nomination as it arrives.
pub struct NewCandidate {
    pub category: RecommendationCategory,
    /// A team candidate's team; a volunteer's team (所在科技志愿服务组织).
    pub team_id: Option<i32>,
    /// A project candidate: the application.
    pub application_id: Option<i32>,
    pub volunteer: Option<VolunteerDetails>,
    pub service_point: Option<ServicePointDetails>,
    pub extras: Option<FormExtras>,
    pub outstanding: bool,
    pub deeds: String,
    pub confirmed: Vec<Condition>,
}

/// What a nominator may change while the round collects.
pub struct CandidatePatch {
    pub deeds: Option<String>,
    pub confirmed: Option<Vec<Condition>>,
    pub outstanding: Option<bool>,
    pub extras: Option<FormExtras>,
}

/// A candidate as its audit entries keep it: the row with its particulars and the forms'
/// extra figures (the stored `details`, which the row's own serialisation leaves out), the
/// volunteer's mobile (in its particulars and its identity key) and the service point's
/// contact masked (R-PII).
fn audited(c: &candidates::Model) -> AppResult<serde_json::Value> {
    let mut details = record::details_of(c)?;
    let mut identity_key = c.identity_key.clone();
    if let Some(v) = details.volunteer.as_mut() {
        let masked = mask_phone(&v.mobile);
        // A volunteer's identity is its name and mobile.
        identity_key = identity_key.replace(&v.mobile, &masked);
        v.mobile = masked;
    }
    if let Some(p) = details.service_point.as_mut() {
        p.contact = mask_phone(&p.contact);
    }
    let mut row = serde_json::to_value(c).map_err(|e| AppError::internal(e.to_string()))?;
    if let Some(map) = row.as_object_mut() {
        map.insert("identity_key".to_owned(), identity_key.into());
        map.insert(
            "details".to_owned(),
            serde_json::to_value(&details).map_err(|e| AppError::internal(e.to_string()))?,
        );
    }
    Ok(row)
}

pub fn candidate_not_found() -> AppError {
    DomainError::not_found("推荐对象", "candidate").into()
}

fn missing(field: &str) -> AppError {
    DomainError::invalid(field, "该类别必须填写此项", "this category requires this field").into()
}

/// Units see what they nominated, districts what they and their units nominated, the admin all.
fn visible(caller: &Caller, c: &candidates::Model) -> bool {
    match caller.role {
        Role::Admin => true,
        Role::Unit | Role::District => c
            .nominator_unit_id
            .is_some_and(|u| caller.units_in_scope.contains(&u)),
        _ => false,
    }
}

/// A candidate of the round the caller may see, or 404.
pub async fn find(
    db: &impl ConnectionTrait,
    caller: &Caller,
    round_id: i32,
    id: i32,
) -> AppResult<(rounds::Model, candidates::Model)> {
    let round = find_round(db, caller, round_id).await?;
    let c = candidates::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.round_id == round.id && visible(caller, c))
        .ok_or_else(candidate_not_found)?;
    Ok((round, c))
}

fn require_collecting(round: &rounds::Model) -> Result<(), DomainError> {
    if round.status == RoundStatus::Collecting {
        Ok(())
    } else {
        Err(rec::round_state(
            "只有征集中的推荐工作可以推荐或修改推荐对象",
            "candidates change only while the round collects",
        ))
    }
}

fn check_confirmed(
    category: RecommendationCategory,
    items: Vec<Condition>,
) -> Result<Vec<Condition>, DomainError> {
    let allowed = rec::confirm_items(category);
    let mut out = Vec::new();
    for c in items {
        if !allowed.contains(&c) {
            return Err(DomainError::invalid(
                "confirmed",
                format!("该类别没有需确认的条件“{c}”"),
                format!("{c} is not a condition this category confirms"),
            ));
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

fn json(v: &impl serde::Serialize) -> AppResult<String> {
    serde_json::to_string(v).map_err(AppError::internal)
}

/// Nominates a candidate (admin, unit, district; while the round collects).
#[tracing::instrument(skip_all, fields(round_id = round_id, category = new.category.as_str()))]
pub async fn nominate(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    new: NewCandidate,
) -> AppResult<CandidateView> {
    caller.require(super::ROLES)?;
    let now = state.now();
    let today = crate::domain::cst_date(now);
    let deeds = rec::parse_deeds(&new.deeds)?;
    let confirmed = check_confirmed(new.category, new.confirmed)?;
    let extras = new.extras.unwrap_or_default().parse()?;
    let txn = state.db.begin().await?;
    let round = find_round(&txn, caller, round_id).await?;
    require_collecting(&round)?;
    if quotas(&round).of(new.category).is_none() {
        return Err(rec::category_not_enabled().into());
    }
    let mut details = Details {
        extras,
        ..Details::default()
    };
    let (name, identity_key, team_id, application_id) = match new.category {
        RecommendationCategory::Team => {
            let team = authz::find_team(&txn, caller, new.team_id.ok_or_else(|| missing("team_id"))?).await?;
            (
                team.name.clone(),
                format!("team:{}", team.id),
                Some(team.id),
                None,
            )
        }
        RecommendationCategory::Project => {
            let id = new.application_id.ok_or_else(|| missing("application_id"))?;
            let app = application_lookup::find_visible(&txn, caller, id).await?;
            let key = format!("project:{}:{}", app.team_id, text::name_key(&app.project_name));
            (app.project_name, key, Some(app.team_id), Some(app.id))
        }
        RecommendationCategory::Volunteer => {
            let v = new.volunteer.ok_or_else(|| missing("volunteer"))?.parse(today)?;
            let team = authz::find_team(&txn, caller, new.team_id.ok_or_else(|| missing("team_id"))?).await?;
            let key = format!("volunteer:{}:{}", text::name_key(&v.name), v.mobile);
            let name = v.name.clone();
            details.volunteer = Some(v);
            (name, key, Some(team.id), None)
        }
        RecommendationCategory::ServicePoint => {
            let p = new
                .service_point
                .ok_or_else(|| missing("service_point"))?
                .parse()?;
            let name = p.full_name();
            let key = format!("point:{}", text::name_key(&name));
            details.service_point = Some(p);
            (name, key, None, None)
        }
    };
    let duplicate = || {
        DomainError::conflict(
            "duplicate_candidate",
            "该对象已被推荐参加本次推荐工作",
            "this candidate is already nominated in this round",
        )
    };
    let c = candidates::ActiveModel {
        round_id: Set(round.id),
        category: Set(new.category),
        identity_key: Set(identity_key),
        name: Set(name),
        nominator_unit_id: Set(if caller.is(Role::Admin) {
            None
        } else {
            caller.unit_id
        }),
        nominated_by: Set(caller.user_id),
        team_id: Set(team_id),
        application_id: Set(application_id),
        outstanding: Set(new.outstanding),
        details: Set(json(&details)?),
        deeds: Set(deeds),
        confirmed: Set(json(&confirmed)?),
        rank: Set(None),
        recommended: Set(false),
        outcome: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, duplicate))?;
    Change::new("nominate", "recommendation_candidate", c.id)
        .after(&audited(&c)?)
        .record(&txn, &caller.into(), now)
        .await?;
    let v = record::view(&txn, &round, c, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// The round's candidates the caller may see, by category, rank, then nomination order.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
) -> AppResult<(rounds::Model, Vec<CandidateView>)> {
    let round = find_round(&state.db, caller, round_id).await?;
    let all = candidates::Entity::find()
        .filter(candidates::Column::RoundId.eq(round.id))
        .order_by_asc(candidates::Column::Id)
        .all(&state.db)
        .await?;
    let now = state.now();
    let mut out = Vec::new();
    for c in all.into_iter().filter(|c| visible(caller, c)) {
        out.push(record::view(&state.db, &round, c, now).await?);
    }
    out.sort_by_key(|v| {
        (
            v.candidate.category,
            v.candidate.rank.unwrap_or(i32::MAX),
            v.candidate.id,
        )
    });
    Ok((round, out))
}

/// A project the caller may nominate: an application of its scope that was at least
/// submitted, awarded ones first (the pages' choice list).
pub struct ProjectChoice {
    pub application_id: i32,
    pub project_name: String,
    pub team_name: String,
    pub awarded: bool,
}

/// The applications of the caller's scope a project candidate can come from (at most 1,000).
pub async fn project_choices(state: &AppState, caller: &Caller) -> AppResult<Vec<ProjectChoice>> {
    use entity::{applications, teams};
    use vocab::ApplicationStatus;
    caller.require(super::ROLES)?;
    let scope = authz::team_scope(&state.db, caller).await?;
    let mut q = applications::Entity::find()
        .filter(applications::Column::Status.ne(ApplicationStatus::Draft))
        .order_by_desc(applications::Column::Id);
    if let Some(c) = scope.condition(applications::Column::TeamId) {
        q = q.filter(c);
    }
    let apps = sea_orm::QuerySelect::limit(q, 1_000).all(&state.db).await?;
    let team_ids: Vec<i32> = apps.iter().map(|a| a.team_id).collect();
    let names: std::collections::HashMap<i32, String> = teams::Entity::find()
        .filter(teams::Column::Id.is_in(team_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mut out: Vec<ProjectChoice> = apps
        .into_iter()
        .map(|a| ProjectChoice {
            application_id: a.id,
            team_name: names.get(&a.team_id).cloned().unwrap_or_default(),
            awarded: a.status == ApplicationStatus::Awarded,
            project_name: a.project_name,
        })
        .collect();
    out.sort_by_key(|p| !p.awarded);
    Ok(out)
}

pub async fn get(state: &AppState, caller: &Caller, round_id: i32, id: i32) -> AppResult<CandidateView> {
    let (round, c) = find(&state.db, caller, round_id, id).await?;
    record::view(&state.db, &round, c, state.now()).await
}

/// Changes what the nominator states (while collecting). A recommended candidate whose change
/// breaks a rule is refused, so the recommended list stays valid.
#[tracing::instrument(skip_all, fields(round_id = round_id, candidate_id = id))]
pub async fn update(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    id: i32,
    patch: CandidatePatch,
) -> AppResult<CandidateView> {
    caller.require(super::ROLES)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let (round, c) = find(&txn, caller, round_id, id).await?;
    require_collecting(&round)?;
    let before = c.clone();
    let mut details = record::details_of(&c)?;
    let mut m = c.into_active_model();
    if let Some(d) = patch.deeds {
        m.deeds = Set(rec::parse_deeds(&d)?);
    }
    if let Some(items) = patch.confirmed {
        m.confirmed = Set(json(&check_confirmed(before.category, items)?)?);
    }
    if let Some(o) = patch.outstanding {
        m.outstanding = Set(o);
    }
    if let Some(x) = patch.extras {
        details.extras = x.parse()?;
        m.details = Set(json(&details)?);
    }
    m.updated_at = Set(now);
    let c = m.update(&txn).await?;
    let v = record::view(&txn, &round, c, now).await?;
    if v.candidate.recommended {
        let waived = super::view(&txn, round.clone()).await?.waived();
        check_materials(&v, &waived)?;
    }
    Change::new("update", "recommendation_candidate", v.candidate.id)
        .before(&audited(&before)?)
        .after(&audited(&v.candidate)?)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(v)
}

/// Everything a recommended candidate needs: the conditions (met, waived or confirmed), the
/// 主要事迹 and 2–3 photos.
fn check_materials(v: &CandidateView, waived: &[Condition]) -> Result<(), DomainError> {
    rec::check_recommendable(&v.checklist, waived)?;
    if v.candidate.deeds.trim().is_empty() {
        return Err(DomainError::unprocessable(
            "deeds_required",
            "请填写主要事迹",
            "the main deeds are required",
        )
        .field("deeds"));
    }
    rec::check_photo_count(v.photos.len())
}

/// The admin's decision on a candidate: its rank in its category and whether it is
/// recommended (while collecting). Recommending checks the conditions (422
/// `condition_not_met` naming it, unless waived), the materials and the quota.
#[tracing::instrument(skip_all, fields(round_id = round_id, candidate_id = id))]
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    id: i32,
    rank: Option<i32>,
    recommended: bool,
) -> AppResult<CandidateView> {
    caller.require(&[Role::Admin])?;
    if rank.is_some_and(|r| !(1..=9999).contains(&r)) {
        return Err(DomainError::invalid(
            "rank",
            "排序应在1至9999之间",
            "the rank must be between 1 and 9999",
        )
        .into());
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let (round, c) = find(&txn, caller, round_id, id).await?;
    require_collecting(&round)?;
    if recommended && !c.recommended {
        let v = record::view(&txn, &round, c.clone(), now).await?;
        let waived = super::view(&txn, round.clone()).await?.waived();
        check_materials(&v, &waived)?;
        let recommended_of = |category: Option<RecommendationCategory>| {
            let mut q = candidates::Entity::find()
                .filter(candidates::Column::RoundId.eq(round.id))
                .filter(candidates::Column::Recommended.eq(true));
            if let Some(cat) = category {
                q = q.filter(candidates::Column::Category.eq(cat));
            }
            q.count(&txn)
        };
        let in_category = recommended_of(Some(c.category)).await?;
        let total = recommended_of(None).await?;
        quotas(&round).admit(c.category, in_category, total)?;
    }
    let before = c.clone();
    let mut m = c.into_active_model();
    m.rank = Set(rank);
    m.recommended = Set(recommended);
    m.updated_at = Set(now);
    let c = m.update(&txn).await?;
    Change::new("decide", "recommendation_candidate", c.id)
        .before(&audited(&before)?)
        .after(&audited(&c)?)
        .record(&txn, &caller.into(), now)
        .await?;
    let v = record::view(&txn, &round, c, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// Records the upper level's outcome of a recommended candidate (admin, once the round is
/// decided): a `selected` one does not take part in a later year's round.
#[tracing::instrument(skip_all, fields(round_id = round_id, candidate_id = id))]
pub async fn record_outcome(
    state: &AppState,
    caller: &Caller,
    round_id: i32,
    id: i32,
    outcome: Option<UpperOutcome>,
) -> AppResult<CandidateView> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let (round, c) = find(&txn, caller, round_id, id).await?;
    if !matches!(round.status, RoundStatus::Decided | RoundStatus::Exported) {
        return Err(rec::round_state(
            "推荐名单确定后才能登记评选结果",
            "the outcome is recorded once the round is decided",
        )
        .into());
    }
    if !c.recommended {
        return Err(DomainError::unprocessable(
            "not_recommended",
            "该对象未被推荐",
            "this candidate was not recommended",
        )
        .into());
    }
    let before = c.clone();
    let mut m = c.into_active_model();
    m.outcome = Set(outcome);
    m.updated_at = Set(now);
    let c = m.update(&txn).await?;
    Change::new("record_outcome", "recommendation_candidate", c.id)
        .before(&audited(&before)?)
        .after(&audited(&c)?)
        .record(&txn, &caller.into(), now)
        .await?;
    let v = record::view(&txn, &round, c, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// The recommended candidates of a round, by category and rank (the exports' order).
pub async fn recommended(
    db: &impl ConnectionTrait,
    round: &rounds::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<CandidateView>> {
    let all = candidates::Entity::find()
        .filter(candidates::Column::RoundId.eq(round.id))
        .filter(candidates::Column::Recommended.eq(true))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for c in all {
        out.push(record::view(db, round, c, now).await?);
    }
    out.sort_by_key(|v| {
        (
            v.candidate.category,
            v.candidate.rank.unwrap_or(i32::MAX),
            v.candidate.id,
        )
    });
    Ok(out)
}

/// How many photos a candidate has.
pub async fn photo_count(db: &impl ConnectionTrait, candidate_id: i32) -> AppResult<u64> {
    Ok(photos::Entity::find()
        .filter(photos::Column::CandidateId.eq(candidate_id))
        .count(db)
        .await?)
}

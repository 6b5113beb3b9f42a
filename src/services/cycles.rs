//! Award cycles (SPEC "Award cycle"): create, edit while a draft (the window may still move
//! while open), open, close.

use crate::{
    authz::Caller,
    domain::{
        cycle::{self, Criterion, CycleAction, CycleSettings, CycleStatus, Rubric, TierRule, Tiers},
        ranking::Aggregation,
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::audit::Change,
    state::AppState,
};
use chrono::{DateTime, NaiveDate, Utc};
use entity::cycles;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

/// Cycle fields; on create all but `rubric` are required, on PATCH any subset.
#[derive(Default)]
pub struct CycleFields {
    pub year: Option<i32>,
    pub title: Option<String>,
    pub applications_open_at: Option<DateTime<Utc>>,
    pub applications_close_at: Option<DateTime<Utc>>,
    pub activity_period_start: Option<NaiveDate>,
    pub activity_period_end: Option<NaiveDate>,
    pub min_award_score: Option<f64>,
    pub reviewers_per_application: Option<i64>,
    pub aggregation: Option<Aggregation>,
    pub tiers: Option<Vec<TierRule>>,
    pub rubric: Option<Vec<Criterion>>,
    /// 填报说明 of the 项目申报书 (R-FORM); on create, default: the notice's seven points.
    pub form_instructions: Option<String>,
    /// Issue 18.1: whether backfilled activities count; on create, default true.
    pub count_backfilled: Option<bool>,
}

impl CycleFields {
    fn only_window(&self) -> bool {
        self.year.is_none()
            && self.title.is_none()
            && self.activity_period_start.is_none()
            && self.activity_period_end.is_none()
            && self.min_award_score.is_none()
            && self.reviewers_per_application.is_none()
            && self.aggregation.is_none()
            && self.tiers.is_none()
            && self.rubric.is_none()
            && self.form_instructions.is_none()
            && self.count_backfilled.is_none()
    }
}

/// The 填报说明 a cycle's 申报书 prints: its own text, or the notice's seven points for a cycle
/// stored before the text was kept on the cycle.
pub fn form_instructions(c: &cycles::Model) -> &str {
    c.form_instructions
        .as_deref()
        .unwrap_or(cycle::DEFAULT_FORM_INSTRUCTIONS)
}

fn settings_of(c: &cycles::Model) -> CycleSettings {
    CycleSettings {
        applications_open_at: c.applications_open_at,
        applications_close_at: c.applications_close_at,
        activity_period_start: c.activity_period_start,
        activity_period_end: c.activity_period_end,
        min_award_score: c.min_award_score_tenths as f64 / 10.0,
        reviewers_per_application: i64::from(c.reviewers_per_application),
        tiers: c.tiers.0.clone(),
        rubric: c.rubric.0.clone(),
    }
}

/// Applies the fields over the current values, checks the whole, writes the model.
fn apply(active: &mut cycles::ActiveModel, current: CycleSettings, f: CycleFields) -> AppResult<()> {
    if let Some(y) = f.year {
        if !(2000..=2100).contains(&y) {
            return Err(
                DomainError::invalid("year", "年度应在2000到2100之间", "year must be 2000–2100").into(),
            );
        }
        active.year = Set(y);
    }
    if let Some(t) = f.title {
        active.title = Set(text::required("title", &t, 100)?);
    }
    if let Some(t) = f.form_instructions {
        active.form_instructions = Set(Some(text::required_multiline("form_instructions", &t, 5000)?));
    }
    if let Some(a) = f.aggregation {
        active.aggregation = Set(a);
    }
    if let Some(b) = f.count_backfilled {
        active.count_backfilled = Set(b);
    }
    let s = CycleSettings {
        applications_open_at: f.applications_open_at.unwrap_or(current.applications_open_at),
        applications_close_at: f.applications_close_at.unwrap_or(current.applications_close_at),
        activity_period_start: f.activity_period_start.unwrap_or(current.activity_period_start),
        activity_period_end: f.activity_period_end.unwrap_or(current.activity_period_end),
        min_award_score: f.min_award_score.unwrap_or(current.min_award_score),
        reviewers_per_application: f
            .reviewers_per_application
            .unwrap_or(current.reviewers_per_application),
        tiers: f.tiers.unwrap_or(current.tiers),
        rubric: f.rubric.unwrap_or(current.rubric),
    };
    let min_tenths = cycle::check_settings(&s)?;
    active.applications_open_at = Set(s.applications_open_at);
    active.applications_close_at = Set(s.applications_close_at);
    active.activity_period_start = Set(s.activity_period_start);
    active.activity_period_end = Set(s.activity_period_end);
    active.min_award_score_tenths = Set(min_tenths);
    active.reviewers_per_application = Set(s.reviewers_per_application as i32);
    active.tiers = Set(Tiers(s.tiers));
    active.rubric = Set(Rubric(s.rubric));
    Ok(())
}

fn duplicate_year() -> DomainError {
    DomainError::conflict(
        "duplicate_year",
        "该年度的评审周期已存在",
        "a cycle for that year exists",
    )
    .field("year")
}

pub async fn create(state: &AppState, caller: &Caller, f: CycleFields) -> AppResult<cycles::Model> {
    caller.require(&[Role::Admin])?;
    let missing = |field: &str| -> AppError {
        DomainError::invalid(field, "此项必填", "this field is required").into()
    };
    let now = state.now();
    let current = CycleSettings {
        applications_open_at: f
            .applications_open_at
            .ok_or_else(|| missing("applications_open_at"))?,
        applications_close_at: f
            .applications_close_at
            .ok_or_else(|| missing("applications_close_at"))?,
        activity_period_start: f
            .activity_period_start
            .ok_or_else(|| missing("activity_period_start"))?,
        activity_period_end: f
            .activity_period_end
            .ok_or_else(|| missing("activity_period_end"))?,
        min_award_score: f.min_award_score.ok_or_else(|| missing("min_award_score"))?,
        reviewers_per_application: f
            .reviewers_per_application
            .ok_or_else(|| missing("reviewers_per_application"))?,
        tiers: f.tiers.clone().ok_or_else(|| missing("tiers"))?,
        rubric: f.rubric.clone().unwrap_or_else(cycle::default_rubric),
    };
    let mut active = cycles::ActiveModel {
        year: Set(f.year.ok_or_else(|| missing("year"))?),
        aggregation: Set(f.aggregation.unwrap_or(Aggregation::Mean)),
        status: Set(CycleStatus::Draft),
        publicity_ends_at: Set(None),
        published_at: Set(None),
        finalized_at: Set(None),
        form_instructions: Set(Some(cycle::DEFAULT_FORM_INSTRUCTIONS.to_owned())),
        count_backfilled: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    if f.title.is_none() {
        return Err(missing("title"));
    }
    apply(&mut active, current, f)?;
    let txn = state.db.begin().await?;
    let c = active
        .insert(&txn)
        .await
        .map_err(|e| AppError::unique_as(e, duplicate_year))?;
    Change::new("create", "cycle", c.id)
        .after(&c)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(c)
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> AppResult<cycles::Model> {
    cycles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("评审周期", "cycle").into())
}

/// Every cycle whose application window is open at `now` (in one statement: only cycles in
/// the open state are read), newest year first.
pub async fn open_for_applications(state: &AppState, now: DateTime<Utc>) -> AppResult<Vec<cycles::Model>> {
    Ok(cycles::Entity::find()
        .filter(cycles::Column::Status.eq(CycleStatus::Open))
        .order_by_desc(cycles::Column::Year)
        .all(&state.read)
        .await?
        .into_iter()
        .filter(|c| cycle::window_is_open(c.status, c.applications_open_at, c.applications_close_at, now))
        .collect())
}

pub async fn list(state: &AppState, offset: u64, limit: u64) -> AppResult<(Vec<cycles::Model>, u64)> {
    let q = cycles::Entity::find().order_by_desc(cycles::Column::Year);
    let total = q.clone().count(&state.read).await?;
    Ok((q.offset(offset).limit(limit).all(&state.read).await?, total))
}

pub async fn update(state: &AppState, caller: &Caller, id: i32, f: CycleFields) -> AppResult<cycles::Model> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find(&txn, id).await?;
    let action = if f.only_window() {
        CycleAction::MoveWindow
    } else {
        CycleAction::Edit
    };
    cycle::transition(before.status, action)?;
    let mut active: cycles::ActiveModel = before.clone().into();
    apply(&mut active, settings_of(&before), f)?;
    active.updated_at = Set(now);
    let after = active
        .update(&txn)
        .await
        .map_err(|e| AppError::unique_as(e, duplicate_year))?;
    Change::new("update", "cycle", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// `draft → open` ([`CycleAction::Open`]) and `open → reviewing` ([`CycleAction::Close`]).
pub async fn transition(
    state: &AppState,
    caller: &Caller,
    id: i32,
    action: CycleAction,
) -> AppResult<cycles::Model> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find(&txn, id).await?;
    let to = cycle::transition(before.status, action)?;
    let mut active: cycles::ActiveModel = before.clone().into();
    active.status = Set(to);
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    let name = if action == CycleAction::Open {
        "open"
    } else {
        "close"
    };
    Change::new(name, "cycle", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

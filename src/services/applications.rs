//! Project applications (项目申报书): scope, create, edit, read, list.
//! Submission lives in `submission.rs`, the opinion chain in `opinions.rs`.

pub use super::application_lookup::{find_editable_by_owner, find_visible, is_visible};
use crate::services::row_counts::{self, Counted};
use crate::{
    authz::{self, Caller, TeamScope},
    domain::{
        application::{self as rules, ApplicationStatus},
        bank::BankFields,
        cycle::window_is_open,
        mobile::Mobile,
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::{
        application_lookup::{shown_team, shown_unit, won_previous_year},
        audit::Change,
        chunks::fetch_in,
        cycles, figures,
    },
    state::AppState,
};

use std::collections::HashMap;

use entity::{activities, application_activities, applications, assignments, opinions, teams, units};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

/// Application fields; on create all are given, on PATCH any subset.
#[derive(Debug, Default)]
pub struct ApplicationFields {
    pub project_name: Option<String>,
    pub leader_name: Option<String>,
    pub leader_title: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub overview: Option<String>,
    pub highlights: Option<String>,
    pub benefits: Option<String>,
    pub activity_ids: Option<Vec<i32>>,
    pub bank: Option<BankFields>,
}

const LONG_TEXT: usize = 5000;

/// Parses and applies the fields. Texts may stay empty in a draft (R-SUBMIT checks them at
/// submission); what is given must be well-formed.
fn apply(active: &mut applications::ActiveModel, f: &ApplicationFields) -> Result<(), DomainError> {
    if let Some(v) = &f.project_name {
        active.project_name = Set(rules::parse_project_name(v)?);
    }
    let opt =
        |field: &str, v: &str, max: usize| text::optional(field, Some(v), max).map(Option::unwrap_or_default);
    if let Some(v) = &f.leader_name {
        active.leader_name = Set(opt("leader_name", v, 50)?);
    }
    if let Some(v) = &f.leader_title {
        active.leader_title = Set(opt("leader_title", v, 50)?);
    }
    if let Some(v) = &f.phone {
        active.phone = Set(opt("phone", v, 30)?);
    }
    if let Some(v) = &f.mobile {
        let v = v.trim();
        active.mobile = Set(if v.is_empty() {
            String::new()
        } else {
            Mobile::parse("mobile", v)?.into_inner()
        });
    }
    let long = |field: &str, v: &str| {
        text::optional_multiline(field, Some(v), LONG_TEXT).map(Option::unwrap_or_default)
    };
    if let Some(v) = &f.overview {
        active.overview = Set(long("overview", v)?);
    }
    if let Some(v) = &f.highlights {
        active.highlights = Set(long("highlights", v)?);
    }
    if let Some(v) = &f.benefits {
        active.benefits = Set(long("benefits", v)?);
    }
    if let Some(b) = &f.bank {
        let b = b.parse()?;
        active.bank_name = Set(b.bank_name);
        active.account_no = Set(b.account_no.into_inner());
        active.account_name = Set(b.account_name);
    }
    Ok(())
}

/// The listed activities must be the team's own, each once.
async fn write_activities(
    db: &impl ConnectionTrait,
    app_id: i32,
    team_id: i32,
    ids: &[i32],
) -> AppResult<()> {
    for (i, id) in ids.iter().enumerate() {
        let field = format!("activity_ids[{i}]");
        if ids[..i].contains(id) {
            return Err(DomainError::invalid(&field, "活动重复", "an activity is listed twice").into());
        }
        let ok = activities::Entity::find_by_id(*id)
            .one(db)
            .await?
            .is_some_and(|a| a.team_id == team_id);
        if !ok {
            return Err(
                DomainError::invalid(&field, "不是本队登记的活动", "not an activity of this team").into(),
            );
        }
    }
    application_activities::Entity::delete_many()
        .filter(application_activities::Column::ApplicationId.eq(app_id))
        .exec(db)
        .await?;
    for id in ids {
        application_activities::ActiveModel {
            application_id: Set(app_id),
            activity_id: Set(*id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(cycle_id, team_id))]
pub async fn create(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
    team_id: i32,
    f: ApplicationFields,
) -> AppResult<applications::Model> {
    let now = state.now();
    let missing = |field: &str| -> AppError {
        DomainError::invalid(field, "此项必填", "this field is required").into()
    };
    if f.project_name.is_none() {
        return Err(missing("project_name"));
    }
    if f.bank.is_none() {
        return Err(missing("bank"));
    }
    let txn = state.db.begin().await?;
    let cycle = cycles::find(&txn, cycle_id).await?;
    authz::team_for_write(&txn, caller, team_id).await?;
    let status = cycle.status;
    if !window_is_open(
        status,
        cycle.applications_open_at,
        cycle.applications_close_at,
        now,
    ) {
        return Err(rules::window_closed().into());
    }
    if won_previous_year(&txn, team_id, cycle.year).await? {
        return Err(rules::previous_year_awardee().into());
    }
    let mut active = applications::ActiveModel {
        cycle_id: Set(cycle_id),
        team_id: Set(team_id),
        leader_name: Set(String::new()),
        leader_title: Set(String::new()),
        phone: Set(String::new()),
        mobile: Set(String::new()),
        overview: Set(String::new()),
        highlights: Set(String::new()),
        benefits: Set(String::new()),
        status: Set(ApplicationStatus::Draft),
        tier_override: Set(None),
        submitted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &f)?;
    let app = active.insert(&txn).await.map_err(|e| {
        AppError::unique_as(e, || {
            DomainError::conflict(
                "duplicate_application",
                "该服务队本年度已有申报项目（每队每年一项）",
                "this team already has an application in this cycle (one per team per cycle)",
            )
        })
    })?;
    write_activities(
        &txn,
        app.id,
        team_id,
        f.activity_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    Change::new("create", "application", app.id)
        .after(&app)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(app)
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i32,
    f: ApplicationFields,
) -> AppResult<applications::Model> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find_editable_by_owner(&txn, caller, id).await?;
    let mut active: applications::ActiveModel = before.clone().into();
    apply(&mut active, &f)?;
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    if let Some(ids) = &f.activity_ids {
        write_activities(&txn, id, before.team_id, ids).await?;
    }
    Change::new("update", "application", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// Everything a response shows about an application.
pub struct ApplicationView {
    pub app: applications::Model,
    pub team: teams::Model,
    pub unit: units::Model,
    pub activity_ids: Vec<i32>,
    pub figures: figures::Figures,
    pub opinions: Vec<(opinions::Model, String)>,
}

pub async fn view(db: &impl ConnectionTrait, app: applications::Model) -> AppResult<ApplicationView> {
    views(db, vec![app])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("application view missing"))
}

/// The views of many applications in a fixed number of statements (teams with their units, the
/// activity links, the figures, the opinions with their authors), whatever the number of rows.
pub async fn views(
    db: &impl ConnectionTrait,
    apps: Vec<applications::Model>,
) -> AppResult<Vec<ApplicationView>> {
    if apps.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i32> = apps.iter().map(|a| a.id).collect();
    let team_ids: Vec<i32> = apps.iter().map(|a| a.team_id).collect();
    let mut teams: HashMap<i32, (teams::Model, units::Model)> = HashMap::new();
    for (team, unit) in fetch_in(team_ids, |c| {
        teams::Entity::find()
            .filter(teams::Column::Id.is_in(c))
            .find_also_related(units::Entity)
            .all(db)
    })
    .await?
    {
        let unit = unit.ok_or_else(|| AppError::internal("unit missing"))?;
        teams.insert(team.id, (team, unit));
    }
    let link_rows: Vec<(i32, i32)> = fetch_in(ids.clone(), |c| {
        application_activities::Entity::find()
            .filter(application_activities::Column::ApplicationId.is_in(c))
            .order_by_asc(application_activities::Column::Id)
            .all(db)
    })
    .await?
    .into_iter()
    .map(|l| (l.application_id, l.activity_id))
    .collect();
    let mut figures = figures::for_loaded(db, &apps.iter().collect::<Vec<_>>(), &link_rows).await?;
    let mut links: HashMap<i32, Vec<i32>> = HashMap::new();
    for (application_id, activity_id) in link_rows {
        links.entry(application_id).or_default().push(activity_id);
    }
    // Each opinion with its author's name (the `opinions → users` relation), in id order
    // within each application (chunks ascend by application id).
    let mut named: HashMap<i32, Vec<(opinions::Model, String)>> = HashMap::new();
    for (o, u) in fetch_in(ids, |c| {
        opinions::Entity::find()
            .filter(opinions::Column::ApplicationId.is_in(c))
            .order_by_asc(opinions::Column::Id)
            .find_also_related(entity::users::Entity)
            .all(db)
    })
    .await?
    {
        let u = u.ok_or_else(|| AppError::internal("opinion without its author"))?;
        named
            .entry(o.application_id)
            .or_default()
            .push((o, u.display_name));
    }
    apps.into_iter()
        .map(|app| {
            let (team, unit) = teams
                .get(&app.team_id)
                .cloned()
                .ok_or_else(|| AppError::internal("team missing"))?;
            Ok(ApplicationView {
                team: shown_team(&app, &team),
                unit: shown_unit(&app, &unit),
                activity_ids: links.remove(&app.id).unwrap_or_default(),
                figures: figures.remove(&app.id).unwrap_or_default(),
                opinions: named.remove(&app.id).unwrap_or_default(),
                app,
            })
        })
        .collect()
}

pub async fn get(state: &AppState, caller: &Caller, id: i32) -> AppResult<ApplicationView> {
    let app = find_visible(&state.read, caller, id).await?;
    view(&state.read, app).await
}

/// The caller's own team's application in `cycle_id`, if any: one statement (the team's home).
pub async fn own_in_cycle(
    state: &AppState,
    caller: &Caller,
    cycle_id: i32,
) -> AppResult<Option<applications::Model>> {
    let Some(team_id) = caller.team_id.filter(|_| caller.is(Role::Team)) else {
        return Ok(None);
    };
    Ok(applications::Entity::find()
        .filter(applications::Column::TeamId.eq(team_id))
        .filter(applications::Column::CycleId.eq(cycle_id))
        .one(&state.read)
        .await?)
}

pub struct ApplicationFilter {
    pub cycle_id: Option<i32>,
    pub status: Option<ApplicationStatus>,
    pub team_id: Option<i32>,
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: ApplicationFilter,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<ApplicationView>, u64)> {
    let mut q = applications::Entity::find().order_by_asc(applications::Column::Id);
    let mut whole_table = filter.cycle_id.is_none() && filter.status.is_none() && filter.team_id.is_none();
    if caller.is(Role::Expert) {
        whole_table = false;
        let mine: Vec<i32> = assignments::Entity::find()
            .select_only()
            .column(assignments::Column::ApplicationId)
            .filter(assignments::Column::ExpertId.eq(caller.user_id))
            .into_tuple()
            .all(&state.read)
            .await?;
        q = q.filter(applications::Column::Id.is_in(mine));
    } else {
        let scope = authz::team_scope(&state.read, caller).await?;
        if let TeamScope::Only(ids) = scope {
            whole_table = false;
            q = q.filter(applications::Column::TeamId.is_in(ids));
        }
    }
    if let Some(c) = filter.cycle_id {
        q = q.filter(applications::Column::CycleId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(applications::Column::Status.eq(s));
    }
    if let Some(t) = filter.team_id {
        q = q.filter(applications::Column::TeamId.eq(t));
    }
    let total = if whole_table {
        row_counts::total(&state.read, Counted::Applications).await?
    } else {
        q.clone().count(&state.read).await?
    };
    let page = q.offset(offset).limit(limit).all(&state.read).await?;
    Ok((views(&state.read, page).await?, total))
}

//! Activity registration and reporting (R-PREREG, R-REPORT), scoped by team (R-AUTHZ).

use crate::services::row_counts::{self, Counted};
use crate::{
    authz::{self, Caller},
    domain::{
        activity::{self, ActivityAction, ActivityStatus, Category, Report},
        award_import::RowProblem,
        backfill_import,
        mobile::Mobile,
        roles::Role,
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::{audit::Change, chunks::fetch_in},
    state::AppState,
};
use chrono::{DateTime, Utc};
use entity::{activities, activity_tasks};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub content: String,
    pub target: String,
}

/// An activity with its tasks, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityRecord {
    pub activity: activities::Model,
    pub tasks: Vec<Task>,
}

/// Activity fields; on register all but `team_id` are required, on PATCH any subset.
#[derive(Default)]
pub struct ActivityFields {
    pub name: Option<String>,
    pub category: Option<Category>,
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub leader_name: Option<String>,
    pub leader_mobile: Option<String>,
    pub tasks: Option<Vec<(String, String)>>,
}

const MAX_TASKS: usize = 20;

fn parse_tasks(tasks: Vec<(String, String)>) -> Result<Vec<Task>, DomainError> {
    if tasks.is_empty() {
        return Err(DomainError::invalid(
            "tasks",
            "至少填写一项任务",
            "at least one task",
        ));
    }
    if tasks.len() > MAX_TASKS {
        return Err(DomainError::invalid("tasks", "任务最多20项", "at most 20 tasks"));
    }
    tasks
        .into_iter()
        .enumerate()
        .map(|(i, (content, target))| {
            let at = |e: DomainError| e.under(&format!("tasks[{i}]"));
            Ok(Task {
                content: text::required_multiline("content", &content, 1000).map_err(at)?,
                target: text::required_multiline("target", &target, 500).map_err(at)?,
            })
        })
        .collect()
}

/// Applies the fields to the model; returns the new task list when one was given.
fn apply(active: &mut activities::ActiveModel, f: ActivityFields) -> Result<Option<Vec<Task>>, DomainError> {
    if let Some(v) = f.name {
        active.name = Set(text::required("name", &v, 100)?);
    }
    if let Some(v) = f.category {
        active.category = Set(v);
    }
    if let Some(v) = f.planned_start {
        active.planned_start = Set(v);
    }
    if let Some(v) = f.planned_end {
        active.planned_end = Set(v);
    }
    if let Some(v) = f.location {
        active.location = Set(text::required("location", &v, 200)?);
    }
    if let Some(v) = f.leader_name {
        active.leader_name = Set(text::required("leader_name", &v, 50)?);
    }
    if let Some(v) = f.leader_mobile {
        active.leader_mobile = Set(Mobile::parse("leader_mobile", &v)?.into_inner());
    }
    f.tasks.map(parse_tasks).transpose()
}

async fn write_tasks(db: &impl ConnectionTrait, activity_id: i32, tasks: &[Task]) -> AppResult<()> {
    activity_tasks::Entity::delete_many()
        .filter(activity_tasks::Column::ActivityId.eq(activity_id))
        .exec(db)
        .await?;
    for (i, t) in tasks.iter().enumerate() {
        activity_tasks::ActiveModel {
            activity_id: Set(activity_id),
            position: Set(i as i32),
            content: Set(t.content.clone()),
            target: Set(t.target.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub(crate) async fn load_tasks(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, Vec<Task>>> {
    let mut map: std::collections::HashMap<i32, Vec<Task>> = std::collections::HashMap::new();
    for t in activity_tasks::Entity::find()
        .filter(activity_tasks::Column::ActivityId.is_in(ids.to_vec()))
        .order_by_asc(activity_tasks::Column::ActivityId)
        .order_by_asc(activity_tasks::Column::Position)
        .all(db)
        .await?
    {
        map.entry(t.activity_id).or_default().push(Task {
            content: t.content,
            target: t.target,
        });
    }
    Ok(map)
}

/// R-PREREG: registration only before the planned start.
#[tracing::instrument(skip_all, fields(team_id))]
pub async fn register(
    state: &AppState,
    caller: &Caller,
    team_id: i32,
    f: ActivityFields,
) -> AppResult<ActivityRecord> {
    let now = state.now();
    let missing = |field: &str| DomainError::invalid(field, "此项必填", "this field is required");
    let start = f.planned_start.ok_or_else(|| missing("planned_start"))?;
    let end = f.planned_end.ok_or_else(|| missing("planned_end"))?;
    for (field, present) in [
        ("name", f.name.is_some()),
        ("category", f.category.is_some()),
        ("location", f.location.is_some()),
        ("leader_name", f.leader_name.is_some()),
        ("leader_mobile", f.leader_mobile.is_some()),
        ("tasks", f.tasks.is_some()),
    ] {
        if !present {
            return Err(missing(field).into());
        }
    }
    let txn = state.db.begin().await?;
    authz::team_for_write(&txn, caller, team_id).await?;
    activity::check_plan(start, end, now)?;
    let mut active = activities::ActiveModel {
        team_id: Set(team_id),
        status: Set(ActivityStatus::Registered),
        registered_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let tasks = apply(&mut active, f)?.unwrap_or_default();
    let model = active.insert(&txn).await?;
    write_tasks(&txn, model.id, &tasks).await?;
    let record = ActivityRecord {
        activity: model,
        tasks,
    };
    Change::new("register", "activity", record.activity.id)
        .after(&record)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(record)
}

/// An activity the caller may see, or 404.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> AppResult<activities::Model> {
    let a = activities::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("活动", "activity"))?;
    authz::find_team(db, caller, a.team_id)
        .await
        .map_err(|_| AppError::Domain(DomainError::not_found("活动", "activity")))?;
    Ok(a)
}

pub async fn get(state: &AppState, caller: &Caller, id: i32) -> AppResult<ActivityRecord> {
    let a = find(&state.read, caller, id).await?;
    let mut tasks = load_tasks(&state.read, &[a.id]).await?;
    Ok(ActivityRecord {
        tasks: tasks.remove(&a.id).unwrap_or_default(),
        activity: a,
    })
}

/// The activities among `ids` the caller may see, in `ids`' order, in one statement (and one
/// for the caller's scope of teams where it is a unit's or a district's): the activities an
/// application lists, say.
pub async fn get_many(state: &AppState, caller: &Caller, ids: &[i32]) -> AppResult<Vec<activities::Model>> {
    let scope = authz::team_scope(&state.read, caller).await?;
    let found = fetch_in(ids.to_vec(), |c| {
        let mut q = activities::Entity::find().filter(activities::Column::Id.is_in(c));
        if let Some(cond) = scope.condition(activities::Column::TeamId) {
            q = q.filter(cond);
        }
        q.all(&state.read)
    })
    .await?;
    let mut by_id: std::collections::HashMap<i32, activities::Model> =
        found.into_iter().map(|a| (a.id, a)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

pub struct ActivityFilter {
    pub team_id: Option<i32>,
    pub status: Option<ActivityStatus>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: ActivityFilter,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<ActivityRecord>, u64)> {
    let scope = authz::team_scope(&state.read, caller).await?;
    let whole_table = matches!(scope, authz::TeamScope::All)
        && filter.team_id.is_none()
        && filter.status.is_none()
        && filter.from.is_none()
        && filter.to.is_none();
    let mut q = activities::Entity::find()
        .order_by_asc(activities::Column::PlannedStart)
        .order_by_asc(activities::Column::Id);
    if let Some(c) = scope.condition(activities::Column::TeamId) {
        q = q.filter(c);
    }
    if let Some(t) = filter.team_id {
        q = q.filter(activities::Column::TeamId.eq(t));
    }
    if let Some(s) = filter.status {
        q = q.filter(activities::Column::Status.eq(s));
    }
    if let Some(from) = filter.from {
        q = q.filter(activities::Column::PlannedStart.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(activities::Column::PlannedStart.lte(to));
    }
    let total = if whole_table {
        row_counts::total(&state.read, Counted::Activities).await?
    } else {
        q.clone().count(&state.read).await?
    };
    let items = q.offset(offset).limit(limit).all(&state.read).await?;
    let ids: Vec<i32> = items.iter().map(|a| a.id).collect();
    let mut tasks = load_tasks(&state.read, &ids).await?;
    let records = items
        .into_iter()
        .map(|a| ActivityRecord {
            tasks: tasks.remove(&a.id).unwrap_or_default(),
            activity: a,
        })
        .collect();
    Ok((records, total))
}

/// Only the owning team (or the admin) changes an activity; others in scope get 403, others 404.
async fn find_for_write(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
    roles: &[Role],
) -> AppResult<activities::Model> {
    let a = find(db, caller, id).await?;
    caller.require(roles)?;
    Ok(a)
}

/// R-PREREG: editable until the planned start (the current one, and the new one must still
/// lie in the future).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i32,
    f: ActivityFields,
) -> AppResult<ActivityRecord> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find_for_write(&txn, caller, id, &[Role::Admin, Role::Team]).await?;
    activity::check_editable(before.status, before.planned_start, now)?;
    let old_tasks = load_tasks(&txn, &[id]).await?.remove(&id).unwrap_or_default();
    let start = f.planned_start.unwrap_or(before.planned_start);
    let end = f.planned_end.unwrap_or(before.planned_end);
    activity::check_plan(start, end, now)?;
    let mut active: activities::ActiveModel = before.clone().into();
    let new_tasks = apply(&mut active, f)?;
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    let tasks = match new_tasks {
        Some(t) => {
            write_tasks(&txn, id, &t).await?;
            t
        }
        None => old_tasks.clone(),
    };
    let record = ActivityRecord {
        activity: after,
        tasks,
    };
    Change::new("update", "activity", id)
        .before(&ActivityRecord {
            activity: before,
            tasks: old_tasks,
        })
        .after(&record)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(record)
}

pub async fn cancel(state: &AppState, caller: &Caller, id: i32) -> AppResult<ActivityRecord> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = find_for_write(&txn, caller, id, &[Role::Admin, Role::Team]).await?;
    let to = activity::transition(before.status, ActivityAction::Cancel)?;
    let mut active: activities::ActiveModel = before.clone().into();
    active.status = Set(to);
    active.cancelled_at = Set(Some(now));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    Change::new("cancel", "activity", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    let tasks = load_tasks(&state.db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(ActivityRecord {
        activity: after,
        tasks,
    })
}

/// R-REPORT: after the planned start, by the owning team; a report may be corrected later.
pub async fn report(
    state: &AppState,
    caller: &Caller,
    id: i32,
    report: Report,
    summary: String,
) -> AppResult<ActivityRecord> {
    let now = state.now();
    let summary = text::required_multiline("summary", &summary, 2000)?;
    let txn = state.db.begin().await?;
    let before = find_for_write(&txn, caller, id, &[Role::Team]).await?;
    activity::check_report(before.status, before.planned_start, &report, now)?;
    let mut active: activities::ActiveModel = before.clone().into();
    active.status = Set(activity::transition(before.status, ActivityAction::Report)?);
    active.actual_start = Set(Some(report.actual_start));
    active.actual_end = Set(Some(report.actual_end));
    active.sessions = Set(Some(report.sessions));
    active.people_served = Set(Some(report.people_served));
    active.volunteers = Set(Some(report.volunteers));
    active.summary = Set(Some(summary));
    active.reported_at = Set(Some(now));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    Change::new("report", "activity", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    let tasks = load_tasks(&state.db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(ActivityRecord {
        activity: after,
        tasks,
    })
}

/// Issue 18.5: the activities an application counts (R-SUBMIT), with their tasks and reports,
/// for whoever may see the application — its team, its unit chain, the admin and the experts
/// assigned to it; anyone else gets 404.
pub async fn counted_for_application(
    state: &AppState,
    caller: &Caller,
    application_id: i32,
) -> AppResult<Vec<ActivityRecord>> {
    use crate::services::application_lookup::{find_visible, is_counted};
    let db = &state.read;
    let app = find_visible(db, caller, application_id).await?;
    let cycle = crate::services::cycles::find(db, app.cycle_id).await?;
    let ids: Vec<i32> = entity::application_activities::Entity::find()
        .select_only()
        .column(entity::application_activities::Column::ActivityId)
        .filter(entity::application_activities::Column::ApplicationId.eq(app.id))
        .into_tuple()
        .all(db)
        .await?;
    let mut counted: Vec<activities::Model> = fetch_in(ids, |c| {
        activities::Entity::find()
            .filter(activities::Column::Id.is_in(c))
            .all(db)
    })
    .await?
    .into_iter()
    .filter(|a| is_counted(a, app.team_id, &cycle))
    .collect();
    counted.sort_by_key(|a| (a.actual_start.unwrap_or(a.planned_start), a.id));
    let ids: Vec<i32> = counted.iter().map(|a| a.id).collect();
    let mut tasks = load_tasks(db, &ids).await?;
    Ok(counted
        .into_iter()
        .map(|a| ActivityRecord {
            tasks: tasks.remove(&a.id).unwrap_or_default(),
            activity: a,
        })
        .collect())
}

/// One category of the notice's 活动内容 (issue 18.2).
#[derive(Debug, Clone, Copy)]
pub struct CategoryInfo {
    pub code: Category,
    pub name: &'static str,
    pub notice_item: u8,
}

/// The notice's categories, in the notice's order: what `GET /api/v1/categories` serves and
/// what the pages' forms offer.
pub fn categories() -> Vec<CategoryInfo> {
    Category::ALL
        .into_iter()
        .map(|c| CategoryInfo {
            code: c,
            name: c.name(),
            notice_item: c.notice_item(),
        })
        .collect()
}

/// What a 补录 carries besides the registration fields (issue 18.1).
pub struct Backfill {
    pub team_id: i32,
    pub fields: ActivityFields,
    pub report: Report,
    pub summary: String,
    /// The day the original 登记表 was sent.
    pub registered_on: chrono::NaiveDate,
    pub reason: String,
}

/// Checks a 补录 and builds its rows (no I/O beyond the caller's transaction): the parsed
/// activity, its tasks.
fn backfill_rows(
    caller: &Caller,
    b: Backfill,
    now: DateTime<Utc>,
) -> Result<(activities::ActiveModel, Vec<Task>), DomainError> {
    let missing = |field: &str| DomainError::invalid(field, "此项必填", "this field is required");
    let start = b.fields.planned_start.ok_or_else(|| missing("planned_start"))?;
    let end = b.fields.planned_end.ok_or_else(|| missing("planned_end"))?;
    for (field, present) in [
        ("name", b.fields.name.is_some()),
        ("category", b.fields.category.is_some()),
        ("location", b.fields.location.is_some()),
        ("leader_name", b.fields.leader_name.is_some()),
        ("leader_mobile", b.fields.leader_mobile.is_some()),
        ("tasks", b.fields.tasks.is_some()),
    ] {
        if !present {
            return Err(missing(field));
        }
    }
    let registered_at = activity::check_backfill(b.registered_on, start, end, &b.report, now)?;
    let summary = text::required_multiline("summary", &b.summary, 2000)?;
    let reason = text::required_multiline("reason", &b.reason, 500)?;
    let mut active = activities::ActiveModel {
        team_id: Set(b.team_id),
        status: Set(ActivityStatus::Reported),
        registered_at: Set(registered_at),
        updated_at: Set(now),
        actual_start: Set(Some(b.report.actual_start)),
        actual_end: Set(Some(b.report.actual_end)),
        sessions: Set(Some(b.report.sessions)),
        people_served: Set(Some(b.report.people_served)),
        volunteers: Set(Some(b.report.volunteers)),
        summary: Set(Some(summary)),
        reported_at: Set(Some(now)),
        backfilled: Set(true),
        backfilled_by: Set(Some(caller.user_id)),
        backfilled_at: Set(Some(now)),
        backfill_reason: Set(Some(reason)),
        backfill_scan_at: Set(None),
        ..Default::default()
    };
    let tasks = apply(&mut active, b.fields)?.unwrap_or_default();
    Ok((active, tasks))
}

/// Inserts a checked 补录 with its tasks and its audit row, inside `txn`.
async fn insert_backfill(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    active: activities::ActiveModel,
    tasks: Vec<Task>,
    now: DateTime<Utc>,
) -> AppResult<ActivityRecord> {
    let model = active.insert(txn).await?;
    write_tasks(txn, model.id, &tasks).await?;
    let record = ActivityRecord {
        activity: model,
        tasks,
    };
    Change::new("backfill", "activity", record.activity.id)
        .after(&record)
        .record(txn, &caller.into(), now)
        .await?;
    Ok(record)
}

/// Issue 18.1: the admin records (补录) an activity that was registered by e-mail before it
/// started and has happened: created already reported, marked backfilled with who and when,
/// audited. It counts once the scan of the original 登记表 or e-mail is attached.
#[tracing::instrument(skip_all, fields(team_id = b.team_id))]
pub async fn backfill(state: &AppState, caller: &Caller, b: Backfill) -> AppResult<ActivityRecord> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    authz::team_for_write(&txn, caller, b.team_id).await?;
    let (active, tasks) = backfill_rows(caller, b, now)?;
    let record = insert_backfill(&txn, caller, active, tasks, now).await?;
    txn.commit().await?;
    Ok(record)
}

/// Issue 18.1: the 补录 still waiting for the scan of their original 登记表 (so not counted
/// yet), newest first, at most `limit` of them, and how many there are (admin).
pub async fn backfills_awaiting_scan(
    state: &AppState,
    caller: &Caller,
    limit: u64,
) -> AppResult<(Vec<activities::Model>, u64)> {
    caller.require(&[Role::Admin])?;
    let waiting = activities::Entity::find()
        .filter(activities::Column::Backfilled.eq(true))
        .filter(activities::Column::BackfillScanAt.is_null())
        .filter(activities::Column::Status.ne(ActivityStatus::Cancelled));
    let total = waiting.clone().count(&state.read).await?;
    let items = waiting
        .order_by_desc(activities::Column::Id)
        .limit(limit)
        .all(&state.read)
        .await?;
    Ok((items, total))
}

/// What a 补录 import did: every row recorded, or nothing and every bad row.
pub enum BackfillImport {
    Imported(Vec<ActivityRecord>),
    Rejected(Vec<RowProblem>),
}

/// Issue 18.1: a whole sheet of 补录 (the template's columns) — all rows or none. Every bad
/// row is named by its line, with every reason; otherwise every row is recorded, each
/// audited, in one transaction.
pub async fn import_backfill(state: &AppState, caller: &Caller, bytes: Vec<u8>) -> AppResult<BackfillImport> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let parsed = tokio::task::spawn_blocking(move || backfill_import::parse(&bytes))
        .await
        .map_err(AppError::internal)?;
    let mut problems = parsed.problems;
    let txn = state.db.begin().await?;
    let names: std::collections::HashMap<String, i32> = entity::teams::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.name, t.id))
        .collect();
    for (line, name) in &parsed.teams {
        if !names.contains_key(name.trim()) {
            problems.push(RowProblem::new(
                *line,
                &format!("未找到名为“{name}”的服务队"),
                &format!("no team is registered as \"{name}\""),
            ));
        }
    }
    let mut rows = Vec::with_capacity(parsed.rows.len());
    for r in parsed.rows {
        let Some(team_id) = names.get(r.team_name.trim()).copied() else {
            continue;
        };
        let line = r.line;
        let b = Backfill {
            team_id,
            fields: ActivityFields {
                name: Some(r.name),
                category: Some(r.category),
                planned_start: Some(r.planned_start),
                planned_end: Some(r.planned_end),
                location: Some(r.location),
                leader_name: Some(r.leader_name),
                leader_mobile: Some(r.leader_mobile),
                tasks: Some(vec![r.task]),
            },
            report: r.report,
            summary: r.summary,
            registered_on: r.registered_on,
            reason: r.reason,
        };
        match backfill_rows(caller, b, now) {
            Ok(x) => rows.push(x),
            Err(e) => {
                let header = e.field.as_deref().and_then(backfill_import::header_of);
                let zh = header.map_or_else(|| e.zh.to_string(), |h| format!("“{h}”：{}", e.zh));
                problems.push(RowProblem::new(line, &zh, &e.en));
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Ok(BackfillImport::Rejected(problems));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (active, tasks) in rows {
        out.push(insert_backfill(&txn, caller, active, tasks, now).await?);
    }
    txn.commit().await?;
    Ok(BackfillImport::Imported(out))
}

/// Issue 18.1: the 补录 import template, with the categories of [`categories`] (admin).
pub async fn backfill_template(caller: &Caller) -> AppResult<Vec<u8>> {
    caller.require(&[Role::Admin])?;
    let cats: Vec<(&'static str, &'static str, u8)> = categories()
        .into_iter()
        .map(|c| (c.code.as_str(), c.name, c.notice_item))
        .collect();
    tokio::task::spawn_blocking(move || crate::export::backfill_template::build_backfill_template(&cats))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

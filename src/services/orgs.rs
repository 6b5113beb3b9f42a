//! Organisations: units and teams (SPEC "Organisations").

use crate::{
    authz::{self, Caller, TeamScope},
    domain::{
        mobile::Mobile,
        roles::{Role, UnitKind},
        text,
    },
    error::{AppError, AppResult, DomainError},
    services::audit::Change,
    state::AppState,
};
use chrono::NaiveDate;
use entity::{team_former_names, teams, units};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

fn duplicate_name() -> DomainError {
    DomainError::conflict("duplicate_name", "名称已存在", "that name is already registered").field("name")
}

pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i32>,
}

pub async fn create_unit(state: &AppState, caller: &Caller, new: NewUnit) -> AppResult<units::Model> {
    caller.require(&[Role::Admin])?;
    let name = text::required("name", &new.name, 100)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if let Some(pid) = new.parent_id {
        let parent = units::Entity::find_by_id(pid).one(&txn).await?;
        match parent {
            Some(p) if p.kind == UnitKind::District => {}
            Some(_) => {
                return Err(DomainError::invalid(
                    "parent_id",
                    "推荐单位必须是区县科协",
                    "the parent must be a district unit",
                )
                .into());
            }
            None => return Err(DomainError::invalid("parent_id", "上级单位不存在", "no such unit").into()),
        }
        if new.kind == UnitKind::District {
            return Err(DomainError::invalid(
                "parent_id",
                "区县科协自身即为推荐单位，不能再有上级",
                "a district unit is its own recommender and has no parent",
            )
            .into());
        }
    }
    let unit = units::ActiveModel {
        name_key: Set(Some(text::name_key(&name))),
        name: Set(name),
        kind: Set(new.kind),
        parent_id: Set(new.parent_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, duplicate_name))?;
    Change::new("create", "unit", unit.id)
        .after(&unit)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(unit)
}

pub async fn list_units(state: &AppState, offset: u64, limit: u64) -> AppResult<(Vec<units::Model>, u64)> {
    search_units(state, None, offset, limit).await
}

/// Units whose name contains `name` (all when `None`), oldest first.
pub async fn search_units(
    state: &AppState,
    name: Option<&str>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<units::Model>, u64)> {
    let mut q = units::Entity::find().order_by_asc(units::Column::Id);
    if let Some(n) = name.map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(units::Column::Name.contains(n));
    }
    let total = q.clone().count(&state.db).await?;
    Ok((q.offset(offset).limit(limit).all(&state.db).await?, total))
}

/// Team fields; on create every one is given, on PATCH any subset.
#[derive(Default)]
pub struct TeamFields {
    pub name: Option<String>,
    pub unit_id: Option<i32>,
    pub founded_on: Option<NaiveDate>,
    pub volunteer_count: Option<i64>,
    /// `Some("")` clears the platform registration number.
    pub platform_id: Option<String>,
    pub leader_name: Option<String>,
    pub leader_mobile: Option<String>,
}

fn apply_team_fields(
    active: &mut teams::ActiveModel,
    f: TeamFields,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if let Some(v) = f.name {
        let name = text::required("name", &v, 100)?;
        active.name_key = Set(Some(text::name_key(&name)));
        active.name = Set(name);
    }
    if let Some(v) = f.unit_id {
        active.unit_id = Set(v);
    }
    if let Some(v) = f.founded_on {
        crate::domain::plausible::date("founded_on", v)?;
        if v > today {
            return Err(DomainError::invalid(
                "founded_on",
                "成立时间不能在将来",
                "cannot be in the future",
            ));
        }
        active.founded_on = Set(v);
    }
    if let Some(v) = f.volunteer_count {
        active.volunteer_count = Set(crate::domain::plausible::count("volunteer_count", v)?);
    }
    if let Some(v) = f.platform_id {
        active.platform_id = Set(text::optional("platform_id", Some(&v), 64)?);
    }
    if let Some(v) = f.leader_name {
        active.leader_name = Set(text::required("leader_name", &v, 50)?);
    }
    if let Some(v) = f.leader_mobile {
        active.leader_mobile = Set(Mobile::parse("leader_mobile", &v)?.into_inner());
    }
    Ok(())
}

async fn check_unit_exists(db: &impl sea_orm::ConnectionTrait, id: i32) -> AppResult<()> {
    units::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| DomainError::invalid("unit_id", "单位不存在", "no such unit").into())
}

pub async fn create_team(state: &AppState, caller: &Caller, f: TeamFields) -> AppResult<teams::Model> {
    caller.require(&[Role::Admin])?;
    let missing = |field: &str| DomainError::invalid(field, "此项必填", "this field is required");
    let now = state.now();
    let unit_id = f.unit_id.ok_or_else(|| missing("unit_id"))?;
    let mut active = teams::ActiveModel {
        platform_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    for (field, present) in [
        ("name", f.name.is_some()),
        ("founded_on", f.founded_on.is_some()),
        ("volunteer_count", f.volunteer_count.is_some()),
        ("leader_name", f.leader_name.is_some()),
        ("leader_mobile", f.leader_mobile.is_some()),
    ] {
        if !present {
            return Err(missing(field).into());
        }
    }
    apply_team_fields(&mut active, f, crate::domain::cst_date(now))?;
    let txn = state.db.begin().await?;
    check_unit_exists(&txn, unit_id).await?;
    let team = active
        .insert(&txn)
        .await
        .map_err(|e| AppError::unique_as(e, duplicate_name))?;
    Change::new("create", "team", team.id)
        .after(&team)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(team)
}

/// R-AUTHZ: the admin edits any team, a team user only its own and never moves it to
/// another unit.
pub async fn update_team(
    state: &AppState,
    caller: &Caller,
    id: i32,
    f: TeamFields,
) -> AppResult<teams::Model> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let before = authz::team_for_write(&txn, caller, id).await?;
    if caller.is(Role::Team) && f.unit_id.is_some_and(|u| u != before.unit_id) {
        return Err(DomainError::forbidden().field("unit_id").into());
    }
    if let Some(u) = f.unit_id {
        check_unit_exists(&txn, u).await?;
    }
    let mut active: teams::ActiveModel = before.clone().into();
    apply_team_fields(&mut active, f, crate::domain::cst_date(now))?;
    active.updated_at = Set(now);
    let after = active
        .update(&txn)
        .await
        .map_err(|e| AppError::unique_as(e, duplicate_name))?;
    // Issue 18.3: a rename keeps the former name on the team (and is audited below).
    if before.name != after.name {
        team_former_names::ActiveModel {
            team_id: Set(id),
            name: Set(before.name.clone()),
            until: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    Change::new("update", "team", id)
        .before(&before)
        .after(&after)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(after)
}

pub async fn list_teams(
    state: &AppState,
    caller: &Caller,
    unit_id: Option<i32>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<teams::Model>, u64)> {
    search_teams(state, caller, unit_id, None, offset, limit).await
}

/// The caller's teams, of one unit and/or whose name contains `name`.
pub async fn search_teams(
    state: &AppState,
    caller: &Caller,
    unit_id: Option<i32>,
    name: Option<&str>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<teams::Model>, u64)> {
    let scope = authz::team_scope(&state.db, caller).await?;
    let mut q = teams::Entity::find().order_by_asc(teams::Column::Id);
    if let Some(c) = scope.condition(teams::Column::Id) {
        q = q.filter(c);
    }
    if let Some(u) = unit_id {
        q = q.filter(teams::Column::UnitId.eq(u));
    }
    if let Some(n) = name.map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(teams::Column::Name.contains(n));
    }
    if scope == TeamScope::Only(vec![]) {
        return Ok((vec![], 0));
    }
    let total = q.clone().count(&state.db).await?;
    Ok((q.offset(offset).limit(limit).all(&state.db).await?, total))
}

pub async fn get_team(state: &AppState, caller: &Caller, id: i32) -> AppResult<teams::Model> {
    authz::find_team(&state.read, caller, id).await
}

/// Issue 18.3: a team's former names, oldest first, each with when it was dropped.
pub async fn former_names(
    db: &impl sea_orm::ConnectionTrait,
    team_id: i32,
) -> AppResult<Vec<team_former_names::Model>> {
    Ok(team_former_names::Entity::find()
        .filter(team_former_names::Column::TeamId.eq(team_id))
        .order_by_asc(team_former_names::Column::Id)
        .all(db)
        .await?)
}

/// Unit names by id, for pages that show them beside teams.
pub async fn unit_names(
    db: &impl sea_orm::ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<std::collections::HashMap<i32, String>> {
    let ids: Vec<i32> = ids.into_iter().collect();
    Ok(units::Entity::find()
        .filter(units::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

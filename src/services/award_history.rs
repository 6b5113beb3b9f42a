//! Award history (R-EXCLUDE): prizes won in years before the system, entered one at a time or
//! imported from the association's existing list (all rows or none).

use crate::{
    authz::Caller,
    domain::{
        application::parse_project_name,
        award_import::{self, AwardSource, RowProblem, YEARS},
        ranking::Tier,
        roles::Role,
    },
    error::{AppError, AppResult, DomainError},
    services::audit::Change,
    state::AppState,
};
use entity::{award_history, teams};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

pub struct NewAward {
    pub year: i32,
    pub team_id: i32,
    pub project_name: String,
    pub tier: Tier,
}

/// A history record with its team's name.
#[derive(Debug, Clone)]
pub struct AwardRecord {
    pub award: award_history::Model,
    pub team_name: String,
}

fn duplicate() -> DomainError {
    DomainError::conflict(
        "duplicate_award_history",
        "该服务队该年度的获奖记录已存在",
        "an award of this team in this year is already recorded",
    )
}

fn check_year(year: i32) -> Result<i32, DomainError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::invalid(
            "year",
            "年度应在2000至2100之间",
            "the year must be between 2000 and 2100",
        ))
    }
}

/// Records one award (admin): 422 for a bad year, an unknown team or a bad project name,
/// 409 `duplicate_award_history` when the team's award for that year is already recorded.
#[tracing::instrument(skip_all, fields(year = new.year, team_id = new.team_id))]
pub async fn create(state: &AppState, caller: &Caller, new: NewAward) -> AppResult<AwardRecord> {
    caller.require(&[Role::Admin])?;
    let year = check_year(new.year)?;
    let project_name = parse_project_name(&new.project_name)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let team = teams::Entity::find_by_id(new.team_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::invalid("team_id", "服务队不存在", "no such team"))?;
    if won_in_year(&txn, team.id, year).await? {
        return Err(duplicate().into());
    }
    let award = award_history::ActiveModel {
        year: Set(year),
        team_id: Set(team.id),
        project_name: Set(project_name),
        tier: Set(new.tier),
        source: Set(AwardSource::Manual),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_as(e, duplicate))?;
    Change::new("create", "award_history", award.id)
        .after(&award)
        .record(&txn, &caller.into(), now)
        .await?;
    txn.commit().await?;
    Ok(AwardRecord {
        award,
        team_name: team.name,
    })
}

pub enum ImportOutcome {
    Imported(u64),
    /// Every bad row, in row order; nothing was imported.
    Rejected(Vec<RowProblem>),
}

/// A list read and checked against the stored teams and history: the sheet, the team id of
/// every name found, and every problem (the sheet's own and the database's), in row order.
struct Checked {
    sheet: award_import::ParsedSheet,
    teams: HashMap<String, i32>,
    problems: Vec<RowProblem>,
}

/// Parses the list and checks every row against the teams and the recorded history — the
/// one check both the import and its preview make.
async fn check(db: &impl ConnectionTrait, bytes: Vec<u8>) -> AppResult<Checked> {
    let mut sheet = tokio::task::spawn_blocking(move || award_import::parse(&bytes))
        .await
        .map_err(AppError::internal)?;
    let mut problems = std::mem::take(&mut sheet.problems);
    let names: HashSet<&str> = sheet.keys.iter().map(|k| k.team_name.as_str()).collect();
    let teams: HashMap<String, i32> = teams::Entity::find()
        .filter(teams::Column::Name.is_in(names))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.name, t.id))
        .collect();
    let recorded: HashSet<(i32, i32)> = award_history::Entity::find()
        .select_only()
        .column(award_history::Column::Year)
        .column(award_history::Column::TeamId)
        .filter(award_history::Column::TeamId.is_in(teams.values().copied()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for k in &sheet.keys {
        match teams.get(&k.team_name) {
            None => problems.push(RowProblem::new(
                k.row,
                &format!("未找到名为“{}”的服务队", k.team_name),
                &format!("no team is registered as \"{}\"", k.team_name),
            )),
            Some(id) if k.year.is_some_and(|y| recorded.contains(&(y, *id))) => {
                problems.push(RowProblem::new(
                    k.row,
                    "该服务队该年度的获奖记录已存在",
                    "this team's award for this year is already recorded",
                ))
            }
            Some(_) => {}
        }
    }
    // Stable: a row's own problems keep their order.
    problems.sort_by_key(|p| p.row);
    Ok(Checked {
        sheet,
        teams,
        problems,
    })
}

/// One row of the list as the preview shows it: the cells as written and what is wrong.
#[derive(Debug, Clone)]
pub struct PreviewRow {
    pub row: u32,
    pub year: String,
    pub team_name: String,
    pub project_name: String,
    pub prize: String,
    /// Chinese reasons; empty when the row would be imported.
    pub problems: Vec<String>,
}

/// What an import of the list would do, without writing anything.
#[derive(Debug, Clone)]
pub struct Preview {
    pub rows: Vec<PreviewRow>,
    /// Problems of the file itself (unreadable, no header, no rows), not of one data row.
    pub general: Vec<String>,
    /// Records the import would write (only when nothing is wrong: all or nothing).
    pub importable: u64,
}

/// The dry run of [`import`] (admin): the same parsing and the same checks, every data row
/// with its problems, nothing written.
#[tracing::instrument(skip_all, fields(bytes = bytes.len()))]
pub async fn preview(state: &AppState, caller: &Caller, bytes: Vec<u8>) -> AppResult<Preview> {
    caller.require(&[Role::Admin])?;
    let Checked { sheet, problems, .. } = check(&state.db, bytes).await?;
    let mut rows: Vec<PreviewRow> = sheet
        .raw
        .into_iter()
        .map(|r| PreviewRow {
            row: r.row,
            year: r.year,
            team_name: r.team_name,
            project_name: r.project_name,
            prize: r.prize,
            problems: vec![],
        })
        .collect();
    let mut general = vec![];
    for p in &problems {
        match rows.iter_mut().find(|r| r.row == p.row) {
            Some(r) => r.problems.push(p.zh.clone()),
            None => general.push(p.zh.clone()),
        }
    }
    let importable = if problems.is_empty() {
        sheet.rows.len() as u64
    } else {
        0
    };
    rows.sort_by_key(|r| r.row);
    Ok(Preview {
        rows,
        general,
        importable,
    })
}

/// Imports the association's list (admin): every row matched to a team by its exact name, or
/// nothing imported and every bad row reported.
#[tracing::instrument(skip_all, fields(bytes = bytes.len()))]
pub async fn import(state: &AppState, caller: &Caller, bytes: Vec<u8>) -> AppResult<ImportOutcome> {
    caller.require(&[Role::Admin])?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let Checked {
        sheet,
        teams,
        problems,
    } = check(&txn, bytes).await?;
    if !problems.is_empty() {
        return Ok(ImportOutcome::Rejected(problems));
    }
    let mut imported = 0;
    for r in sheet.rows {
        let award = award_history::ActiveModel {
            year: Set(r.year),
            team_id: Set(teams[&r.team_name]),
            project_name: Set(r.project_name),
            tier: Set(r.tier),
            source: Set(AwardSource::Import),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| AppError::unique_as(e, duplicate))?;
        Change::new("import", "award_history", award.id)
            .after(&award)
            .record(&txn, &caller.into(), now)
            .await?;
        imported += 1;
    }
    txn.commit().await?;
    Ok(ImportOutcome::Imported(imported))
}

/// The history (admin), newest year first, optionally one year.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    year: Option<i32>,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<AwardRecord>, u64)> {
    caller.require(&[Role::Admin])?;
    let mut q = award_history::Entity::find()
        .order_by_desc(award_history::Column::Year)
        .order_by_asc(award_history::Column::Id);
    if let Some(y) = year {
        q = q.filter(award_history::Column::Year.eq(y));
    }
    let total = q.clone().count(&state.db).await?;
    let awards = q.offset(offset).limit(limit).all(&state.db).await?;
    let names: HashMap<i32, String> = teams::Entity::find()
        .filter(teams::Column::Id.is_in(awards.iter().map(|a| a.team_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let records = awards
        .into_iter()
        .map(|award| AwardRecord {
            team_name: names.get(&award.team_id).cloned().unwrap_or_default(),
            award,
        })
        .collect();
    Ok((records, total))
}

/// R-EXCLUDE: whether the award history records a prize of `team_id` in `year` (combine with
/// the awards of this system's finalized cycles).
pub async fn won_in_year(db: &impl ConnectionTrait, team_id: i32, year: i32) -> AppResult<bool> {
    Ok(award_history::Entity::find()
        .filter(award_history::Column::TeamId.eq(team_id))
        .filter(award_history::Column::Year.eq(year))
        .count(db)
        .await?
        > 0)
}

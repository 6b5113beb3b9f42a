//! R-STAT: statistics of a year, aggregated in SQL (a handful of grouped statements whatever the
//! number of activities) and scoped like everything else (R-AUTHZ):
//!
//! | caller | sees |
//! |---|---|
//! | admin | every team |
//! | district | the teams of its own unit and of the units it recommends for |
//! | unit | the teams of its unit |
//! | team | its own team only (its own figures, every grouping) |
//! | finance | every team, money figures only (awards by tier, subsidy awarded and paid) |
//! | expert | nothing: 403 (an expert has no activities, applications or money of its own) |

use crate::{
    authz::Caller,
    domain::{
        activity::Category,
        roles::Role,
        statistics::{
            Figures, Group, GroupBy, Statistics, TierCounts, check_year, month_label, month_start,
            year_bounds,
        },
    },
    error::{AppResult, DomainError},
    state::AppState,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Statement, Value};
use std::collections::BTreeMap;

/// Which teams' records are counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatScope {
    All,
    /// Teams of these units.
    Units(Vec<i32>),
    /// One team.
    Team(i32),
}

/// What a caller may see of the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub scope: StatScope,
    /// Finance: awards and money only.
    pub money_only: bool,
}

/// The table at the top of this module.
pub fn access(caller: &Caller) -> Result<Access, DomainError> {
    let (scope, money_only) = match caller.role {
        Role::Admin => (StatScope::All, false),
        Role::Finance => (StatScope::All, true),
        Role::District | Role::Unit => (StatScope::Units(caller.units_in_scope.clone()), false),
        Role::Team => match caller.team_id {
            Some(id) => (StatScope::Team(id), false),
            None => (StatScope::Units(vec![]), false),
        },
        Role::Expert => return Err(DomainError::forbidden()),
    };
    Ok(Access { scope, money_only })
}

/// The key of the group with no district (units directly under the association).
pub const NO_DISTRICT: &str = "none";

/// A statement with numbered placeholders (`$1`; `?1` on SQLite).
struct Sql {
    backend: DatabaseBackend,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        format!("${}", self.values.len())
    }
    fn statement(&self, sql: &str) -> Statement {
        let sql = match self.backend {
            DatabaseBackend::Postgres => sql.to_owned(),
            _ => sql.replace('$', "?"),
        };
        Statement::from_sql_and_values(self.backend, sql, self.values.clone())
    }
}

/// The SQL text of a group key (`None`: one row for the total).
fn key_expr(sql: &mut Sql, group_by: Option<GroupBy>, year: i32) -> String {
    match group_by {
        None => "CAST('total' AS TEXT)".into(),
        Some(GroupBy::District) => {
            "CAST(COALESCE(u.parent_id, CASE WHEN u.kind = 'district' THEN u.id END) AS TEXT)".into()
        }
        Some(GroupBy::Unit) => "CAST(t.unit_id AS TEXT)".into(),
        Some(GroupBy::Team) => "CAST(t.id AS TEXT)".into(),
        Some(GroupBy::Category) => "a.category".into(),
        Some(GroupBy::Month) => {
            let mut e = String::from("CASE");
            for m in 1..12 {
                let bound = sql.bind(month_start(year, m + 1));
                e.push_str(&format!(" WHEN a.planned_start < {bound} THEN '{m}'"));
            }
            e.push_str(" ELSE '12' END");
            e
        }
    }
}

fn scope_clause(sql: &mut Sql, scope: &StatScope) -> String {
    match scope {
        StatScope::All => String::new(),
        StatScope::Team(id) => format!(" AND t.id = {}", sql.bind(*id)),
        StatScope::Units(ids) if ids.is_empty() => " AND 1 = 0".into(),
        StatScope::Units(ids) => {
            let list: Vec<String> = ids.iter().map(|id| sql.bind(*id)).collect();
            format!(" AND t.unit_id IN ({})", list.join(", "))
        }
    }
}

fn key_of(row: &QueryResult) -> AppResult<String> {
    let k: Option<String> = row.try_get("", "k")?;
    Ok(k.unwrap_or_else(|| NO_DISTRICT.to_owned()))
}

fn get(row: &QueryResult, col: &str) -> AppResult<i64> {
    Ok(row.try_get::<Option<i64>>("", col)?.unwrap_or(0))
}

type ByKey = BTreeMap<String, Figures>;

/// The statement of a year's activity figures per group (`None`: the total), as
/// [`activity_figures`] runs it (public for the benchmark's query plans). Its rows carry
/// `total_row` = 1 for the total: a grouping by category or month (where a team is in several
/// groups) answers its groups and the total in one pass over the activities.
pub fn activity_statement(
    backend: DatabaseBackend,
    year: i32,
    group_by: Option<GroupBy>,
    scope: &StatScope,
) -> Statement {
    let mut sql = Sql {
        backend,
        values: vec![],
    };
    // Two levels: the activities of the year per team (and per category or month), read from
    // the covering index `ix_activities_year_figures` alone (in team order); then those few rows per group,
    // joined to their team and unit. Each first-level row is one active team of its group.
    let inner_key = match group_by {
        Some(GroupBy::Category | GroupBy::Month) => Some(key_expr(&mut sql, group_by, year)),
        _ => None,
    };
    let (start, end) = year_bounds(year);
    let (start, end) = (sql.bind(start), sql.bind(end));
    let (inner_select, inner_group) = match &inner_key {
        Some(k) => (format!(", {k} AS k0"), ", 2"),
        None => (String::new(), ""),
    };
    // SQLite's planner takes the narrower `(team_id, planned_start)` index, reading every row
    // of the year from the table (1.5 s of CPU for 1 000 000 activities against 0.2 s from the
    // figures index: the virtual column `registered_early` hides that the figures index covers
    // the statement). Name the index.
    let indexed = match backend {
        DatabaseBackend::Sqlite => " INDEXED BY ix_activities_year_figures",
        _ => "",
    };
    let reported = |col: &str| format!("SUM(CASE WHEN a.status = 'reported' THEN {col} ELSE 0 END)");
    let inner = format!(
        "SELECT a.team_id AS team_id{inner_select}, COUNT(*) AS registered, \
           SUM(CASE WHEN a.registered_early THEN 1 ELSE 0 END) AS early, \
           SUM(CASE WHEN a.status = 'reported' THEN 1 ELSE 0 END) AS reported, \
           {} AS sessions, {} AS people, {} AS volunteers \
           FROM activities a{indexed} \
           WHERE a.planned_start >= {start} AND a.planned_start < {end} AND a.status <> 'cancelled' \
           GROUP BY 1{inner_group}",
        reported("a.sessions"),
        reported("a.people_served"),
        reported("a.volunteers"),
    );
    let sums = "CAST(SUM(s.registered) AS BIGINT) AS registered, CAST(SUM(s.early) AS BIGINT) AS early, \
         CAST(SUM(s.reported) AS BIGINT) AS reported, CAST(SUM(s.sessions) AS BIGINT) AS sessions, \
         CAST(SUM(s.people) AS BIGINT) AS people, CAST(SUM(s.volunteers) AS BIGINT) AS volunteers";
    let scope = scope_clause(&mut sql, scope);
    let text = if inner_key.is_some() {
        // The per-team rows once (materialised: SQLite would otherwise flatten the CTE into both
        // branches and read the year twice), then the groups and the total from them; a team
        // active in several groups counts once in the total.
        format!(
            "WITH s AS MATERIALIZED (SELECT s0.* FROM ({inner}) s0 JOIN teams t ON t.id = s0.team_id WHERE 1 = 1{scope}) \
             SELECT CAST(0 AS BIGINT) AS total_row, s.k0 AS k, COUNT(*) AS teams, {sums} FROM s GROUP BY s.k0 \
             UNION ALL \
             SELECT CAST(1 AS BIGINT) AS total_row, CAST('total' AS TEXT) AS k, COUNT(DISTINCT s.team_id) AS teams, {sums} FROM s"
        )
    } else {
        let outer_key = key_expr(&mut sql, group_by, year);
        let units = if group_by == Some(GroupBy::District) {
            " JOIN units u ON u.id = t.unit_id"
        } else {
            ""
        };
        let (total_row, group) = if group_by.is_some() {
            (0, " GROUP BY 2")
        } else {
            (1, "")
        };
        format!(
            "SELECT CAST({total_row} AS BIGINT) AS total_row, {outer_key} AS k, COUNT(*) AS teams, {sums} \
             FROM ({inner}) s JOIN teams t ON t.id = s.team_id{units} WHERE 1 = 1{scope}{group}"
        )
    };
    sql.statement(&text)
}

/// The activity figures of `year` per group of `group_by` into `groups`, and their total
/// into `total` (key "total").
async fn activity_figures(
    db: &impl ConnectionTrait,
    year: i32,
    group_by: GroupBy,
    scope: &StatScope,
    groups: &mut ByKey,
    total: &mut ByKey,
) -> AppResult<()> {
    let stmt = activity_statement(db.get_database_backend(), year, Some(group_by), scope);
    for row in db.query_all_raw(stmt).await? {
        let out = match get(&row, "total_row")? {
            1 => &mut *total,
            _ => &mut *groups,
        };
        let f = out.entry(key_of(&row)?).or_default();
        f.active_teams = Some(get(&row, "teams")?);
        f.activities_registered = Some(get(&row, "registered")?);
        f.registered_early = Some(get(&row, "early")?);
        f.activities_reported = Some(get(&row, "reported")?);
        f.sessions = Some(get(&row, "sessions")?);
        f.people_served = Some(get(&row, "people")?);
        f.volunteer_participations = Some(get(&row, "volunteers")?);
    }
    Ok(())
}

/// Applications, awards and payments of the year's cycle (the cycle's `year`).
async fn cycle_figures(
    db: &impl ConnectionTrait,
    year: i32,
    group_by: Option<GroupBy>,
    scope: &StatScope,
    money_only: bool,
    out: &mut ByKey,
) -> AppResult<()> {
    let backend = db.get_database_backend();
    let group = if group_by.is_some() { " GROUP BY 1" } else { "" };
    let run = |select: &str, from: &str, filter: &str, group_extra: &str| {
        let mut sql = Sql {
            backend,
            values: vec![],
        };
        let key = key_expr(&mut sql, group_by, year);
        let year = sql.bind(year);
        let scope = scope_clause(&mut sql, scope);
        let group = match (group, group_extra) {
            ("", "") => String::new(),
            ("", extra) => format!(" GROUP BY {extra}"),
            (g, "") => g.to_owned(),
            (g, extra) => format!("{g}, {extra}"),
        };
        let text = format!(
            "SELECT {key} AS k, {select} FROM {from} JOIN cycles c ON c.id = x.cycle_id \
             JOIN teams t ON t.id = x.team_id JOIN units u ON u.id = t.unit_id \
             WHERE c.year = {year}{filter}{scope}{group}"
        );
        sql.statement(&text)
    };
    if !money_only {
        let stmt = run(
            "COUNT(*) AS n",
            "applications x",
            " AND x.submitted_at IS NOT NULL",
            "",
        );
        for row in db.query_all_raw(stmt).await? {
            out.entry(key_of(&row)?).or_default().applications = Some(get(&row, "n")?);
        }
    }
    let stmt = run(
        "x.tier AS tier, COUNT(*) AS n, CAST(COALESCE(SUM(x.amount_fen), 0) AS BIGINT) AS fen",
        "awards x",
        "",
        "2",
    );
    for row in db.query_all_raw(stmt).await? {
        let tier: String = row.try_get("", "tier")?;
        let f = out.entry(key_of(&row)?).or_default();
        let awards = f.awards.get_or_insert_with(TierCounts::default);
        let n = get(&row, "n")?;
        match tier.as_str() {
            "first" => awards.first += n,
            "second" => awards.second += n,
            _ => awards.third += n,
        }
        *f.subsidy_awarded_fen.get_or_insert(0) += get(&row, "fen")?;
    }
    let stmt = run(
        "CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) AS fen",
        "payments p JOIN awards x ON x.id = p.award_id",
        "",
        "",
    );
    for row in db.query_all_raw(stmt).await? {
        let f = out.entry(key_of(&row)?).or_default();
        *f.subsidy_paid_fen.get_or_insert(0) += get(&row, "fen")?;
    }
    Ok(())
}

/// Fills the figures a caller may see but no statement returned (a group with no activities
/// still has zero of them).
fn zero_missing(f: &mut Figures, money_only: bool, with_cycle: bool) {
    if !money_only {
        for v in [
            &mut f.active_teams,
            &mut f.activities_registered,
            &mut f.registered_early,
            &mut f.activities_reported,
            &mut f.sessions,
            &mut f.people_served,
            &mut f.volunteer_participations,
        ] {
            v.get_or_insert(0);
        }
    }
    if with_cycle {
        f.awards.get_or_insert_with(TierCounts::default);
        f.subsidy_awarded_fen.get_or_insert(0);
        f.subsidy_paid_fen.get_or_insert(0);
        if !money_only {
            f.applications.get_or_insert(0);
        }
    }
}

/// A category's label, from the domain's category list (an unknown stored value shows as is).
pub fn category_label(key: &str) -> String {
    Category::parse(key).map_or_else(|| key.to_owned(), |c| c.name().to_owned())
}

async fn labels(
    db: &impl ConnectionTrait,
    group_by: GroupBy,
    keys: &[String],
) -> AppResult<BTreeMap<String, String>> {
    let ids: Vec<i32> = keys.iter().filter_map(|k| k.parse().ok()).collect();
    let mut out = BTreeMap::new();
    match group_by {
        GroupBy::District | GroupBy::Unit => {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            for chunk in ids.chunks(500) {
                for u in entity::units::Entity::find()
                    .filter(entity::units::Column::Id.is_in(chunk.to_vec()))
                    .all(db)
                    .await?
                {
                    out.insert(u.id.to_string(), u.name);
                }
            }
            out.insert(NO_DISTRICT.to_owned(), "市直（不属区县）".to_owned());
        }
        GroupBy::Team => {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            for chunk in ids.chunks(500) {
                for t in entity::teams::Entity::find()
                    .filter(entity::teams::Column::Id.is_in(chunk.to_vec()))
                    .all(db)
                    .await?
                {
                    out.insert(t.id.to_string(), t.name);
                }
            }
        }
        GroupBy::Category => {
            for k in keys {
                out.insert(k.clone(), category_label(k));
            }
        }
        GroupBy::Month => {
            for m in 1..=12 {
                out.insert(m.to_string(), month_label(m));
            }
        }
    }
    Ok(out)
}

/// R-STAT: the statistics of `year` grouped by `group_by`, as `caller` may see them.
#[tracing::instrument(skip_all, fields(year, group_by = group_by.as_str()))]
pub async fn compute(
    state: &AppState,
    caller: &Caller,
    year: i32,
    group_by: GroupBy,
) -> AppResult<Statistics> {
    let access = access(caller)?;
    let year = check_year(year)?;
    compute_for(&state.read, &access, year, group_by).await
}

/// As [`compute`], for an access already decided (the workbook and the benchmark).
pub async fn compute_for(
    db: &impl ConnectionTrait,
    access: &Access,
    year: i32,
    group_by: GroupBy,
) -> AppResult<Statistics> {
    let money_only = access.money_only;
    let mut total = ByKey::new();
    let mut groups = ByKey::new();
    if !money_only {
        activity_figures(db, year, group_by, &access.scope, &mut groups, &mut total).await?;
        if group_by.is_organisational() {
            // Each team is in exactly one district, unit or team group: the total is the
            // groups' sum (the statement answers no total row for these groupings).
            let sum = total.entry("total".to_owned()).or_default();
            for g in groups.values() {
                sum.add_activity_figures(g);
            }
        }
    }
    cycle_figures(db, year, None, &access.scope, money_only, &mut total).await?;
    if group_by.is_organisational() {
        cycle_figures(db, year, Some(group_by), &access.scope, money_only, &mut groups).await?;
    }
    // Months and categories are always listed in full (charts need every bar).
    let fixed: Option<Vec<String>> = match group_by {
        GroupBy::Month => Some((1..=12).map(|m: u32| m.to_string()).collect()),
        GroupBy::Category => {
            let mut all: Vec<String> = Category::ALL.iter().map(|c| c.as_str().to_owned()).collect();
            all.extend(
                groups
                    .keys()
                    .filter(|k| !all.contains(k))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            Some(all)
        }
        _ => None,
    };
    let keys: Vec<String> = match fixed {
        Some(keys) => keys,
        None => {
            let mut keys: Vec<String> = groups.keys().cloned().collect();
            // Ids in number order, the "no district" group last.
            keys.sort_by_key(|k| k.parse::<i64>().unwrap_or(i64::MAX));
            keys
        }
    };
    let names = labels(db, group_by, &keys).await?;
    let groups = keys
        .into_iter()
        .map(|key| {
            let mut figures = groups.remove(&key).unwrap_or_default();
            zero_missing(&mut figures, money_only, group_by.is_organisational());
            Group {
                label: names.get(&key).cloned().unwrap_or_else(|| key.clone()),
                key,
                figures,
            }
        })
        .collect();
    let mut total = total.remove("total").unwrap_or_default();
    zero_missing(&mut total, money_only, true);
    Ok(Statistics {
        year,
        group_by,
        money_only,
        groups,
        total,
    })
}

//! The association (市科协, admin): 组织管理 (units with their district, teams, users — search
//! and paging) and 年度评审 (cycle create/edit with tiers and the rubric, open and close with a
//! confirmation). 受理 is the shared 待处理 list and opinion form of `review`. Handlers call the
//! same services as the API with the same `Caller`.

use super::{
    format,
    page::{
        FieldErrors, Layout, PageError, PageResult, all, field, form_error, html, html_status, layout_for,
        pairs, role_label, see_other,
    },
    session::Session,
};
use crate::{
    domain::{
        cycle::{self, Criterion, CycleAction, CycleStatus, TierRule},
        ranking::{Aggregation, Tier},
        roles::{Role, UnitKind},
    },
    error::DomainError,
    services::{
        accounts::{self, NewUser},
        cycles::{self, CycleFields},
        orgs::{self, NewUnit, TeamFields},
    },
    state::AppState,
};
use askama::Template;
use chrono::NaiveDate;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path, Query},
};
use serde::Deserialize;

const PER_PAGE: u64 = 20;

/// `?q=…&page=…` of a searchable list.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
}

/// Paging links under a list.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    fn new(base: &str, q: &str, page: u64, total: u64) -> Self {
        let pages = total.div_ceil(PER_PAGE).max(1);
        let link = |p: u64| {
            let qs: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", q)
                .append_pair("page", &p.to_string())
                .finish();
            format!("{base}?{qs}")
        };
        Self {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

fn page_of(q: &SearchQuery) -> u64 {
    q.page.unwrap_or(1).clamp(1, 100_000)
}

fn admin(s: &Session) -> Result<(), PageError> {
    s.caller.require(&[Role::Admin])?;
    Ok(())
}

pub fn unit_kind_label(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::District => "区县科协",
        UnitKind::Society => "学会",
        UnitKind::University => "高校",
        UnitKind::Institute => "科研院所",
        UnitKind::Enterprise => "企业",
        UnitKind::Other => "其他",
    }
}

const UNIT_KINDS: [UnitKind; 6] = [
    UnitKind::District,
    UnitKind::Society,
    UnitKind::University,
    UnitKind::Institute,
    UnitKind::Enterprise,
    UnitKind::Other,
];

pub struct Choice {
    pub value: String,
    pub label: String,
}

fn kind_choices() -> Vec<Choice> {
    UNIT_KINDS
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: unit_kind_label(*k).into(),
        })
        .collect()
}

/// Every unit (for the pickers), name with its kind.
async fn unit_choices(state: &AppState, only_districts: bool) -> Result<Vec<Choice>, PageError> {
    let (units, _) = orgs::search_units(state, None, 0, 100_000).await?;
    Ok(units
        .into_iter()
        .filter(|u| !only_districts || u.kind == UnitKind::District)
        .map(|u| Choice {
            value: u.id.to_string(),
            label: format!("{}（{}）", u.name, unit_kind_label(u.kind)),
        })
        .collect())
}

fn opt_id(raw: &str, name: &str) -> Result<Option<i32>, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| DomainError::invalid(name, "请选择", "choose one"))
}

// ---------------------------------------------------------------- units

pub struct UnitRow {
    pub id: i32,
    pub name: String,
    pub kind: &'static str,
    pub parent: String,
    pub created: String,
}

#[derive(Default)]
pub struct UnitForm {
    pub name: String,
    pub kind: String,
    pub parent_id: String,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsTpl {
    l: Layout,
    q: String,
    rows: Vec<UnitRow>,
    pager: Pager,
    form: UnitForm,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
}

async fn units_page(
    state: &AppState,
    s: &Session,
    q: SearchQuery,
    form: UnitForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    admin(s)?;
    let page = page_of(&q);
    let text = q.q.unwrap_or_default();
    let (units, total) = orgs::search_units(state, Some(&text), (page - 1) * PER_PAGE, PER_PAGE).await?;
    let parents = orgs::unit_names(&state.db, units.iter().filter_map(|u| u.parent_id)).await?;
    let rows = units
        .into_iter()
        .map(|u| UnitRow {
            id: u.id,
            kind: unit_kind_label(u.kind),
            parent: u
                .parent_id
                .and_then(|p| parents.get(&p).cloned())
                .unwrap_or_default(),
            created: format::time(u.created_at),
            name: u.name,
        })
        .collect();
    Ok(html_status(
        &UnitsTpl {
            l: layout_for(state, s, "单位", "/admin/units").await?,
            pager: Pager::new("/admin/units", &text, page, total),
            q: text,
            rows,
            form,
            errors,
            kinds: kind_choices(),
            districts: unit_choices(state, true).await?,
        },
        status,
    ))
}

/// `GET /admin/units`: units with their district, searchable by name, and the form for a new one.
#[handler]
pub async fn units_list(state: Data<&AppState>, s: Session, Query(q): Query<SearchQuery>) -> PageResult {
    units_page(
        &state,
        &s,
        q,
        UnitForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/units`: a new unit (a district, or a unit recommended by a district).
#[handler]
pub async fn create_unit(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    admin(&s)?;
    let p = pairs(&body);
    let form = UnitForm {
        name: field(&p, "name"),
        kind: field(&p, "kind"),
        parent_id: field(&p, "parent_id"),
    };
    let result = async {
        let kind = UnitKind::parse(&form.kind)
            .ok_or_else(|| DomainError::invalid("kind", "请选择单位类型", "choose the kind"))?;
        let parent_id = opt_id(&form.parent_id, "parent_id")?;
        orgs::create_unit(
            &state,
            &s.caller,
            NewUnit {
                name: form.name.clone(),
                kind,
                parent_id,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(u) => Ok(see_other(&format!("/admin/units?q={}", urlencode(&u.name)))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = FieldErrors::from_error(&e, &["name", "kind", "parent_id"]);
            units_page(
                &state,
                &s,
                SearchQuery::default(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

// ---------------------------------------------------------------- teams

pub struct TeamRow {
    pub id: i32,
    pub name: String,
    pub unit: String,
    pub volunteers: i32,
    pub leader: String,
    pub founded: String,
}

#[derive(Default)]
pub struct TeamForm {
    pub name: String,
    pub unit_id: String,
    pub founded_on: String,
    pub volunteer_count: String,
    pub platform_id: String,
    pub leader_name: String,
    pub leader_mobile: String,
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsTpl {
    l: Layout,
    q: String,
    rows: Vec<TeamRow>,
    pager: Pager,
    form: TeamForm,
    errors: FieldErrors,
    units: Vec<Choice>,
}

async fn teams_page(
    state: &AppState,
    s: &Session,
    q: SearchQuery,
    form: TeamForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    admin(s)?;
    let page = page_of(&q);
    let text = q.q.unwrap_or_default();
    let (teams, total) = orgs::search_teams(
        state,
        &s.caller,
        None,
        Some(&text),
        (page - 1) * PER_PAGE,
        PER_PAGE,
    )
    .await?;
    let names = orgs::unit_names(&state.db, teams.iter().map(|t| t.unit_id)).await?;
    let rows = teams
        .into_iter()
        .map(|t| TeamRow {
            id: t.id,
            unit: names.get(&t.unit_id).cloned().unwrap_or_default(),
            volunteers: t.volunteer_count,
            leader: t.leader_name,
            founded: format::date(t.founded_on),
            name: t.name,
        })
        .collect();
    Ok(html_status(
        &TeamsTpl {
            l: layout_for(state, s, "服务队", "/admin/units").await?,
            pager: Pager::new("/admin/teams", &text, page, total),
            q: text,
            rows,
            form,
            errors,
            units: unit_choices(state, false).await?,
        },
        status,
    ))
}

/// `GET /admin/teams`: every team, searchable by name, and the form for a new one.
#[handler]
pub async fn teams_list(state: Data<&AppState>, s: Session, Query(q): Query<SearchQuery>) -> PageResult {
    teams_page(
        &state,
        &s,
        q,
        TeamForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/teams`: a new team under a unit.
#[handler]
pub async fn create_team(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    admin(&s)?;
    let p = pairs(&body);
    let form = TeamForm {
        name: field(&p, "name"),
        unit_id: field(&p, "unit_id"),
        founded_on: field(&p, "founded_on"),
        volunteer_count: field(&p, "volunteer_count"),
        platform_id: field(&p, "platform_id"),
        leader_name: field(&p, "leader_name"),
        leader_mobile: field(&p, "leader_mobile"),
    };
    let result = async {
        let unit_id = opt_id(&form.unit_id, "unit_id")?
            .ok_or_else(|| DomainError::invalid("unit_id", "请选择隶属单位", "choose the unit"))?;
        let founded_on = NaiveDate::parse_from_str(form.founded_on.trim(), "%Y-%m-%d")
            .map_err(|_| DomainError::invalid("founded_on", "请填写成立日期", "a date is required"))?;
        let volunteer_count: i64 = form.volunteer_count.trim().parse().map_err(|_| {
            DomainError::invalid("volunteer_count", "请填写志愿者人数", "a number is required")
        })?;
        orgs::create_team(
            &state,
            &s.caller,
            TeamFields {
                name: Some(form.name.clone()),
                unit_id: Some(unit_id),
                founded_on: Some(founded_on),
                volunteer_count: Some(volunteer_count),
                platform_id: Some(form.platform_id.clone()),
                leader_name: Some(form.leader_name.clone()),
                leader_mobile: Some(form.leader_mobile.clone()),
            },
        )
        .await
    }
    .await;
    match result {
        Ok(t) => Ok(see_other(&format!("/admin/teams?q={}", urlencode(&t.name)))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = FieldErrors::from_error(
                &e,
                &[
                    "name",
                    "unit_id",
                    "founded_on",
                    "volunteer_count",
                    "platform_id",
                    "leader_name",
                    "leader_mobile",
                ],
            );
            teams_page(
                &state,
                &s,
                SearchQuery::default(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- users

pub struct UserRow {
    pub id: i32,
    pub disabled: bool,
    pub must_change_password: bool,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub belongs: String,
    pub created: String,
    /// The reminder address, or empty.
    pub email: String,
}

#[derive(Default)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: String,
    pub team_id: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersTpl {
    l: Layout,
    q: String,
    rows: Vec<UserRow>,
    pager: Pager,
    form: UserForm,
    errors: FieldErrors,
    roles: Vec<Choice>,
    units: Vec<Choice>,
    teams: Vec<Choice>,
}

const ROLES: [Role; 6] = [
    Role::Team,
    Role::Unit,
    Role::District,
    Role::Expert,
    Role::Finance,
    Role::Admin,
];

async fn users_page(
    state: &AppState,
    s: &Session,
    q: SearchQuery,
    form: UserForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    admin(s)?;
    let page = page_of(&q);
    let text = q.q.unwrap_or_default();
    let (users, total) = accounts::search_users(state, Some(&text), (page - 1) * PER_PAGE, PER_PAGE).await?;
    let unit_names = orgs::unit_names(&state.db, users.iter().filter_map(|u| u.unit_id)).await?;
    let (all_teams, _) = orgs::list_teams(state, &s.caller, None, 0, 100_000).await?;
    let team_names: std::collections::HashMap<i32, String> =
        all_teams.iter().map(|t| (t.id, t.name.clone())).collect();
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            disabled: u.disabled_at.is_some(),
            must_change_password: u.must_change_password,
            role: role_label(u.role),
            belongs: match (u.team_id, u.unit_id) {
                (Some(t), _) => team_names.get(&t).cloned().unwrap_or_default(),
                (None, Some(un)) => unit_names.get(&un).cloned().unwrap_or_default(),
                _ => String::new(),
            },
            created: format::time(u.created_at),
            email: u.email.unwrap_or_default(),
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    Ok(html_status(
        &UsersTpl {
            l: layout_for(state, s, "用户", "/admin/units").await?,
            pager: Pager::new("/admin/users", &text, page, total),
            q: text,
            rows,
            form,
            errors,
            roles: ROLES
                .iter()
                .map(|r| Choice {
                    value: r.as_str().into(),
                    label: role_label(*r).into(),
                })
                .collect(),
            units: unit_choices(state, false).await?,
            teams: all_teams
                .into_iter()
                .map(|t| Choice {
                    value: t.id.to_string(),
                    label: t.name,
                })
                .collect(),
        },
        status,
    ))
}

/// `GET /admin/users`: users, searchable by username or name, and the form for a new one.
#[handler]
pub async fn users_list(state: Data<&AppState>, s: Session, Query(q): Query<SearchQuery>) -> PageResult {
    users_page(
        &state,
        &s,
        q,
        UserForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/users`: a new account; the initial password is typed by the admin and never
/// shown again.
#[handler]
pub async fn create_user(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    admin(&s)?;
    let p = pairs(&body);
    let form = UserForm {
        username: field(&p, "username"),
        display_name: field(&p, "display_name"),
        role: field(&p, "role"),
        unit_id: field(&p, "unit_id"),
        team_id: field(&p, "team_id"),
        email: field(&p, "email"),
    };
    let password = field(&p, "password");
    let result = async {
        let role = Role::parse(&form.role)
            .ok_or_else(|| DomainError::invalid("role", "请选择角色", "choose the role"))?;
        // Only the id the role needs is sent on; the other picker may still hold a choice.
        let (unit_id, team_id) = match role {
            Role::Team => (None, opt_id(&form.team_id, "team_id")?),
            Role::Unit | Role::District | Role::Expert => (opt_id(&form.unit_id, "unit_id")?, None),
            Role::Admin | Role::Finance => (None, None),
        };
        accounts::create_user(
            &state,
            &(&s.caller).into(),
            NewUser {
                username: form.username.clone(),
                password,
                display_name: form.display_name.clone(),
                role,
                unit_id,
                team_id,
                email: Some(form.email.clone()),
            },
        )
        .await
    }
    .await;
    match result {
        Ok(u) => Ok(see_other(&format!("/admin/users?q={}", urlencode(&u.username)))),
        Err(e) => {
            let e = form_error(e)?;
            let errors = FieldErrors::from_error(
                &e,
                &[
                    "username",
                    "password",
                    "display_name",
                    "role",
                    "unit_id",
                    "team_id",
                    "email",
                ],
            );
            users_page(
                &state,
                &s,
                SearchQuery::default(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- cycles

pub fn cycle_status_label(status: CycleStatus) -> (&'static str, &'static str) {
    match status {
        CycleStatus::Draft => ("草稿", "muted"),
        CycleStatus::Open => ("申报中", "ok"),
        CycleStatus::Reviewing => ("评审中", "warn"),
        CycleStatus::Ranked => ("已排名", "warn"),
        CycleStatus::Published => ("公示中", "warn"),
        CycleStatus::Finalized => ("已确定", "ok"),
    }
}

pub struct CycleRow {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub window: String,
    pub status: &'static str,
    pub status_class: &'static str,
}

#[derive(Template)]
#[template(path = "admin/cycles.html")]
struct CyclesTpl {
    l: Layout,
    rows: Vec<CycleRow>,
}

/// `GET /admin/cycles`: every cycle, newest year first.
#[handler]
pub async fn cycles_list(state: Data<&AppState>, s: Session) -> PageResult {
    admin(&s)?;
    let (list, _) = cycles::list(&state, 0, 1000).await?;
    let mut rows = vec![];
    for c in list {
        let (status, status_class) = cycle_status_label(c.status);
        rows.push(CycleRow {
            id: c.id,
            year: c.year,
            window: format!(
                "{} — {}",
                format::time(c.applications_open_at),
                format::time(c.applications_close_at)
            ),
            title: c.title,
            status,
            status_class,
        });
    }
    Ok(html(&CyclesTpl {
        l: layout_for(&state, &s, "年度评审", "/admin/cycles").await?,
        rows,
    }))
}

pub struct TierInput {
    pub tier: &'static str,
    pub label: &'static str,
    pub quota: String,
    pub subsidy: String,
}

pub struct CriterionInput {
    pub key: String,
    pub name: String,
    pub max: String,
}

pub struct CycleForm {
    pub year: String,
    pub title: String,
    pub applications_open_at: String,
    pub applications_close_at: String,
    pub activity_period_start: String,
    pub activity_period_end: String,
    pub min_award_score: String,
    pub reviewers_per_application: String,
    pub aggregation: String,
    pub tiers: Vec<TierInput>,
    pub rubric: Vec<CriterionInput>,
}

/// Blank rubric rows offered under the criteria for new ones (blank rows are ignored).
const SPARE_CRITERIA: usize = 2;

impl CycleForm {
    fn from_model(c: &entity::cycles::Model) -> Self {
        let tiers = c.tiers.0.clone();
        let rubric = c.rubric.0.clone();
        Self {
            year: c.year.to_string(),
            title: c.title.clone(),
            applications_open_at: format::input_time(c.applications_open_at),
            applications_close_at: format::input_time(c.applications_close_at),
            activity_period_start: c.activity_period_start.to_string(),
            activity_period_end: c.activity_period_end.to_string(),
            min_award_score: format::tenths(c.min_award_score_tenths),
            reviewers_per_application: c.reviewers_per_application.to_string(),
            aggregation: c.aggregation.as_str().to_owned(),
            tiers: Tier::ALL
                .iter()
                .map(|t| {
                    let r = tiers.iter().find(|r| r.tier == *t);
                    TierInput {
                        tier: t.as_str(),
                        label: t.label_zh(),
                        quota: r.map(|r| r.quota.to_string()).unwrap_or_default(),
                        subsidy: r.map(|r| format::yuan_input(r.subsidy_fen)).unwrap_or_default(),
                    }
                })
                .collect(),
            rubric: with_spares(
                rubric
                    .iter()
                    .map(|c| CriterionInput {
                        key: c.key.clone(),
                        name: c.name.clone(),
                        max: format::tenths(c.max_tenths()),
                    })
                    .collect(),
            ),
        }
    }

    fn blank(year: i32) -> Self {
        Self {
            year: year.to_string(),
            title: format!("{year}年度沈阳市科技志愿服务\"智惠行动\"项目评审"),
            applications_open_at: String::new(),
            applications_close_at: String::new(),
            activity_period_start: format!("{year}-01-01"),
            activity_period_end: format!("{year}-12-31"),
            min_award_score: "60.0".into(),
            reviewers_per_application: "3".into(),
            aggregation: "mean".into(),
            tiers: Tier::ALL
                .iter()
                .map(|t| TierInput {
                    tier: t.as_str(),
                    label: t.label_zh(),
                    quota: String::new(),
                    subsidy: String::new(),
                })
                .collect(),
            rubric: with_spares(
                cycle::default_rubric()
                    .iter()
                    .map(|c| CriterionInput {
                        key: c.key.clone(),
                        name: c.name.clone(),
                        max: format::tenths(c.max_tenths()),
                    })
                    .collect(),
            ),
        }
    }

    fn from_pairs(p: &[(String, String)]) -> Self {
        let tiers = Tier::ALL
            .iter()
            .map(|t| TierInput {
                tier: t.as_str(),
                label: t.label_zh(),
                quota: field(p, &format!("quota_{}", t.as_str())),
                subsidy: field(p, &format!("subsidy_{}", t.as_str())),
            })
            .collect();
        let (keys, names, maxes) = (all(p, "crit_key"), all(p, "crit_name"), all(p, "crit_max"));
        let rubric = keys
            .iter()
            .zip(names.iter())
            .zip(maxes.iter())
            .map(|((k, n), m)| CriterionInput {
                key: k.clone(),
                name: n.clone(),
                max: m.clone(),
            })
            .filter(|c| !(c.key.trim().is_empty() && c.name.trim().is_empty() && c.max.trim().is_empty()))
            .collect();
        Self {
            year: field(p, "year"),
            title: field(p, "title"),
            applications_open_at: field(p, "applications_open_at"),
            applications_close_at: field(p, "applications_close_at"),
            activity_period_start: field(p, "activity_period_start"),
            activity_period_end: field(p, "activity_period_end"),
            min_award_score: field(p, "min_award_score"),
            reviewers_per_application: field(p, "reviewers_per_application"),
            aggregation: field(p, "aggregation"),
            tiers,
            rubric: with_spares(rubric),
        }
    }

    /// The typed fields, or the first field that is not readable.
    fn fields(&self, window_only: bool) -> Result<CycleFields, DomainError> {
        let time = |name: &str, v: &str| {
            format::parse_input_time(v)
                .ok_or_else(|| DomainError::invalid(name, "请填写日期和时间", "a date and time is required"))
        };
        let date = |name: &str, v: &str| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| DomainError::invalid(name, "请填写日期", "a date is required"))
        };
        let number = |name: &str, v: &str| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| DomainError::invalid(name, "请填写数字", "a number is required"))
        };
        let whole = |name: &str, v: &str| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| DomainError::invalid(name, "请填写整数", "a whole number is required"))
        };
        let open = time("applications_open_at", &self.applications_open_at)?;
        let close = time("applications_close_at", &self.applications_close_at)?;
        if window_only {
            return Ok(CycleFields {
                applications_open_at: Some(open),
                applications_close_at: Some(close),
                ..Default::default()
            });
        }
        let mut tiers = vec![];
        for t in &self.tiers {
            let tier = Tier::parse(t.tier).unwrap_or(Tier::Third);
            let quota = whole(&format!("quota_{}", t.tier), &t.quota)?;
            let subsidy_fen = format::parse_yuan(&t.subsidy).ok_or_else(|| {
                DomainError::invalid(
                    &format!("subsidy_{}", t.tier),
                    "请填写金额（元，最多两位小数）",
                    "an amount in yuan is required",
                )
            })?;
            tiers.push(TierRule {
                tier,
                quota,
                subsidy_fen,
            });
        }
        let mut rubric = vec![];
        for c in self
            .rubric
            .iter()
            .filter(|c| !(c.key.trim().is_empty() && c.name.trim().is_empty() && c.max.trim().is_empty()))
        {
            rubric.push(Criterion {
                key: c.key.trim().to_owned(),
                name: c.name.trim().to_owned(),
                max_score: number("rubric", &c.max)?,
            });
        }
        Ok(CycleFields {
            year: Some(whole("year", &self.year)? as i32),
            title: Some(self.title.clone()),
            applications_open_at: Some(open),
            applications_close_at: Some(close),
            activity_period_start: Some(date("activity_period_start", &self.activity_period_start)?),
            activity_period_end: Some(date("activity_period_end", &self.activity_period_end)?),
            min_award_score: Some(number("min_award_score", &self.min_award_score)?),
            reviewers_per_application: Some(whole(
                "reviewers_per_application",
                &self.reviewers_per_application,
            )?),
            aggregation: Some(if self.aggregation == "trimmed_mean" {
                Aggregation::TrimmedMean
            } else {
                Aggregation::Mean
            }),
            tiers: Some(tiers),
            rubric: Some(rubric),
            // The 填报说明 stay as stored (the notice's text by default); the API edits them.
            form_instructions: None,
            // Whether 补录 counts stays as stored (true by default); the API sets it.
            count_backfilled: None,
        })
    }
}

fn with_spares(mut rows: Vec<CriterionInput>) -> Vec<CriterionInput> {
    for _ in 0..SPARE_CRITERIA {
        rows.push(CriterionInput {
            key: String::new(),
            name: String::new(),
            max: String::new(),
        });
    }
    rows
}

const CYCLE_FIELDS: [&str; 16] = [
    "year",
    "title",
    "applications_open_at",
    "applications_close_at",
    "activity_period_start",
    "activity_period_end",
    "min_award_score",
    "reviewers_per_application",
    "aggregation",
    "quota_first",
    "quota_second",
    "quota_third",
    "subsidy_first",
    "subsidy_second",
    "subsidy_third",
    "rubric",
];

/// Maps the service's `tiers[i].quota`-style field names onto this form's inputs, and any
/// `rubric[…]` onto the rubric editor.
fn form_errors(e: &DomainError) -> FieldErrors {
    let mapped = e.field.as_deref().map(|f| {
        if f.starts_with("rubric") {
            "rubric".to_owned()
        } else if let Some(rest) = f.strip_prefix("tiers[") {
            let i: usize = rest.split(']').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let t = Tier::ALL.get(i).copied().unwrap_or(Tier::First).as_str();
            if f.ends_with("subsidy_fen") {
                format!("subsidy_{t}")
            } else {
                format!("quota_{t}")
            }
        } else {
            f.to_owned()
        }
    });
    let mut e2 = e.clone();
    e2.field = mapped;
    FieldErrors::from_error(&e2, &CYCLE_FIELDS)
}

#[derive(Template)]
#[template(path = "admin/cycle_form.html")]
struct CycleFormTpl {
    l: Layout,
    heading: String,
    action: String,
    form: CycleForm,
    errors: FieldErrors,
    /// Only the application window may still move (an open cycle).
    window_only: bool,
    /// Nothing may change any more; the form is shown read-only.
    locked: bool,
    cycle_id: Option<i32>,
    status: &'static str,
    next_step: Option<(&'static str, &'static str)>,
    /// The cycle is reviewing: experts can be assigned.
    can_assign: bool,
}

/// `GET /admin/cycles/new`: the form for next year's cycle with the notice's defaults.
#[handler]
pub async fn new_cycle(state: Data<&AppState>, s: Session) -> PageResult {
    admin(&s)?;
    let year = chrono::Datelike::year(&state.now().with_timezone(&crate::domain::cst()));
    Ok(html(&CycleFormTpl {
        l: layout_for(&state, &s, "新建评审周期", "/admin/cycles").await?,
        heading: "新建评审周期".into(),
        action: "/admin/cycles/new".into(),
        form: CycleForm::blank(year),
        errors: FieldErrors::default(),
        window_only: false,
        locked: false,
        cycle_id: None,
        status: "",
        next_step: None,
        can_assign: false,
    }))
}

/// `POST /admin/cycles/new`.
#[handler]
pub async fn create_cycle(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    admin(&s)?;
    let form = CycleForm::from_pairs(&pairs(&body));
    let result = match form.fields(false) {
        Ok(f) => cycles::create(&state, &s.caller, f).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(c) => Ok(see_other(&format!("/admin/cycles/{}", c.id))),
        Err(e) => {
            let e = form_error(e)?;
            Ok(html_status(
                &CycleFormTpl {
                    l: layout_for(&state, &s, "新建评审周期", "/admin/cycles").await?,
                    heading: "新建评审周期".into(),
                    action: "/admin/cycles/new".into(),
                    errors: form_errors(&e),
                    form,
                    window_only: false,
                    locked: false,
                    cycle_id: None,
                    status: "",
                    next_step: None,
                    can_assign: false,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

/// The next step the association can take on a cycle from these pages.
fn next_step(status: CycleStatus) -> Option<(&'static str, &'static str)> {
    match status {
        CycleStatus::Draft => Some(("open", "开放申报")),
        CycleStatus::Open => Some(("close", "截止申报，进入评审")),
        _ => None,
    }
}

async fn cycle_page(
    state: &AppState,
    s: &Session,
    c: &entity::cycles::Model,
    form: Option<CycleForm>,
    errors: FieldErrors,
    status_code: StatusCode,
) -> PageResult {
    let status = c.status;
    Ok(html_status(
        &CycleFormTpl {
            l: layout_for(state, s, c.title.clone(), "/admin/cycles").await?,
            heading: c.title.clone(),
            action: format!("/admin/cycles/{}", c.id),
            form: form.unwrap_or_else(|| CycleForm::from_model(c)),
            errors,
            window_only: status == CycleStatus::Open,
            locked: !matches!(status, CycleStatus::Draft | CycleStatus::Open),
            cycle_id: Some(c.id),
            status: cycle_status_label(status).0,
            next_step: next_step(status),
            can_assign: status == CycleStatus::Reviewing,
        },
        status_code,
    ))
}

/// `GET /admin/cycles/:id`: the cycle's settings, editable while a draft (only the window
/// while open), and its next step.
#[handler]
pub async fn cycle_show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    admin(&s)?;
    let c = cycles::find(&state.db, id).await?;
    cycle_page(&state, &s, &c, None, FieldErrors::default(), StatusCode::OK).await
}

/// `POST /admin/cycles/:id`: saves the settings (an open cycle: only the window).
#[handler]
pub async fn update_cycle(
    state: Data<&AppState>,
    s: Session,
    Path(id): Path<i32>,
    body: String,
) -> PageResult {
    admin(&s)?;
    let c = cycles::find(&state.db, id).await?;
    let window_only = c.status == CycleStatus::Open;
    let mut form = CycleForm::from_pairs(&pairs(&body));
    if window_only {
        // The locked inputs are not sent; show the stored values around the window.
        let mut stored = CycleForm::from_model(&c);
        stored.applications_open_at = form.applications_open_at;
        stored.applications_close_at = form.applications_close_at;
        form = stored;
    }
    let result = match form.fields(window_only) {
        Ok(f) => cycles::update(&state, &s.caller, id, f).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(c) => Ok(see_other(&format!("/admin/cycles/{}", c.id))),
        Err(e) => {
            let e = form_error(e)?;
            cycle_page(
                &state,
                &s,
                &c,
                Some(form),
                form_errors(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct StepQuery {
    pub to: String,
}

#[derive(Template)]
#[template(path = "admin/cycle_step.html")]
struct StepTpl {
    l: Layout,
    id: i32,
    title: String,
    to: String,
    label: &'static str,
    explanation: &'static str,
    error: Option<String>,
}

fn step_of(to: &str) -> Option<(CycleAction, &'static str, &'static str)> {
    match to {
        "open" => Some((
            CycleAction::Open,
            "开放申报",
            "开放后，服务队即可在申报时间内提交申报；除申报时间外，本周期的奖项设置、评分标准等均不能再修改。",
        )),
        "close" => Some((
            CycleAction::Close,
            "截止申报，进入评审",
            "截止后不再接受新的申报和修改，尚未提交的申报将不能再提交；随后可以分配评审专家并开始评分。此操作不能撤销。",
        )),
        _ => None,
    }
}

/// `GET /admin/cycles/:id/step?to=open|close`: says what the step does before it is taken.
#[handler]
pub async fn step_confirm(
    state: Data<&AppState>,
    s: Session,
    Path(id): Path<i32>,
    Query(q): Query<StepQuery>,
) -> PageResult {
    admin(&s)?;
    let c = cycles::find(&state.db, id).await?;
    let (_, label, explanation) = step_of(&q.to).ok_or(PageError::Status(StatusCode::NOT_FOUND))?;
    Ok(html(&StepTpl {
        l: layout_for(&state, &s, label, "/admin/cycles").await?,
        id,
        title: c.title,
        to: q.to,
        label,
        explanation,
        error: None,
    }))
}

/// `POST /admin/cycles/:id/step`: opens or closes the cycle.
#[handler]
pub async fn step(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    admin(&s)?;
    let to = field(&pairs(&body), "to");
    let (target, label, explanation) = step_of(&to).ok_or(PageError::Status(StatusCode::NOT_FOUND))?;
    match cycles::transition(&state, &s.caller, id, target).await {
        Ok(_) => Ok(see_other(&format!("/admin/cycles/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            let c = cycles::find(&state.db, id).await?;
            Ok(html_status(
                &StepTpl {
                    l: layout_for(&state, &s, label, "/admin/cycles").await?,
                    id,
                    title: c.title,
                    to,
                    label,
                    explanation,
                    error: Some(e.zh.to_string()),
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

//! The eligibility checklist of a candidate: every condition of its category, each with the
//! figure read from the record and where it comes from, or — for what no record can show — an
//! item the nominator confirms.

use super::{Condition, RecommendationCategory, full_years};
use crate::error::DomainError;
use chrono::NaiveDate;

/// A service point's figures, as its nominator states them on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointFigures {
    pub teams_formed: i32,
    pub activity_categories: i32,
    /// 社区居民参与过志愿服务的比例, whole percent.
    pub residents_percent: i32,
}

/// What the record says about a candidate (gathered by the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub category: RecommendationCategory,
    /// The day the check is made (China Standard Time).
    pub today: NaiveDate,
    /// 表现特别突出: 10 registered volunteers suffice instead of 20.
    pub outstanding: bool,
    /// The team's (a team candidate's, a project's team's).
    pub founded_on: Option<NaiveDate>,
    pub volunteer_count: Option<i32>,
    pub platform_id: Option<String>,
    /// The team's activities that were reported.
    pub activities_reported: u64,
    /// The team's activities registered and started, not (yet) reported; cancelled ones never count.
    pub activities_registered: u64,
    /// A project's first recorded day: its earliest counted activity, or its first award year.
    pub project_started: Option<NaiveDate>,
    /// A volunteer's 何时起参加科技志愿服务活动.
    pub serving_since: Option<NaiveDate>,
    pub point: Option<PointFigures>,
    /// The year of an earlier round in which the same candidate was selected upstairs.
    pub selected_in: Option<i32>,
    pub confirmed: Vec<Condition>,
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItem {
    pub condition: Condition,
    /// The condition as the notice words it.
    pub requirement: &'static str,
    /// Read from the record (`true`) or confirmed by the nominator (`false`).
    pub measured: bool,
    /// The figure found, e.g. `49场`.
    pub figure: Option<String>,
    /// Where the figure comes from.
    pub source: String,
    /// The figure satisfies the condition, or the nominator confirmed it.
    pub met: bool,
}

/// The condition as the notices word it.
pub fn requirement(c: Condition) -> &'static str {
    match c {
        Condition::Founded3y => "经同意成立3年及以上",
        Condition::Volunteers20 => "注册科技志愿者人数不少于20人（表现特别突出的不少于10人）",
        Condition::Activities50 => "组织开展科技志愿服务活动不少于50场",
        Condition::Platform => "在“大美志愿”微信小程序注册",
        Condition::Project3y => "项目实施时间3年及以上",
        Condition::ProjectVolunteers10 => "项目团队科技志愿者人数不少于10人",
        Condition::Serving3y => "参加科技志愿服务活动3年及以上",
        Condition::PointTeams5 => "组建的科技志愿服务队伍不少于5支",
        Condition::PointCategories5 => "开展的科技志愿服务活动类别不少于5种",
        Condition::PointResidents60 => "社区（农村）居民参与过志愿服务的比例不低于60%",
        Condition::NotSelectedBefore => "未曾入选往年度科技志愿服务典型",
        Condition::Character => "热爱祖国，践行社会主义核心价值观，事迹感人，适合公开宣传",
        Condition::GoodStanding => "制度健全、管理科学、运行良好，无任何不良记录",
        Condition::Regular60 => "经常参与志愿服务的志愿者比例不低于60%",
        Condition::BrandProjects2 => "持续运行2个及以上志愿服务品牌项目",
        Condition::ProjectManagement => "项目管理规范有序，档案资料齐全",
        Condition::PointSystems => "工作流程规范，招募、管理、培训、记录和褒奖激励制度完善",
    }
}

/// The conditions the nominator confirms, per category.
pub fn confirm_items(category: RecommendationCategory) -> &'static [Condition] {
    use Condition as C;
    match category {
        RecommendationCategory::Volunteer => &[C::Platform, C::Character],
        RecommendationCategory::Team => &[C::GoodStanding, C::Regular60, C::BrandProjects2],
        RecommendationCategory::Project => &[C::ProjectManagement],
        RecommendationCategory::ServicePoint => &[C::Platform, C::PointSystems],
    }
}

fn measured(condition: Condition, figure: Option<String>, source: impl Into<String>, met: bool) -> CheckItem {
    CheckItem {
        condition,
        requirement: requirement(condition),
        measured: true,
        figure,
        source: source.into(),
        met,
    }
}

fn years_item(condition: Condition, start: Option<NaiveDate>, today: NaiveDate, source: &str) -> CheckItem {
    let figure = start.map(|d| format!("自{}", d.format("%Y年%-m月%-d日")));
    let met = start.is_some_and(|d| full_years(d, today, 3));
    measured(condition, figure, source, met)
}

fn at_least(condition: Condition, n: Option<i64>, min: i64, unit: &str, source: &str) -> CheckItem {
    let figure = n.map(|n| format!("{n}{unit}"));
    measured(condition, figure, source, n.is_some_and(|n| n >= min))
}

/// Every condition of the candidate's category, measured ones first.
pub fn checklist(f: &Facts) -> Vec<CheckItem> {
    use Condition as C;
    let team_volunteers = f.volunteer_count.map(i64::from);
    let platform = || {
        let id = f.platform_id.as_deref().filter(|s| !s.trim().is_empty());
        measured(
            C::Platform,
            Some(id.map_or_else(|| "未登记注册号".to_owned(), |id| format!("注册号{id}"))),
            "服务队登记的“大美志愿”注册号",
            id.is_some(),
        )
    };
    let mut items = match f.category {
        RecommendationCategory::Volunteer => vec![years_item(
            C::Serving3y,
            f.serving_since,
            f.today,
            "推荐表：何时起参加科技志愿服务活动",
        )],
        RecommendationCategory::Team => {
            let min = if f.outstanding { 10 } else { 20 };
            let mut volunteers = at_least(
                C::Volunteers20,
                team_volunteers,
                min,
                "人",
                "服务队登记的注册志愿者人数",
            );
            if f.outstanding {
                volunteers.source.push_str("（表现特别突出，按不少于10人）");
            }
            let held = f.activities_reported + f.activities_registered;
            let mut activities = at_least(C::Activities50, Some(held as i64), 50, "场", "");
            activities.source = format!(
                "活动登记记录：已报告{}场，已登记并开始未报告{}场（取消的不计）",
                f.activities_reported, f.activities_registered
            );
            vec![
                years_item(C::Founded3y, f.founded_on, f.today, "服务队登记的成立日期"),
                volunteers,
                activities,
                platform(),
            ]
        }
        RecommendationCategory::Project => vec![
            years_item(
                C::Project3y,
                f.project_started,
                f.today,
                "该项目最早计入的活动或最早的获奖年度",
            ),
            at_least(
                C::ProjectVolunteers10,
                team_volunteers,
                10,
                "人",
                "项目团队登记的注册志愿者人数",
            ),
            platform(),
        ],
        RecommendationCategory::ServicePoint => {
            let p = f.point;
            let source = "推荐表：服务点填报";
            vec![
                at_least(C::PointTeams5, p.map(|p| p.teams_formed.into()), 5, "支", source),
                at_least(
                    C::PointCategories5,
                    p.map(|p| p.activity_categories.into()),
                    5,
                    "种",
                    source,
                ),
                at_least(
                    C::PointResidents60,
                    p.map(|p| p.residents_percent.into()),
                    60,
                    "%",
                    source,
                ),
            ]
        }
    };
    items.push(measured(
        C::NotSelectedBefore,
        Some(
            f.selected_in
                .map_or_else(|| "未入选".to_owned(), |y| format!("已入选{y}年度典型")),
        ),
        "本系统记录的往年度推荐结果",
        f.selected_in.is_none(),
    ));
    for c in confirm_items(f.category) {
        let confirmed = f.confirmed.contains(c);
        items.push(CheckItem {
            condition: *c,
            requirement: requirement(*c),
            measured: false,
            figure: None,
            source: if confirmed {
                "推荐单位已确认".into()
            } else {
                "待推荐单位确认".into()
            },
            met: confirmed,
        });
    }
    items
}

/// A candidate may be recommended when every measured condition is met or waived by the round,
/// and every confirm item is confirmed: 422 `condition_not_met` / `condition_unconfirmed`
/// naming the first condition that is not (field `conditions.<code>`).
pub fn check_recommendable(items: &[CheckItem], waived: &[Condition]) -> Result<(), DomainError> {
    if let Some(i) = items
        .iter()
        .find(|i| i.measured && !i.met && !waived.contains(&i.condition))
    {
        let figure = i.figure.as_deref().unwrap_or("无记录");
        return Err(DomainError::unprocessable(
            "condition_not_met",
            format!("不符合推荐条件：{}（记录：{figure}）", i.requirement),
            format!("the condition {} is not met (record: {figure})", i.condition),
        )
        .field(format!("conditions.{}", i.condition)));
    }
    if let Some(i) = items.iter().find(|i| !i.measured && !i.met) {
        return Err(DomainError::unprocessable(
            "condition_unconfirmed",
            format!("推荐单位尚未确认：{}", i.requirement),
            format!("the nominator has not confirmed the condition {}", i.condition),
        )
        .field(format!("conditions.{}", i.condition)));
    }
    Ok(())
}

//! Recommendations to the upper-level 先进典型 selections (issue 13): the four categories of the
//! national call (001), a round's states (`recommendation_rounds.status`), the eligibility
//! conditions a candidate is checked against, and the upper level's outcome.

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// The four categories of 001: 科技志愿者, 科技志愿服务组织, 科技志愿服务项目, 科技志愿服务点（社区或村）.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Ord,
    PartialOrd,
    Enum,
    Serialize,
    Deserialize,
    EnumIter,
    DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum RecommendationCategory {
    /// 科技志愿者 (an individual).
    Volunteer,
    /// 科技志愿服务组织 (a team).
    Team,
    /// 科技志愿服务项目 (a project: an application).
    Project,
    /// 科技志愿服务点（社区或村）.
    ServicePoint,
}

names!(RecommendationCategory {
    Volunteer => "volunteer",
    Team => "team",
    Project => "project",
    ServicePoint => "service_point",
});

impl RecommendationCategory {
    /// The category as 001 names it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Volunteer => "科技志愿者",
            Self::Team => "科技志愿服务组织",
            Self::Project => "科技志愿服务项目",
            Self::ServicePoint => "科技志愿服务点（社区或村）",
        }
    }
}

/// A round's life: `draft → collecting → decided → exported`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum RoundStatus {
    Draft,
    Collecting,
    Decided,
    Exported,
}

names!(RoundStatus {
    Draft => "draft",
    Collecting => "collecting",
    Decided => "decided",
    Exported => "exported",
});

/// An eligibility condition of the notices (000–002). Measured ones are read from the record;
/// the others are confirmed by the nominator.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Ord,
    PartialOrd,
    Enum,
    Serialize,
    Deserialize,
    EnumIter,
    DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Condition {
    /// 组织成立3年及以上.
    Founded3y,
    /// 注册科技志愿者不少于20人（表现特别突出的不少于10人）.
    Volunteers20,
    /// 组织开展科技志愿服务活动不少于50场.
    Activities50,
    /// 在“大美志愿”微信小程序注册.
    Platform,
    /// 项目实施时间3年及以上.
    Project3y,
    /// 项目团队科技志愿者不少于10人.
    ProjectVolunteers10,
    /// 参加科技志愿服务活动3年及以上.
    Serving3y,
    /// 组建的科技志愿服务队伍不少于5支.
    PointTeams5,
    /// 科技志愿服务活动类别不少于5种.
    PointCategories5,
    /// 社区（农村）居民参与过志愿服务的比例不低于60%.
    PointResidents60,
    /// 未曾入选往年度科技志愿服务典型.
    NotSelectedBefore,
    /// 热爱祖国……事迹感人，适合公开宣传 (confirmed).
    Character,
    /// 制度健全、运行良好，无任何不良记录 (confirmed).
    GoodStanding,
    /// 经常参与志愿服务的志愿者比例不低于60% (confirmed).
    Regular60,
    /// 持续运行2个及以上志愿服务品牌项目 (confirmed).
    BrandProjects2,
    /// 项目管理规范有序，档案资料齐全 (confirmed).
    ProjectManagement,
    /// 服务点的工作流程规范、制度完善 (confirmed).
    PointSystems,
}

names!(Condition {
    Founded3y => "founded3y",
    Volunteers20 => "volunteers20",
    Activities50 => "activities50",
    Platform => "platform",
    Project3y => "project3y",
    ProjectVolunteers10 => "project_volunteers10",
    Serving3y => "serving3y",
    PointTeams5 => "point_teams5",
    PointCategories5 => "point_categories5",
    PointResidents60 => "point_residents60",
    NotSelectedBefore => "not_selected_before",
    Character => "character",
    GoodStanding => "good_standing",
    Regular60 => "regular60",
    BrandProjects2 => "brand_projects2",
    ProjectManagement => "project_management",
    PointSystems => "point_systems",
});

/// What the upper level decided about a recommended candidate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum UpperOutcome {
    /// 入选.
    Selected,
    /// 未入选.
    NotSelected,
}

names!(UpperOutcome {
    Selected => "selected",
    NotSelected => "not_selected",
});

/// A candidate's material besides the form and the photos (001: "WORD版及盖章扫描PDF版"; 002:
/// "还可提交展示先进事迹的宣传视频材料"); one of each per candidate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename = "RecommendationMaterialKind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum MaterialKind {
    /// 盖章扫描PDF版推荐表: a PDF.
    Scan,
    /// 宣传视频: an mp4 or a mov.
    Video,
}

names!(MaterialKind {
    Scan => "scan",
    Video => "video",
});

impl MaterialKind {
    /// What the file is called in the materials (`姓名+推荐表.pdf`, `姓名+视频.mp4`).
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Scan => "推荐表",
            Self::Video => "视频",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_and_wire_names_agree() {
        check_names(&RecommendationCategory::ALL, |s| s.as_str());
        check_names(&RoundStatus::ALL, |s| s.as_str());
        check_names(&Condition::ALL, |s| s.as_str());
        check_names(&UpperOutcome::ALL, |s| s.as_str());
        check_names(&MaterialKind::ALL, |s| s.as_str());
    }
}

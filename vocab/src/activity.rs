//! Activity categories (`activities.category`) and states (`activities.status`) (R-PREREG,
//! R-REPORT).

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// The notice's 活动内容 (items (1)–(8) of the Shenyang notice, seed 004), one code each; item 1
/// keeps its five forms apart (科技培训, 科普报告, 农技服务, 义诊咨询, 青少年科技教育). Stored and sent as
/// the snake_case code; [`Category::name`] is the notice's own words, [`Category::notice_item`]
/// the item it comes from. `GET /api/v1/categories` serves this list; pages read it from there
/// (issue 18.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Category {
    /// (1) 科技培训.
    Training,
    /// (1) 科普报告.
    Lecture,
    /// (1) 农技服务.
    Agriculture,
    /// (1) 义诊咨询.
    Clinic,
    /// (1) 青少年科技教育.
    Youth,
    /// (2) 科技服务供需对接.
    SupplyDemand,
    /// (3) 文化场馆、科技场馆、科普教育基地等公共场所的服务.
    Venue,
    /// (4) 大型活动的科技志愿服务.
    MajorEvent,
    /// (5) 基层公共科技文化设施管理和群众性科技活动组织.
    Grassroots,
    /// (6) 为老年人、未成年人和其他生活困难群众服务.
    VulnerableGroups,
    /// (7) 互联网公益性科技类服务.
    Online,
    /// (8) 其他公益性科技类服务.
    Other,
}

names!(Category {
    Training => "training",
    Lecture => "lecture",
    Agriculture => "agriculture",
    Clinic => "clinic",
    Youth => "youth",
    SupplyDemand => "supply_demand",
    Venue => "venue",
    MajorEvent => "major_event",
    Grassroots => "grassroots",
    VulnerableGroups => "vulnerable_groups",
    Online => "online",
    Other => "other",
});

impl Category {
    /// The notice's words for the category.
    pub fn name(self) -> &'static str {
        match self {
            Category::Training => "科技培训",
            Category::Lecture => "科普报告",
            Category::Agriculture => "农技服务",
            Category::Clinic => "义诊咨询",
            Category::Youth => "青少年科技教育",
            Category::SupplyDemand => "科技服务供需对接",
            Category::Venue => "文化场馆、科技场馆、科普教育基地等公共场所服务",
            Category::MajorEvent => "大型活动科技志愿服务",
            Category::Grassroots => "基层公共科技文化设施管理和群众性科技活动组织",
            Category::VulnerableGroups => "为老年人、未成年人和其他生活困难群众服务",
            Category::Online => "互联网公益性科技类服务",
            Category::Other => "其他公益性科技类服务",
        }
    }

    /// The item of the notice's 活动内容 it comes from, 1–8.
    pub fn notice_item(self) -> u8 {
        match self {
            Category::Training
            | Category::Lecture
            | Category::Agriculture
            | Category::Clinic
            | Category::Youth => 1,
            Category::SupplyDemand => 2,
            Category::Venue => 3,
            Category::MajorEvent => 4,
            Category::Grassroots => 5,
            Category::VulnerableGroups => 6,
            Category::Online => 7,
            Category::Other => 8,
        }
    }

    /// A category from its code, its name, or the label stored before issue 18.2 (场馆服务,
    /// 大型活动, 助老助残, 网络科普, 其他): text typed or imported (a form, a spreadsheet cell).
    pub fn from_text(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::parse(s)
            .or_else(|| Self::ALL.into_iter().find(|c| c.name() == s))
            .or_else(|| {
                FORMER_LABELS
                    .iter()
                    .find(|(label, _)| *label == s)
                    .map(|(_, c)| *c)
            })
    }
}

/// The labels stored before issue 18.2, with the code each became (the migration
/// `m20261207_100002_categories` rewrites stored rows the same way).
pub const FORMER_LABELS: [(&str, Category); 10] = [
    ("科技培训", Category::Training),
    ("科普报告", Category::Lecture),
    ("农技服务", Category::Agriculture),
    ("义诊咨询", Category::Clinic),
    ("青少年科技教育", Category::Youth),
    ("场馆服务", Category::Venue),
    ("大型活动", Category::MajorEvent),
    ("助老助残", Category::VulnerableGroups),
    ("网络科普", Category::Online),
    ("其他", Category::Other),
];

// Where an activity stands: registered → reported, or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum ActivityStatus {
    Registered,
    Reported,
    Cancelled,
}

names!(ActivityStatus {
    Registered => "registered",
    Reported => "reported",
    Cancelled => "cancelled",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&Category::ALL, |c| c.as_str());
        check_names(&ActivityStatus::ALL, |s| s.as_str());
    }

    /// Issue 18.2: the list covers the notice's items 1–8, each name once, and every former
    /// label reads as a category.
    #[test]
    fn the_categories_cover_the_notices_items_once_each() {
        let items: std::collections::BTreeSet<u8> = Category::ALL.iter().map(|c| c.notice_item()).collect();
        assert_eq!(items.into_iter().collect::<Vec<_>>(), (1..=8).collect::<Vec<_>>());
        let names: std::collections::HashSet<&str> = Category::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Category::ALL.len());
        for (label, c) in FORMER_LABELS {
            assert_eq!(Category::from_text(label), Some(c));
        }
        for c in Category::ALL {
            assert_eq!(Category::from_text(c.as_str()), Some(c));
            assert_eq!(Category::from_text(c.name()), Some(c));
        }
    }
}

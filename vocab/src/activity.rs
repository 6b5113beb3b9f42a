//! Activity categories (`activities.category`) and states (`activities.status`) (R-PREREG,
//! R-REPORT).

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// The notice's list of activity categories (附件1 / 活动内容).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Category {
    #[oai(rename = "科技培训")]
    #[serde(rename = "科技培训")]
    #[sea_orm(string_value = "科技培训")]
    Training,
    #[oai(rename = "科普报告")]
    #[serde(rename = "科普报告")]
    #[sea_orm(string_value = "科普报告")]
    Lecture,
    #[oai(rename = "农技服务")]
    #[serde(rename = "农技服务")]
    #[sea_orm(string_value = "农技服务")]
    Agriculture,
    #[oai(rename = "义诊咨询")]
    #[serde(rename = "义诊咨询")]
    #[sea_orm(string_value = "义诊咨询")]
    Clinic,
    #[oai(rename = "青少年科技教育")]
    #[serde(rename = "青少年科技教育")]
    #[sea_orm(string_value = "青少年科技教育")]
    Youth,
    #[oai(rename = "场馆服务")]
    #[serde(rename = "场馆服务")]
    #[sea_orm(string_value = "场馆服务")]
    Venue,
    #[oai(rename = "大型活动")]
    #[serde(rename = "大型活动")]
    #[sea_orm(string_value = "大型活动")]
    Event,
    #[oai(rename = "助老助残")]
    #[serde(rename = "助老助残")]
    #[sea_orm(string_value = "助老助残")]
    Elderly,
    #[oai(rename = "网络科普")]
    #[serde(rename = "网络科普")]
    #[sea_orm(string_value = "网络科普")]
    Online,
    #[oai(rename = "其他")]
    #[serde(rename = "其他")]
    #[sea_orm(string_value = "其他")]
    Other,
}

names!(Category {
    Training => "科技培训",
    Lecture => "科普报告",
    Agriculture => "农技服务",
    Clinic => "义诊咨询",
    Youth => "青少年科技教育",
    Venue => "场馆服务",
    Event => "大型活动",
    Elderly => "助老助残",
    Online => "网络科普",
    Other => "其他",
});

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
}

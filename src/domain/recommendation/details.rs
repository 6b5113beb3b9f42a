//! The form fields of 001 that zhihui's record does not hold: a volunteer's and a service
//! point's particulars (new records), and the figures a team's or project's form asks for
//! beyond the record. Stored as JSON on the candidate; checked here once.

use crate::{
    domain::{mobile::Mobile, text},
    error::DomainError,
};
use chrono::NaiveDate;
use poem_openapi::Object;
use serde::{Deserialize, Serialize};

/// A volunteer (科技志愿者) as the form lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
#[oai(rename = "RecommendationVolunteer")]
pub struct VolunteerDetails {
    /// 姓名.
    pub name: String,
    /// 性别 (男/女).
    pub gender: String,
    /// 出生年月, `YYYY-MM`.
    pub birth_month: String,
    /// 政治面貌.
    pub political_status: String,
    /// 通讯地址.
    pub address: String,
    /// 联系方式 (a mobile, R-MOBILE).
    pub mobile: String,
    /// 主要服务项目.
    pub main_project: String,
    /// 何时起参加科技志愿服务活动.
    pub serving_since: NaiveDate,
    /// 参加科技志愿服务活动次数.
    pub activity_count: i32,
}

/// A service point (科技志愿服务点（社区或村）) as the form lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
#[oai(rename = "RecommendationServicePoint")]
pub struct ServicePointDetails {
    /// 省（区、市）.
    pub province: String,
    /// 市.
    pub city: String,
    /// 县（区）.
    pub county: String,
    /// 街道（乡镇）.
    pub street: String,
    /// 社区（村）.
    pub community: String,
    /// 负责人姓名.
    pub leader_name: String,
    /// 联系方式.
    pub contact: String,
    /// 社区注册科技志愿者人数.
    pub registered_volunteers: i32,
    /// 科技志愿者中党员人数.
    pub party_members: i32,
    /// 注册科技志愿者人数占社区常住人口的比例, whole percent.
    pub registered_share_percent: i32,
    /// 社区居民参与过志愿服务的比例, whole percent.
    pub residents_percent: i32,
    /// 经常开展的科技志愿服务活动类别.
    pub activity_categories: Vec<String>,
    /// 每年组织科技志愿服务活动次数.
    pub activities_per_year: i32,
    /// 组建的科技志愿服务队 (names).
    pub teams: Vec<String>,
}

/// Figures a team's or project's form asks for that the record does not hold (all optional;
/// an absent one prints blank).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Object)]
#[oai(rename = "RecommendationFormExtras")]
pub struct FormExtras {
    /// 科技志愿者中党员人数 (organisation).
    pub party_members: Option<i32>,
    /// 累计开展科技志愿服务时数 (organisation).
    pub total_hours: Option<i32>,
    /// 经常参与科技志愿服务志愿者占组织中志愿者人数比例, whole percent (organisation).
    pub regular_percent: Option<i32>,
    /// 经常开展的科技志愿服务项目 (organisation).
    pub usual_projects: Option<String>,
    /// 参与项目的党员比例, whole percent (project).
    pub party_percent: Option<i32>,
}

/// Everything stored in `recommendation_candidates.details`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Details {
    pub volunteer: Option<VolunteerDetails>,
    pub service_point: Option<ServicePointDetails>,
    #[serde(default)]
    pub extras: FormExtras,
}

fn count(field: &str, n: i32, max: i32) -> Result<i32, DomainError> {
    if (0..=max).contains(&n) {
        Ok(n)
    } else {
        Err(DomainError::invalid(
            field,
            format!("应在0至{max}之间"),
            format!("must be between 0 and {max}"),
        ))
    }
}

fn percent(field: &str, n: i32) -> Result<i32, DomainError> {
    count(field, n, 100)
}

impl VolunteerDetails {
    pub fn parse(self, today: NaiveDate) -> Result<Self, DomainError> {
        let f = |n: &str| format!("volunteer.{n}");
        let birth_month = text::required(&f("birth_month"), &self.birth_month, 7)?;
        if NaiveDate::parse_from_str(&format!("{birth_month}-01"), "%Y-%m-%d").is_err() {
            return Err(DomainError::invalid(
                &f("birth_month"),
                "出生年月应为YYYY-MM",
                "the birth month is YYYY-MM",
            ));
        }
        if self.serving_since > today {
            return Err(DomainError::invalid(
                &f("serving_since"),
                "参加志愿服务的起始日期不能晚于今天",
                "serving since cannot be in the future",
            ));
        }
        Ok(Self {
            name: text::required(&f("name"), &self.name, 50)?,
            gender: text::required(&f("gender"), &self.gender, 10)?,
            birth_month,
            political_status: text::required(&f("political_status"), &self.political_status, 20)?,
            address: text::required(&f("address"), &self.address, 200)?,
            mobile: Mobile::parse(&f("mobile"), &self.mobile)?.into_inner(),
            main_project: text::required(&f("main_project"), &self.main_project, 100)?,
            serving_since: self.serving_since,
            activity_count: count(&f("activity_count"), self.activity_count, 100_000)?,
        })
    }
}

impl ServicePointDetails {
    pub fn parse(self) -> Result<Self, DomainError> {
        let f = |n: &str| format!("service_point.{n}");
        let list = |field: &str, items: Vec<String>| -> Result<Vec<String>, DomainError> {
            let mut out: Vec<String> = Vec::new();
            for (i, s) in items.into_iter().enumerate() {
                let s = text::required(&format!("{field}[{i}]"), &s, 100)?;
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            Ok(out)
        };
        Ok(Self {
            province: text::required(&f("province"), &self.province, 50)?,
            city: text::required(&f("city"), &self.city, 50)?,
            county: text::required(&f("county"), &self.county, 50)?,
            street: text::required(&f("street"), &self.street, 50)?,
            community: text::required(&f("community"), &self.community, 50)?,
            leader_name: text::required(&f("leader_name"), &self.leader_name, 50)?,
            contact: text::required(&f("contact"), &self.contact, 50)?,
            registered_volunteers: count(&f("registered_volunteers"), self.registered_volunteers, 1_000_000)?,
            party_members: count(&f("party_members"), self.party_members, 1_000_000)?,
            registered_share_percent: percent(&f("registered_share_percent"), self.registered_share_percent)?,
            residents_percent: percent(&f("residents_percent"), self.residents_percent)?,
            activity_categories: list(&f("activity_categories"), self.activity_categories)?,
            activities_per_year: count(&f("activities_per_year"), self.activities_per_year, 100_000)?,
            teams: list(&f("teams"), self.teams)?,
        })
    }

    /// `辽宁省沈阳市和平区南湖街道文体社区`.
    pub fn full_name(&self) -> String {
        format!(
            "{}{}{}{}{}",
            self.province, self.city, self.county, self.street, self.community
        )
    }
}

impl FormExtras {
    pub fn parse(self) -> Result<Self, DomainError> {
        let opt = |field: &str, n: Option<i32>, max: i32| n.map(|n| count(field, n, max)).transpose();
        Ok(Self {
            party_members: opt("extras.party_members", self.party_members, 1_000_000)?,
            total_hours: opt("extras.total_hours", self.total_hours, 100_000_000)?,
            regular_percent: opt("extras.regular_percent", self.regular_percent, 100)?,
            usual_projects: text::optional_multiline(
                "extras.usual_projects",
                self.usual_projects.as_deref(),
                500,
            )?,
            party_percent: opt("extras.party_percent", self.party_percent, 100)?,
        })
    }
}

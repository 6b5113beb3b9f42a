//! Recommendations to the upper-level 先进典型 selections (issue 13): the eligibility conditions
//! of the national calls (001, 002) checked from the record, the round's life, the quota, the
//! materials' rules (主要事迹 ≤ 1000 characters, 2–3 JPEG photos of 1–3 MB). Pure: `now` comes
//! in as a date.

mod checklist;
mod details;

pub use checklist::{
    CheckItem, Facts, PointFigures, check_recommendable, checklist, confirm_items, requirement,
};
pub use details::{Details, FormExtras, ServicePointDetails, VolunteerDetails};
pub use vocab::{Condition, MaterialKind, RecommendationCategory, RoundStatus, UpperOutcome};

use crate::error::DomainError;
use chrono::{Months, NaiveDate};

/// 主要事迹（不超过1000字）.
pub const DEEDS_MAX_CHARS: usize = 1000;
/// 2—3 张 photos per candidate.
pub const PHOTOS_MIN: usize = 2;
pub const PHOTOS_MAX: usize = 3;
/// 每张照片大小不低于1M、不超过3M.
pub const PHOTO_MIN_BYTES: u64 = 1024 * 1024;
pub const PHOTO_MAX_BYTES: u64 = 3 * 1024 * 1024;

/// Whether `years` full years have passed from `start` to `today` (3 years after 2021-05-10 is
/// 2024-05-10; one day less is 2 years 364 days and does not count). A start on 29 February
/// reaches its anniversary on 28 February of a common year.
pub fn full_years(start: NaiveDate, today: NaiveDate, years: u32) -> bool {
    match start.checked_add_months(Months::new(years * 12)) {
        Some(anniversary) => anniversary <= today,
        None => false,
    }
}

/// 主要事迹: at most 1000 characters (not bytes), as typed (422 `deeds_too_long`).
pub fn parse_deeds(raw: &str) -> Result<String, DomainError> {
    let s = crate::domain::text::multiline("deeds", raw)?;
    let n = s.chars().count();
    if n > DEEDS_MAX_CHARS {
        return Err(DomainError::unprocessable(
            "deeds_too_long",
            format!("主要事迹不超过{DEEDS_MAX_CHARS}字（现为{n}字）"),
            format!("the main deeds are at most {DEEDS_MAX_CHARS} characters (this is {n})"),
        )
        .field("deeds"));
    }
    Ok(s)
}

/// What an admin does to a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundAction {
    /// `draft → collecting`: units and districts may nominate.
    Open,
    /// `collecting → decided`: the recommended list is fixed.
    Decide,
    /// `decided → exported` (again while `exported`): the materials are produced.
    Export,
}

/// The round's one transition function (409 `round_state` otherwise).
pub fn transition(status: RoundStatus, action: RoundAction) -> Result<RoundStatus, DomainError> {
    use RoundAction as A;
    use RoundStatus as S;
    match (status, action) {
        (S::Draft, A::Open) => Ok(S::Collecting),
        (S::Collecting, A::Decide) => Ok(S::Decided),
        (S::Decided | S::Exported, A::Export) => Ok(S::Exported),
        (_, A::Open) => Err(round_state(
            "只有草稿状态的推荐工作可以开始征集",
            "only a draft round can start collecting",
        )),
        (_, A::Decide) => Err(round_state(
            "只有征集中的推荐工作可以确定推荐名单",
            "only a collecting round can be decided",
        )),
        (_, A::Export) => Err(round_state(
            "确定推荐名单后才能导出推荐材料",
            "the materials exist once the round is decided",
        )),
    }
}

/// 409 `round_state`.
pub fn round_state(zh: &str, en: &str) -> DomainError {
    DomainError::conflict(
        "round_state",
        format!("推荐工作当前状态不允许此操作：{zh}"),
        format!("the round's state does not allow this: {en}"),
    )
}

/// The quota of a category in a round (`None`: the round does not take the category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quotas {
    pub volunteer: Option<i32>,
    pub team: Option<i32>,
    pub project: Option<i32>,
    pub service_point: Option<i32>,
    pub total_cap: Option<i32>,
}

impl Quotas {
    pub fn of(&self, c: RecommendationCategory) -> Option<i32> {
        match c {
            RecommendationCategory::Volunteer => self.volunteer,
            RecommendationCategory::Team => self.team,
            RecommendationCategory::Project => self.project,
            RecommendationCategory::ServicePoint => self.service_point,
        }
    }

    /// Quotas from 1 to 100, a total cap from 1 to 400, and at least one category enabled.
    pub fn check(&self) -> Result<(), DomainError> {
        let bad = |field: &str| {
            DomainError::invalid(field, "名额应在1至100之间", "a quota must be between 1 and 100")
        };
        for (field, q) in [
            ("quotas.volunteer", self.volunteer),
            ("quotas.team", self.team),
            ("quotas.project", self.project),
            ("quotas.service_point", self.service_point),
        ] {
            if q.is_some_and(|q| !(1..=100).contains(&q)) {
                return Err(bad(field));
            }
        }
        if self.total_cap.is_some_and(|c| !(1..=400).contains(&c)) {
            return Err(DomainError::invalid(
                "total_cap",
                "总推荐数应在1至400之间",
                "the total cap must be between 1 and 400",
            ));
        }
        if RecommendationCategory::ALL.iter().all(|c| self.of(*c).is_none()) {
            return Err(DomainError::invalid(
                "quotas",
                "至少启用一个推荐类别",
                "enable at least one category",
            ));
        }
        Ok(())
    }

    /// Whether one more candidate of `category` may be recommended, given how many of that
    /// category and in total already are (422 `quota_exceeded`).
    pub fn admit(
        &self,
        category: RecommendationCategory,
        in_category: u64,
        total: u64,
    ) -> Result<(), DomainError> {
        let Some(quota) = self.of(category) else {
            return Err(category_not_enabled());
        };
        if in_category >= quota as u64 {
            return Err(DomainError::unprocessable(
                "quota_exceeded",
                format!("“{}”类别最多推荐{quota}个，名额已满", category.label_zh()),
                format!(
                    "at most {quota} may be recommended in the category {category}; the quota is used up"
                ),
            )
            .field("recommended"));
        }
        if let Some(cap) = self.total_cap
            && total >= cap as u64
        {
            return Err(DomainError::unprocessable(
                "quota_exceeded",
                format!("本次推荐总数不超过{cap}个，名额已满"),
                format!("at most {cap} may be recommended in all; the cap is reached"),
            )
            .field("recommended"));
        }
        Ok(())
    }
}

/// 422 `category_not_enabled`.
pub fn category_not_enabled() -> DomainError {
    DomainError::unprocessable(
        "category_not_enabled",
        "本次推荐工作不含该类别",
        "this round does not take this category",
    )
    .field("category")
}

/// 2–3 photos before recommending (422 `photos_required`).
pub fn check_photo_count(n: usize) -> Result<(), DomainError> {
    if (PHOTOS_MIN..=PHOTOS_MAX).contains(&n) {
        Ok(())
    } else {
        Err(DomainError::unprocessable(
            "photos_required",
            format!("需上传{PHOTOS_MIN}—{PHOTOS_MAX}张照片（现有{n}张）"),
            format!("{PHOTOS_MIN} to {PHOTOS_MAX} photos are required ({n} uploaded)"),
        )
        .field("photos"))
    }
}

/// A JPEG of 1–3 MB (the type is checked by content when it streams in).
pub fn check_photo_size(size: u64) -> Result<(), DomainError> {
    if size < PHOTO_MIN_BYTES {
        return Err(DomainError::unprocessable(
            "photo_too_small",
            "每张照片大小不低于1M",
            "each photo must be at least 1 MiB",
        )
        .field("file"));
    }
    Ok(())
}

/// The file name 002 asks for: `姓名+序号.jpg` (`张三1.jpg`), characters that a file system
/// refuses replaced.
pub fn photo_name(name: &str, seq: usize) -> String {
    format!("{}{seq}.jpg", clean_name(name))
}

/// A material's file name in the same manner: `姓名+推荐表.pdf` (`张三推荐表.pdf`),
/// `姓名+视频.mp4`; the extension is the stored type's.
pub fn material_name(name: &str, kind: MaterialKind, extension: &str) -> String {
    format!("{}{}.{extension}", clean_name(name), kind.label_zh())
}

fn clean_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;

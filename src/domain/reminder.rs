//! R-REMIND: the reminder kinds, their thresholds, what each says, and the e-mail back-off —
//! pure rules of `now`. The scheduler (`services::reminders`) finds the objects in SQL.

use chrono::{DateTime, Duration, Utc};

/// How long before (or after) a deadline each kind fires; configuration (`ZHIHUI_REMIND_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// An activity not reported this long after its planned end (default 7 days).
    pub unreported_after: Duration,
    /// The application window closes within this (default 3 days).
    pub window_closing_within: Duration,
    /// An opinion has waited longer than this (default 3 days).
    pub opinion_waiting_after: Duration,
    /// The cycle's review deadline is this close (default 2 days).
    pub review_deadline_within: Duration,
    /// A payout pending longer than this (default 14 days).
    pub payout_pending_after: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            unreported_after: Duration::days(7),
            window_closing_within: Duration::days(3),
            opinion_waiting_after: Duration::days(3),
            review_deadline_within: Duration::days(2),
            payout_pending_after: Duration::days(14),
        }
    }
}

/// What a reminder is about. The stored name is unique with the object and the recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// To the team: an activity not reported `unreported_after` its planned end.
    ActivityUnreported,
    /// To a team without a submitted application: the window closes soon (object: the cycle).
    WindowClosing,
    /// To the unit: its opinion has waited too long (object: the application).
    OpinionWaitingUnit,
    /// To the district.
    OpinionWaitingDistrict,
    /// To the admins (municipal acceptance).
    OpinionWaitingMunicipal,
    /// To an expert with unscored assignments, the review deadline near (object: the cycle).
    ScoresMissing,
    /// To finance: a payout pending too long (object: the payout).
    PayoutPending,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Self::ActivityUnreported,
        Self::WindowClosing,
        Self::OpinionWaitingUnit,
        Self::OpinionWaitingDistrict,
        Self::OpinionWaitingMunicipal,
        Self::ScoresMissing,
        Self::PayoutPending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActivityUnreported => "activity_unreported",
            Self::WindowClosing => "application_window_closing",
            Self::OpinionWaitingUnit => "opinion_waiting_unit",
            Self::OpinionWaitingDistrict => "opinion_waiting_district",
            Self::OpinionWaitingMunicipal => "opinion_waiting_municipal",
            Self::ScoresMissing => "scores_missing",
            Self::PayoutPending => "payout_pending",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A reminder's text: title (the e-mail subject), body and the page it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub body: String,
    pub link: String,
}

/// The text of a reminder about `object_name` (an activity, a cycle's title, a project, a team).
pub fn message(kind: Kind, object_id: i32, object_name: &str, due: DateTime<Utc>) -> Message {
    let due = super::cst_date(due).format("%Y年%m月%d日");
    let (title, body, link) = match kind {
        Kind::ActivityUnreported => (
            format!("活动待填报：{object_name}"),
            format!("活动“{object_name}”计划结束已超过规定期限，尚未填报活动情况，请尽快填报。"),
            format!("/activities/{object_id}"),
        ),
        Kind::WindowClosing => (
            format!("申报即将截止：{object_name}"),
            format!("“{object_name}”项目申报将于{due}截止，贵队尚未提交申报，请抓紧提交。"),
            "/application".to_owned(),
        ),
        Kind::OpinionWaitingUnit | Kind::OpinionWaitingDistrict | Kind::OpinionWaitingMunicipal => (
            format!("申报待审核：{object_name}"),
            format!("项目“{object_name}”的申报等待您的审核意见已超过规定期限，请尽快处理。"),
            format!("/applications/{object_id}"),
        ),
        Kind::ScoresMissing => (
            format!("评分即将截止：{object_name}"),
            format!("“{object_name}”评审将于{due}截止，您仍有分配的申报尚未评分，请尽快完成。"),
            "/home".to_owned(),
        ),
        Kind::PayoutPending => (
            format!("奖补待发放：{object_name}"),
            format!("“{object_name}”的奖补资金待发放已超过规定期限，请尽快办理。"),
            format!("/finance/payouts/{object_id}"),
        ),
    };
    Message { title, body, link }
}

/// E-mail attempts before a reminder is left to the inbox alone.
pub const MAX_ATTEMPTS: i32 = 6;

/// When a failed send is retried: 1, 2, 4, 8, 16 minutes after the `attempts`-th failure,
/// capped at an hour.
pub fn retry_at(now: DateTime<Utc>, attempts: i32) -> DateTime<Utc> {
    let minutes = 1i64 << attempts.clamp(1, 7).saturating_sub(1);
    now + Duration::minutes(minutes.min(60))
}

/// How long a sender holds a claimed row before another may take it over (a crashed sender).
pub fn claim_for() -> Duration {
    Duration::minutes(5)
}

/// The e-mail body: the message and the full link.
pub fn email_text(m: &Message, public_url: &str) -> String {
    format!(
        "{}\n\n查看详情：{}{}\n\n（本邮件由沈阳市科技志愿服务“智惠行动”系统自动发送，请勿回复。）\n",
        m.body,
        public_url.trim_end_matches('/'),
        m.link
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }

    /// R-REMIND: failed sends back off, doubling, capped.
    #[test]
    fn retries_back_off() {
        let now = Utc::now();
        let gaps: Vec<i64> = (1..=8).map(|a| (retry_at(now, a) - now).num_minutes()).collect();
        assert_eq!(gaps, vec![1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn email_text_carries_the_full_link() {
        let m = message(Kind::ActivityUnreported, 7, "社区讲座", Utc::now());
        let text = email_text(&m, "https://zhihui.example.cn/");
        assert!(text.contains("https://zhihui.example.cn/activities/7"), "{text}");
        assert!(m.title.contains("社区讲座"));
    }
}

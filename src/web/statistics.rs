//! 统计 (R-STAT): the same figures as `GET /api/v1/statistics` (the same service function, so
//! the same scope), with bar charts drawn here as inline SVG — no chart script. And 提醒, the
//! inbox behind the bell (R-REMIND).

use super::{
    format,
    page::{Layout, PageResult, html, layout_for, see_other},
    session::Session,
};
use crate::{
    domain::statistics::{Figures, GroupBy, YEARS, current_year},
    services::{notifications, statistics},
    state::AppState,
};
use askama::Template;
use poem::{
    handler,
    web::{Data, Path, Query},
};

#[derive(Debug, serde::Deserialize)]
pub struct StatQuery {
    pub year: Option<String>,
    pub group_by: Option<String>,
}

/// One row of the table, formatted.
pub struct Row {
    pub label: String,
    pub cells: Vec<String>,
}

/// One bar of a horizontal bar chart, in SVG user units: its label on a line of its own above
/// the bar, so the bar can take the whole width on a phone.
pub struct Bar {
    /// As shown (at most [`LABEL_CHARS`], an ellipsis when cut).
    pub label: String,
    /// In full, for the tooltip.
    pub full_label: String,
    pub value: String,
    pub label_y: u32,
    pub y: u32,
    pub width: u32,
    pub value_x: u32,
    pub value_y: u32,
}

/// A horizontal bar chart.
pub struct Chart {
    pub title: &'static str,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
}

/// The drawing's width; the page shows it at most 480 px wide (1 unit ≈ 1 px on a phone).
const WIDTH: u32 = 360;
/// The label line (15-unit text) and the bar beneath it.
const LABEL: u32 = 20;
const BAR: u32 = 16;
const GAP: u32 = 10;
/// The widest bar leaves room for its value.
const PLOT_WIDTH: u32 = WIDTH - 75;
const LABEL_CHARS: usize = 22;

fn chart(title: &'static str, items: &[(String, i64)], fmt_value: impl Fn(i64) -> String) -> Chart {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let step = LABEL + BAR + GAP;
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let top = i as u32 * step;
            let width = ((*v).max(0) as u64 * u64::from(PLOT_WIDTH) / max as u64) as u32;
            let shown = if label.chars().count() > LABEL_CHARS {
                label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
            } else {
                label.clone()
            };
            Bar {
                label: shown,
                full_label: label.clone(),
                value: fmt_value(*v),
                label_y: top + LABEL - 4,
                y: top + LABEL,
                width,
                value_x: width + 6,
                value_y: top + LABEL + BAR - 3,
            }
        })
        .collect();
    Chart {
        title,
        width: WIDTH,
        height: (items.len() as u32 * step).saturating_sub(GAP),
        bars,
    }
}

const HEADERS: [&str; 14] = [
    "活跃服务队",
    "登记活动",
    "提前24小时登记",
    "提前登记占比",
    "已填报",
    "场次",
    "服务对象",
    "志愿者人次",
    "申报",
    "一等奖",
    "二等奖",
    "三等奖",
    "奖补金额",
    "已发放",
];

fn cells(f: &Figures) -> Vec<String> {
    let n = |v: Option<i64>| v.map_or_else(|| "—".to_owned(), |v| v.to_string());
    let m = |v: Option<i64>| v.map_or_else(|| "—".to_owned(), format::money);
    vec![
        n(f.active_teams),
        n(f.activities_registered),
        n(f.registered_early),
        f.early_share()
            .map_or_else(|| "—".to_owned(), |s| format!("{:.1}%", s * 100.0)),
        n(f.activities_reported),
        n(f.sessions),
        n(f.people_served),
        n(f.volunteer_participations),
        n(f.applications),
        n(f.awards.map(|a| a.first)),
        n(f.awards.map(|a| a.second)),
        n(f.awards.map(|a| a.third)),
        m(f.subsidy_awarded_fen),
        m(f.subsidy_paid_fen),
    ]
}

#[derive(Template)]
#[template(path = "stats/statistics.html")]
struct StatsTpl {
    l: Layout,
    year: i32,
    years: Vec<i32>,
    group_by: &'static str,
    groupings: Vec<(&'static str, &'static str)>,
    group_label: &'static str,
    money_only: bool,
    headers: Vec<&'static str>,
    rows: Vec<Row>,
    total: Row,
    charts: Vec<Chart>,
    xlsx: String,
}

/// `GET /statistics?year=&group_by=`: the table and its charts.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Query(q): Query<StatQuery>) -> PageResult {
    let this_year = current_year(state.now());
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| YEARS.contains(y))
        .unwrap_or(this_year);
    let group_by = q
        .group_by
        .as_deref()
        .and_then(GroupBy::parse)
        .unwrap_or(GroupBy::District);
    let st = statistics::compute(&state, &s.caller, year, group_by).await?;
    let pairs = |f: fn(&Figures) -> Option<i64>| -> Vec<(String, i64)> {
        st.groups
            .iter()
            .filter_map(|g| f(&g.figures).map(|v| (g.label.clone(), v)))
            .collect()
    };
    let count = |v: i64| v.to_string();
    let charts = if st.money_only {
        vec![chart(
            "奖补金额（元）",
            &pairs(|f| f.subsidy_awarded_fen),
            format::money,
        )]
    } else {
        vec![
            chart("登记活动（场）", &pairs(|f| f.activities_registered), count),
            chart("服务对象（人）", &pairs(|f| f.people_served), count),
        ]
    };
    let t = StatsTpl {
        l: layout_for(&state, &s, "统计", "/statistics").await?,
        year,
        years: ((this_year - 5).max(*YEARS.start())..=(this_year + 1).min(*YEARS.end()))
            .rev()
            .collect(),
        group_by: group_by.as_str(),
        groupings: GroupBy::ALL.iter().map(|g| (g.as_str(), g.label())).collect(),
        group_label: group_by.label(),
        money_only: st.money_only,
        headers: HEADERS.to_vec(),
        rows: st
            .groups
            .iter()
            .map(|g| Row {
                label: g.label.clone(),
                cells: cells(&g.figures),
            })
            .collect(),
        total: Row {
            label: "合计".into(),
            cells: cells(&st.total),
        },
        charts,
        xlsx: format!("/api/v1/statistics.xlsx?year={year}"),
    };
    Ok(html(&t))
}

pub struct Item {
    pub id: i32,
    pub title: String,
    pub body: String,
    pub link: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "stats/notifications.html")]
struct InboxTpl {
    l: Layout,
    items: Vec<Item>,
    /// 全部标为已读 only when there is something to mark.
    any_unread: bool,
}

/// `GET /notifications`: the caller's newest reminders.
#[handler]
pub async fn inbox(state: Data<&AppState>, s: Session) -> PageResult {
    let (items, _) = notifications::list(&state, &s.caller, false, 0, 100).await?;
    let any_unread = items.iter().any(|n| n.read_at.is_none());
    let t = InboxTpl {
        l: layout_for(&state, &s, "提醒", "/notifications").await?,
        any_unread,
        items: items
            .into_iter()
            .map(|n| Item {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                when: format::time(n.created_at),
                unread: n.read_at.is_none(),
            })
            .collect(),
    };
    Ok(html(&t))
}

/// `POST /notifications/:id/read`: one of the caller's reminders read (another's: 404).
#[handler]
pub async fn read_one(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    notifications::mark_read(&state, &s.caller, id).await?;
    Ok(see_other("/notifications"))
}

/// `POST /notifications/read-all` (CSRF-checked by the session guard).
#[handler]
pub async fn read_all(state: Data<&AppState>, s: Session) -> PageResult {
    notifications::mark_all_read(&state, &s.caller).await?;
    Ok(see_other("/notifications"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-STAT: the largest value takes the plot's width; a long name is cut with an ellipsis
    /// (the tooltip keeps it whole); each label sits above its bar.
    #[test]
    fn bars_scale_to_the_largest_and_long_names_are_cut() {
        let long = "沈阳市和平区科学技术协会青少年科技教育志愿服务总队".to_owned();
        let c = chart(
            "登记活动（场）",
            &[(long.clone(), 50), ("和平区".into(), 100)],
            |v| v.to_string(),
        );
        assert_eq!(c.bars[1].width, PLOT_WIDTH);
        assert_eq!(c.bars[0].width, PLOT_WIDTH / 2);
        assert_eq!(c.bars[0].label.chars().count(), LABEL_CHARS);
        assert!(c.bars[0].label.ends_with('…'));
        assert_eq!(c.bars[0].full_label, long);
        assert!(
            c.bars
                .iter()
                .all(|b| b.label_y < b.y && b.value_x + 40 <= WIDTH + 40)
        );
        assert_eq!(c.height, 2 * (LABEL + BAR + GAP) - GAP);
    }
}

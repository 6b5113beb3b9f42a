//! The 活动登记表 (attachment 1 of the Shenyang notice), R-FORM: plain data in, .docx bytes out.
//!
//! Row by row as the notice lays it out: the title `{year}年沈阳市科技志愿服务活动登记表`; one table
//! 服务队名称 | 隶属单位; 活动名称 | 计划开展时间; 负责人 | 手 机; 活动内容 across the row, then every
//! task as 任务一： 1. 具体内容： … 2. 任务目标： …. Once the activity has been reported, a second
//! table says what happened (R-REPORT). The notice's "(可另加页)" is an instruction for filling
//! by hand; a generated form holds every task, so it is left out.

use super::docx::{
    self as d, SONG, TEXT_WIDTH, XIAOSI, cell, date_zh, heading_row, label_cell, para, spacing, value_cell,
};
use chrono::{NaiveDate, NaiveDateTime};
use docx_rs::{AlignmentType, HeightRule, Paragraph, TableRow};

/// One task of the activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormTask {
    pub content: String,
    pub target: String,
}

/// What the team reported after the activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormReport {
    /// China Standard Time, as everything printed.
    pub actual_start: NaiveDateTime,
    pub actual_end: NaiveDateTime,
    pub sessions: i32,
    pub people_served: i32,
    pub volunteers: i32,
    pub summary: String,
    pub reported_on: NaiveDate,
}

/// An activity as its registration form prints it (times in China Standard Time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityForm {
    pub year: i32,
    pub team_name: String,
    pub unit_name: String,
    pub activity_name: String,
    pub planned_start: NaiveDateTime,
    pub planned_end: NaiveDateTime,
    pub leader_name: String,
    pub leader_mobile: String,
    pub tasks: Vec<FormTask>,
    pub report: Option<FormReport>,
    /// Set when the activity was cancelled: said under the title.
    pub cancelled_on: Option<NaiveDate>,
}

/// Grid of both tables: label, value, label, value (the label columns fit 负责人 and wrap
/// 计划开展时间 at most once).
const GRID: [usize; 4] = [1600, 2822, 1900, 2522];

pub fn title(year: i32) -> String {
    format!("{year}年沈阳市科技志愿服务活动登记表")
}

/// `2024年5月12日 09:00—12:00`, or `… 至 2024年5月13日 12:00` across days.
pub fn span_zh(start: NaiveDateTime, end: NaiveDateTime) -> String {
    let from = format!("{} {}", date_zh(start.date()), start.format("%H:%M"));
    if start.date() == end.date() {
        format!("{from}—{}", end.format("%H:%M"))
    } else {
        format!("{from} 至 {} {}", date_zh(end.date()), end.format("%H:%M"))
    }
}

fn pair_row(l1: &str, v1: &str, l2: &str, v2: &str) -> TableRow {
    TableRow::new(vec![
        label_cell(l1, GRID[0], 1),
        value_cell(v1, GRID[1], 1),
        label_cell(l2, GRID[2], 1),
        value_cell(v2, GRID[3], 1),
    ])
    .row_height(560.0)
    .height_rule(HeightRule::AtLeast)
}

fn tasks_cell(tasks: &[FormTask]) -> docx_rs::TableCell {
    let mut c = cell(TEXT_WIDTH, 4).vertical_align(docx_rs::VAlignType::Top);
    for (i, t) in tasks.iter().enumerate() {
        let number = format!("任务{}：", d::chinese_number(i + 1));
        c = c.add_paragraph(
            Paragraph::new()
                .add_run(d::run(&number, SONG, XIAOSI).bold())
                .line_spacing(spacing(if i == 0 { 60 } else { 180 }, 0)),
        );
        c = c.add_paragraph(labelled_line("1. 具体内容：", &t.content));
        c = c.add_paragraph(labelled_line("2. 任务目标：", &t.target));
    }
    c
}

/// `label` then the value, the value's own line breaks kept.
fn labelled_line(label: &str, value: &str) -> Paragraph {
    let mut p = Paragraph::new()
        .add_run(d::run(label, SONG, XIAOSI))
        .line_spacing(spacing(0, 0));
    for (i, line) in value.lines().enumerate() {
        let mut r = d::run(line, SONG, XIAOSI);
        if i > 0 {
            r = docx_rs::Run::new()
                .add_break(docx_rs::BreakType::TextWrapping)
                .add_text(line)
                .fonts(d::fonts(SONG))
                .size(XIAOSI);
        }
        p = p.add_run(r);
    }
    p
}

fn report_table(r: &FormReport) -> docx_rs::Table {
    let mut summary = cell(TEXT_WIDTH, 4).vertical_align(docx_rs::VAlignType::Top);
    for p in d::prose(&r.summary, XIAOSI) {
        summary = summary.add_paragraph(p);
    }
    if r.summary.trim().is_empty() {
        summary = summary.add_paragraph(Paragraph::new());
    }
    let rows = vec![
        heading_row("活动开展情况（活动后填报）", TEXT_WIDTH, 4),
        TableRow::new(vec![
            label_cell("实际开展时间", GRID[0], 1),
            value_cell(
                &span_zh(r.actual_start, r.actual_end),
                GRID[1] + GRID[2] + GRID[3],
                3,
            ),
        ])
        .row_height(560.0)
        .height_rule(HeightRule::AtLeast),
        pair_row(
            "开展场次",
            &r.sessions.to_string(),
            "服务对象人数",
            &r.people_served.to_string(),
        ),
        pair_row(
            "参与志愿者人数",
            &r.volunteers.to_string(),
            "填报日期",
            &date_zh(r.reported_on),
        ),
        heading_row("活动总结", TEXT_WIDTH, 4),
        TableRow::new(vec![summary])
            .row_height(1800.0)
            .height_rule(HeightRule::AtLeast),
    ];
    d::table(rows, &GRID)
}

/// The filled 活动登记表 as .docx bytes.
pub fn build(form: &ActivityForm) -> Result<Vec<u8>, std::io::Error> {
    let mut doc = d::document(false).add_paragraph(
        para(&title(form.year), SONG, d::ERHAO)
            .bold()
            .align(AlignmentType::Center)
            .line_spacing(spacing(0, 360)),
    );
    if let Some(day) = form.cancelled_on {
        doc = doc.add_paragraph(
            para(&format!("（本活动已于{}取消）", date_zh(day)), SONG, XIAOSI)
                .align(AlignmentType::Center)
                .line_spacing(spacing(0, 240)),
        );
    }
    let mut content = tasks_cell(&form.tasks);
    if form.tasks.is_empty() {
        content = content.add_paragraph(Paragraph::new());
    }
    let rows = vec![
        pair_row("服务队名称", &form.team_name, "隶属单位", &form.unit_name),
        pair_row(
            "活动名称",
            &form.activity_name,
            "计划开展时间",
            &span_zh(form.planned_start, form.planned_end),
        ),
        pair_row("负责人", &form.leader_name, "手 机", &form.leader_mobile),
        heading_row("活动内容", TEXT_WIDTH, 4),
        TableRow::new(vec![content])
            .row_height(3000.0)
            .height_rule(HeightRule::AtLeast),
    ];
    doc = doc.add_table(d::table(rows, &GRID));
    if let Some(r) = &form.report {
        doc = doc
            .add_paragraph(Paragraph::new().line_spacing(spacing(240, 0)))
            .add_table(report_table(r));
    }
    d::pack(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::docx_text::document_text;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 5, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn form() -> ActivityForm {
        ActivityForm {
            year: 2024,
            team_name: "沈阳工学院科技志愿服务队".into(),
            unit_name: "沈阳工学院".into(),
            activity_name: "社区防灾减灾科普讲座".into(),
            planned_start: at(12, 9),
            planned_end: at(12, 12),
            leader_name: "张三".into(),
            leader_mobile: "13812345678".into(),
            tasks: vec![
                FormTask {
                    content: "讲解家庭应急避险".into(),
                    target: "居民100人".into(),
                },
                FormTask {
                    content: "发放科普资料".into(),
                    target: "500份".into(),
                },
            ],
            report: None,
            cancelled_on: None,
        }
    }

    /// R-FORM: the notice's rows, labels and values, in its order.
    #[test]
    fn the_registration_table_follows_the_notice_row_by_row() {
        let text = document_text(&build(&form()).unwrap());
        let expected = [
            "2024年沈阳市科技志愿服务活动登记表",
            "服务队名称",
            "沈阳工学院科技志愿服务队",
            "隶属单位",
            "沈阳工学院",
            "活动名称",
            "社区防灾减灾科普讲座",
            "计划开展时间",
            "2024年5月12日 09:00—12:00",
            "负责人",
            "张三",
            "手 机",
            "13812345678",
            "活动内容",
            "任务一：",
            "1. 具体内容：讲解家庭应急避险",
            "2. 任务目标：居民100人",
            "任务二：",
            "1. 具体内容：发放科普资料",
            "2. 任务目标：500份",
        ];
        assert_eq!(text, expected);
    }

    /// R-REPORT, R-FORM: a reported activity gets the second table.
    #[test]
    fn a_reported_activity_has_what_happened() {
        let mut f = form();
        let text = document_text(&build(&f).unwrap());
        assert!(!text.iter().any(|t| t.contains("活动开展情况")));
        f.report = Some(FormReport {
            actual_start: at(12, 9),
            actual_end: at(13, 11),
            sessions: 2,
            people_served: 130,
            volunteers: 9,
            summary: "两场讲座\n居民反响良好".into(),
            reported_on: NaiveDate::from_ymd_opt(2024, 5, 14).unwrap(),
        });
        let text = document_text(&build(&f).unwrap());
        let tail: Vec<&str> = text[20..].iter().map(String::as_str).collect();
        assert_eq!(
            tail,
            [
                "活动开展情况（活动后填报）",
                "实际开展时间",
                "2024年5月12日 09:00 至 2024年5月13日 11:00",
                "开展场次",
                "2",
                "服务对象人数",
                "130",
                "参与志愿者人数",
                "9",
                "填报日期",
                "2024年5月14日",
                "活动总结",
                "两场讲座",
                "居民反响良好",
            ]
        );
    }

    #[test]
    fn a_cancelled_activity_says_so_under_the_title() {
        let mut f = form();
        f.cancelled_on = NaiveDate::from_ymd_opt(2024, 5, 10);
        let text = document_text(&build(&f).unwrap());
        assert_eq!(text[1], "（本活动已于2024年5月10日取消）");
    }
}

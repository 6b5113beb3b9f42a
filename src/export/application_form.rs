//! The 项目申报书 (attachment 2 of the Shenyang notice), R-FORM: plain data in, .docx bytes out.
//!
//! In the notice's order: the cover (title, 项目名称, 申报组织, 隶属单位, 申报日期,
//! 沈阳市科学技术协会制 and the month), the 填报说明 page, then one bordered table: 一、基本情况
//! (队伍名称 | 隶属单位; 成立时间 | 注册科技志愿者人数; 项目负责人 | 职称/职务; 联系电话 | 手机),
//! 二、项目概述 with the counted activities listed under it, 三、活动亮点, 四、项目效益, 五、隶属单位意见
//! (signatures, bank account, seal, date), 六、区、县（市）级科协推荐意见 (or one line saying why
//! there is none) and 七、市科协审核意见, each with its seal and date left for ink.

use super::docx::{
    self as d, HEI, SANHAO, SIHAO, SONG, TEXT_WIDTH, XIAOSI, cell, date_zh, heading_row, label_cell, para,
    spacing, value_cell,
};
use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, HeightRule, Paragraph, SpecialIndentType, Table, TableCell, TableCellBorder,
    TableCellBorderPosition, TableCellBorders, TableRow, WidthType,
};

/// A counted activity as listed under 项目概述.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedActivity {
    pub date: NaiveDate,
    pub name: String,
    pub sessions: i32,
    pub people_served: i32,
}

/// The unit's account for the subsidy, as the copy's reader may see it (R-PII).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankLines {
    pub bank_name: String,
    pub account_no: String,
    pub account_name: String,
}

/// Section 六: the district's recommendation, or none because the unit has no district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DistrictSection {
    /// The unit lies under a district (or is one): its comment once given.
    Recommendation(Option<String>),
    /// The opinion chain skips the district step (SPEC "Opinions").
    NoDistrict,
}

/// An application as its 申报书 prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationForm {
    pub year: i32,
    pub project_name: String,
    pub team_name: String,
    pub unit_name: String,
    /// The submission date; `None` while a draft.
    pub application_date: Option<NaiveDate>,
    /// The month under 沈阳市科学技术协会制: (year, month).
    pub issued: (i32, u32),
    /// 填报说明, one point per line, as stored on the cycle.
    pub instructions: String,
    pub founded_on: NaiveDate,
    pub volunteer_count: i32,
    pub leader_name: String,
    pub leader_title: String,
    pub phone: String,
    pub mobile: String,
    pub overview: String,
    pub highlights: String,
    pub benefits: String,
    pub activities: Vec<CountedActivity>,
    /// `None` in an expert's copy: the lines are left out, not blanked.
    pub bank: Option<BankLines>,
    pub unit_opinion: Option<String>,
    pub district: DistrictSection,
    pub municipal_opinion: Option<String>,
}

/// Grid of the main table: label, value, label, value.
const GRID: [usize; 4] = [1600, 2822, 1900, 2522];
/// The counted-activities table inside the 项目概述 cell: 序号, 日期, 活动名称, 场次, 服务对象人数.
const ACTIVITY_GRID: [usize; 5] = [700, 1900, 3628, 1000, 1400];

/// What section 六 says when the unit has no district.
pub const NO_DISTRICT_NOTE: &str =
    "六、本单位无上级区、县（市）科协，按申报流程不经区、县（市）级科协推荐，此项从略。";

pub fn cover_title(year: i32) -> [String; 2] {
    [
        format!("{year}年沈阳市"),
        "科技志愿服务“智惠行动”项目申报书".to_owned(),
    ]
}

fn cover(form: &ApplicationForm) -> Vec<Paragraph> {
    let [line1, line2] = cover_title(form.year);
    let title = |t: &str, before: u32| {
        para(t, SONG, d::ERHAO)
            .bold()
            .align(AlignmentType::Center)
            .line_spacing(spacing(before, 120))
    };
    vec![title(&line1, 2600), title(&line2, 0)]
}

/// 项目名称 … 申报日期: a label and an underlined value, on a borderless table.
fn cover_fields(form: &ApplicationForm) -> Table {
    let date = form.application_date.map(date_zh).unwrap_or_default();
    let fields = [
        ("项目名称：", form.project_name.as_str()),
        ("申报组织：", form.team_name.as_str()),
        ("隶属单位：", form.unit_name.as_str()),
        ("申报日期：", date.as_str()),
    ];
    let (lw, vw) = (1900, 5300);
    let rows = fields
        .iter()
        .map(|(label, value)| {
            let none = TableCellBorders::with_empty();
            let underline = TableCellBorders::with_empty().set(
                TableCellBorder::new(TableCellBorderPosition::Bottom)
                    .border_type(docx_rs::BorderType::Single)
                    .size(6)
                    .color("000000"),
            );
            TableRow::new(vec![
                TableCell::new()
                    .width(lw, WidthType::Dxa)
                    .set_borders(none)
                    .vertical_align(docx_rs::VAlignType::Bottom)
                    .add_paragraph(para(label, HEI, SANHAO).align(AlignmentType::Right)),
                TableCell::new()
                    .width(vw, WidthType::Dxa)
                    .set_borders(underline)
                    .vertical_align(docx_rs::VAlignType::Bottom)
                    .add_paragraph(para(value, SONG, SANHAO).align(AlignmentType::Center)),
            ])
            .row_height(760.0)
            .height_rule(HeightRule::AtLeast)
        })
        .collect();
    d::table(rows, &[lw, vw])
        .clear_all_border()
        .align(docx_rs::TableAlignmentType::Center)
}

fn issuer(form: &ApplicationForm) -> Vec<Paragraph> {
    let (y, m) = form.issued;
    vec![
        para("沈阳市科学技术协会制", SONG, SANHAO)
            .align(AlignmentType::Center)
            .line_spacing(spacing(3600, 120)),
        para(&format!("{y}年{m}月"), SONG, SANHAO).align(AlignmentType::Center),
    ]
}

fn instructions(form: &ApplicationForm) -> Vec<Paragraph> {
    let mut out = vec![
        para("填报说明", HEI, SANHAO)
            .align(AlignmentType::Center)
            .page_break_before(true)
            .line_spacing(spacing(0, 480)),
    ];
    for line in form.instructions.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push(
            para(line, SONG, SIHAO)
                .indent(None, Some(SpecialIndentType::FirstLine(560)), None, None)
                .line_spacing(
                    spacing(0, 120)
                        .line(440)
                        .line_rule(docx_rs::LineSpacingType::Auto),
                ),
        );
    }
    out
}

fn pair_row(l1: &str, v1: &str, l2: &str, v2: &str) -> TableRow {
    TableRow::new(vec![
        label_cell(l1, GRID[0], 1),
        value_cell(v1, GRID[1], 1),
        label_cell(l2, GRID[2], 1),
        value_cell(v2, GRID[3], 1),
    ])
    .row_height(600.0)
    .height_rule(HeightRule::AtLeast)
}

/// A cell across the table holding paragraphs, at least `min_height` tall.
fn text_row(paragraphs: Vec<Paragraph>, min_height: f32) -> TableRow {
    let mut c = cell(TEXT_WIDTH, 4).vertical_align(docx_rs::VAlignType::Top);
    let empty = paragraphs.is_empty();
    for p in paragraphs {
        c = c.add_paragraph(p);
    }
    if empty {
        c = c.add_paragraph(Paragraph::new());
    }
    TableRow::new(vec![c])
        .row_height(min_height)
        .height_rule(HeightRule::AtLeast)
}

fn small(text: &str) -> Paragraph {
    para(text, SONG, d::WUHAO).align(AlignmentType::Center)
}

/// The counted activities under 项目概述, with their total.
fn activities_table(list: &[CountedActivity]) -> Table {
    let header = ["序号", "日期", "活动名称", "场次", "服务对象人数"];
    let mut rows = vec![
        TableRow::new(
            header
                .iter()
                .zip(ACTIVITY_GRID)
                .map(|(h, w)| {
                    cell(w, 1)
                        .shading(
                            docx_rs::Shading::new()
                                .shd_type(docx_rs::ShdType::Clear)
                                .color("auto")
                                .fill(d::LABEL_FILL),
                        )
                        .add_paragraph(small(h))
                })
                .collect(),
        )
        .cant_split(),
    ];
    for (i, a) in list.iter().enumerate() {
        let values = [
            (i + 1).to_string(),
            date_zh(a.date),
            a.name.clone(),
            a.sessions.to_string(),
            a.people_served.to_string(),
        ];
        rows.push(
            TableRow::new(
                values
                    .iter()
                    .zip(ACTIVITY_GRID)
                    .map(|(v, w)| cell(w, 1).add_paragraph(small(v)))
                    .collect(),
            )
            .cant_split(),
        );
    }
    let sessions: i64 = list.iter().map(|a| i64::from(a.sessions)).sum();
    let people: i64 = list.iter().map(|a| i64::from(a.people_served)).sum();
    rows.push(
        TableRow::new(vec![
            cell(ACTIVITY_GRID[0] + ACTIVITY_GRID[1] + ACTIVITY_GRID[2], 3).add_paragraph(small("合计")),
            cell(ACTIVITY_GRID[3], 1).add_paragraph(small(&sessions.to_string())),
            cell(ACTIVITY_GRID[4], 1).add_paragraph(small(&people.to_string())),
        ])
        .cant_split(),
    );
    d::table(rows, &ACTIVITY_GRID)
}

fn overview_row(form: &ApplicationForm) -> TableRow {
    let mut c = cell(TEXT_WIDTH, 4).vertical_align(docx_rs::VAlignType::Top);
    for p in d::prose(&form.overview, XIAOSI) {
        c = c.add_paragraph(p);
    }
    c = c.add_paragraph(
        para(
            &format!(
                "计入的活动（{}项，活动期内已登记并填报）：",
                form.activities.len()
            ),
            HEI,
            XIAOSI,
        )
        .line_spacing(spacing(120, 60)),
    );
    c = c
        .add_table(activities_table(&form.activities))
        .add_paragraph(Paragraph::new());
    TableRow::new(vec![c])
        .row_height(3600.0)
        .height_rule(HeightRule::AtLeast)
}

/// `label` followed by blank space for a signature or for the value.
fn line(label: &str, value: &str) -> Paragraph {
    Paragraph::new()
        .add_run(d::run(label, SONG, XIAOSI))
        .add_run(d::run(value, SONG, XIAOSI))
        .line_spacing(spacing(160, 0))
}

/// 单位公章 and 年 月 日, on the right, left blank for the seal and the date.
fn seal_and_date() -> Vec<Paragraph> {
    let right = |t: &str, before: u32| {
        para(t, SONG, XIAOSI)
            .align(AlignmentType::Right)
            .indent(None, None, Some(600), None)
            .line_spacing(spacing(before, 0))
    };
    vec![right("单位公章", 480), right("年　　月　　日", 240)]
}

fn comment(text: &Option<String>) -> Vec<Paragraph> {
    text.as_deref().map(|t| d::prose(t, XIAOSI)).unwrap_or_default()
}

fn unit_opinion_row(form: &ApplicationForm) -> TableRow {
    let mut ps = comment(&form.unit_opinion);
    ps.push(line("项目负责人（签字）：", ""));
    ps.push(line("单位负责人（签字）：", ""));
    if let Some(b) = &form.bank {
        ps.push(line("开户银行：", &b.bank_name));
        ps.push(line("账号：", &b.account_no));
        ps.push(line("户名：", &b.account_name));
    }
    ps.extend(seal_and_date());
    text_row(ps, 3600.0).cant_split()
}

/// Opinion rows are never split across pages: the seal goes under its own comment.
fn opinion_row(text: &Option<String>) -> TableRow {
    let mut ps = comment(text);
    ps.extend(seal_and_date());
    text_row(ps, 2600.0).cant_split()
}

fn main_table(form: &ApplicationForm) -> Table {
    let mut rows = vec![
        heading_row("一、基本情况", TEXT_WIDTH, 4),
        pair_row("队伍名称", &form.team_name, "隶属单位", &form.unit_name),
        pair_row(
            "成立时间",
            &date_zh(form.founded_on),
            "注册科技志愿者人数",
            &form.volunteer_count.to_string(),
        ),
        pair_row("项目负责人", &form.leader_name, "职称/职务", &form.leader_title),
        pair_row("联系电话", &form.phone, "手机", &form.mobile),
        heading_row("二、项目概述", TEXT_WIDTH, 4),
        overview_row(form),
        heading_row("三、活动亮点", TEXT_WIDTH, 4),
        text_row(d::prose(&form.highlights, XIAOSI), 2400.0),
        heading_row("四、项目效益", TEXT_WIDTH, 4),
        text_row(d::prose(&form.benefits, XIAOSI), 2400.0),
        heading_row("五、隶属单位意见", TEXT_WIDTH, 4),
        unit_opinion_row(form),
    ];
    match &form.district {
        DistrictSection::Recommendation(c) => {
            rows.push(heading_row("六、区、县（市）级科协推荐意见", TEXT_WIDTH, 4));
            rows.push(opinion_row(c));
        }
        DistrictSection::NoDistrict => rows.push(
            TableRow::new(vec![cell(TEXT_WIDTH, 4).add_paragraph(para(
                NO_DISTRICT_NOTE,
                SONG,
                XIAOSI,
            ))])
            .cant_split(),
        ),
    }
    rows.push(heading_row("七、市科协审核意见", TEXT_WIDTH, 4));
    rows.push(opinion_row(&form.municipal_opinion));
    d::table(rows, &GRID)
}

/// The filled 项目申报书 as .docx bytes.
pub fn build(form: &ApplicationForm) -> Result<Vec<u8>, std::io::Error> {
    let mut doc = d::document(true);
    for p in cover(form) {
        doc = doc.add_paragraph(p);
    }
    doc = doc
        .add_paragraph(Paragraph::new().line_spacing(spacing(1600, 0)))
        .add_table(cover_fields(form));
    for p in issuer(form).into_iter().chain(instructions(form)) {
        doc = doc.add_paragraph(p);
    }
    // The table starts on a page of its own.
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .page_break_before(true)
                .size(2)
                .line_spacing(spacing(0, 0).line(20).line_rule(docx_rs::LineSpacingType::Exact)),
        )
        .add_table(main_table(form));
    d::pack(doc)
}

#[cfg(test)]
mod tests;

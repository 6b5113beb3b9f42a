//! Issue 18.1: the 补录 sheet — a year of e-mailed 登记表, one activity per row, in the columns
//! of the template (`GET /api/v1/activities/backfill/template`). Parsing is pure: bytes in,
//! each row's cells as typed values or a reason per bad cell, with the row's line number.

use super::{
    activity::{Category, Report},
    award_import::RowProblem,
    cst,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The template's columns, in order: (header, what it holds).
pub const COLUMNS: [(&str, &str); 18] = [
    ("服务队名称", "已注册的服务队全称"),
    ("活动名称", ""),
    ("活动类别", "类别名称或代码，见“类别”表"),
    ("计划开始时间", "如 2026-03-05 09:00"),
    ("计划结束时间", "如 2026-03-05 11:30"),
    ("活动地点", ""),
    ("负责人", ""),
    ("负责人手机", "11位手机号"),
    ("具体内容", "任务的具体内容"),
    ("任务目标", ""),
    ("实际开始时间", "如 2026-03-05 09:00"),
    ("实际结束时间", ""),
    ("场次", "≥1"),
    ("服务对象人数", "≥0"),
    ("参与志愿者人数", "≥0"),
    ("情况简述", ""),
    (
        "登记表发送日期",
        "原登记表发送邮件的日期，须早于开始，如 2026-03-01",
    ),
    ("补录原因", ""),
];

/// The template column a service field comes from, for a row's problem.
pub fn header_of(field: &str) -> Option<&'static str> {
    let col = match field.split(['.', '[']).next().unwrap_or_default() {
        "name" => 1,
        "category" => 2,
        "planned_start" => 3,
        "planned_end" => 4,
        "location" => 5,
        "leader_name" => 6,
        "leader_mobile" => 7,
        "tasks" => 8,
        "actual_start" => 10,
        "actual_end" => 11,
        "sessions" => 12,
        "people_served" => 13,
        "volunteers" => 14,
        "summary" => 15,
        "registered_on" => 16,
        "reason" => 17,
        _ => return None,
    };
    Some(COLUMNS[col].0)
}

/// One good row: the registration, the report, when it was registered and why it is backfilled.
#[derive(Debug, Clone)]
pub struct BackfillRow {
    pub line: u32,
    pub team_name: String,
    pub name: String,
    pub category: Category,
    pub planned_start: DateTime<Utc>,
    pub planned_end: DateTime<Utc>,
    pub location: String,
    pub leader_name: String,
    pub leader_mobile: String,
    pub task: (String, String),
    pub report: Report,
    pub summary: String,
    pub registered_on: NaiveDate,
    pub reason: String,
}

/// Rows read, and a problem for each bad cell (by line).
#[derive(Debug, Default)]
pub struct ParsedBackfill {
    pub rows: Vec<BackfillRow>,
    pub problems: Vec<RowProblem>,
    /// The team named on every data row, good or bad: the team must exist, whatever else is
    /// wrong with the row.
    pub teams: Vec<(u32, String)>,
}

/// A cell as text: numbers without a trailing `.0`, dates and times as `YYYY-MM-DD HH:MM`.
fn text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => excel_serial(d.as_f64())
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) => s.replace('T', " "),
        other => other.to_string(),
    }
}

/// An Excel serial date (days since 1899-12-30, time as the fraction).
fn excel_serial(v: f64) -> Option<NaiveDateTime> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let secs = (v * 86_400.0).round();
    if !(0.0..=1e11).contains(&secs) {
        return None;
    }
    base.checked_add_signed(chrono::Duration::seconds(secs as i64))
}

/// A date and time written in Shenyang: `2026-03-05 09:00`, `2026/3/5 9:00`, seconds optional.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().replace('/', "-").replace('T', " ");
    ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .and_then(|t| t.and_local_timezone(cst()).single())
        .map(|t| t.with_timezone(&Utc))
}

/// A date: `2026-03-01` or `2026/3/1` (a time after it is ignored).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim().replace('/', "-");
    let day = s.split([' ', 'T']).next().unwrap_or_default();
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Reads the sheet: the first worksheet, a header row, then one activity per row (empty rows
/// skipped). Every bad cell of every row is a problem naming its line and column.
pub fn parse(bytes: &[u8]) -> ParsedBackfill {
    use calamine::{Reader, Xlsx};
    let mut out = ParsedBackfill::default();
    let unreadable = |_| {
        RowProblem::new(
            1,
            "无法读取该文件：请使用补录模板（xlsx）",
            "the file cannot be read: use the backfill template (xlsx)",
        )
    };
    let range = match Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(unreadable)
        .and_then(|mut b| match b.worksheet_range_at(0) {
            Some(r) => r.map_err(unreadable),
            None => Ok(calamine::Range::default()),
        }) {
        Ok(r) => r,
        Err(p) => {
            out.problems.push(p);
            return out;
        }
    };
    let first = range.start().map_or(0, |(r, _)| r);
    let mut rows = range.rows().enumerate();
    // The header row must be the template's.
    match rows.next() {
        Some((_, header)) => {
            let names: Vec<String> = header.iter().map(text).collect();
            for (i, (want, _)) in COLUMNS.iter().enumerate() {
                if names.get(i).map(String::as_str) != Some(*want) {
                    out.problems.push(RowProblem::new(
                        first + 1,
                        &format!("第{}列表头应为“{want}”：请使用补录模板", i + 1),
                        &format!("column {} must be headed \"{want}\": use the template", i + 1),
                    ));
                }
            }
            if !out.problems.is_empty() {
                return out;
            }
        }
        None => {
            out.problems
                .push(RowProblem::new(1, "表中没有数据", "the sheet is empty"));
            return out;
        }
    }
    for (i, cells) in rows {
        let line = first + i as u32 + 1;
        let cells: Vec<String> = (0..COLUMNS.len())
            .map(|c| cells.get(c).map(text).unwrap_or_default())
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if !cells[0].is_empty() {
            out.teams.push((line, cells[0].clone()));
        }
        match row(line, &cells) {
            Ok(r) => out.rows.push(r),
            Err(mut problems) => out.problems.append(&mut problems),
        }
    }
    if out.rows.is_empty() && out.problems.is_empty() {
        out.problems
            .push(RowProblem::new(1, "表中没有数据行", "the sheet has no rows"));
    }
    out
}

fn row(line: u32, c: &[String]) -> Result<BackfillRow, Vec<RowProblem>> {
    let mut problems = vec![];
    let mut bad = |col: usize, zh: &str, en: &str| {
        let (header, _) = COLUMNS[col];
        problems.push(RowProblem::new(
            line,
            &format!("“{header}”{zh}"),
            &format!("{header}: {en}"),
        ));
    };
    for (col, cell) in c.iter().enumerate() {
        if cell.is_empty() {
            bad(col, "不能为空", "required");
        }
    }
    let category = Category::from_text(&c[2]);
    if category.is_none() && !c[2].is_empty() {
        bad(2, "不是通知所列的类别", "not one of the notice's categories");
    }
    let mut time = |col: usize| {
        let t = parse_time(&c[col]);
        if t.is_none() && !c[col].is_empty() {
            bad(
                col,
                "应为日期时间，如 2026-03-05 09:00",
                "a date and time, as 2026-03-05 09:00",
            );
        }
        t
    };
    let planned_start = time(3);
    let planned_end = time(4);
    let actual_start = time(10);
    let actual_end = time(11);
    let mut count = |col: usize| {
        let n = c[col].parse::<i32>().ok();
        if n.is_none() && !c[col].is_empty() {
            bad(col, "应为整数", "a whole number");
        }
        n
    };
    let sessions = count(12);
    let people = count(13);
    let volunteers = count(14);
    let registered_on = parse_date(&c[16]);
    if registered_on.is_none() && !c[16].is_empty() {
        bad(16, "应为日期，如 2026-03-01", "a date, as 2026-03-01");
    }
    match (
        category,
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        sessions,
        people,
        volunteers,
        registered_on,
    ) {
        (Some(category), Some(ps), Some(pe), Some(a_s), Some(a_e), Some(s), Some(p), Some(v), Some(r))
            if problems.is_empty() =>
        {
            Ok(BackfillRow {
                line,
                team_name: c[0].clone(),
                name: c[1].clone(),
                category,
                planned_start: ps,
                planned_end: pe,
                location: c[5].clone(),
                leader_name: c[6].clone(),
                leader_mobile: c[7].clone(),
                task: (c[8].clone(), c[9].clone()),
                report: Report {
                    actual_start: a_s,
                    actual_end: a_e,
                    sessions: s,
                    people_served: p,
                    volunteers: v,
                },
                summary: c[15].clone(),
                registered_on: r,
                reason: c[17].clone(),
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_dates_read_as_written_in_shenyang() {
        let t = parse_time("2026/3/5 9:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-05T01:00:00+00:00");
        assert_eq!(parse_time("2026-03-05 09:00:30").unwrap().timestamp() % 60, 30);
        assert!(parse_time("三月五日").is_none());
        assert_eq!(parse_date("2026/3/1"), NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(
            parse_date("2026-03-01 00:00"),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        let serial = excel_serial(46_086.375).unwrap();
        assert_eq!(serial.format("%Y-%m-%d %H:%M").to_string(), "2026-03-05 09:00");
    }

    #[test]
    fn garbage_is_one_problem_at_line_1() {
        let p = parse(b"not a sheet");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].row, 1);
    }
}

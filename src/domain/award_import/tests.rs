use super::*;

fn reasons_for(sheet: &ParsedSheet, row: u32) -> Vec<&str> {
    sheet
        .problems
        .iter()
        .filter(|p| p.row == row)
        .map(|p| p.reason.as_str())
        .collect()
}

/// R-EXCLUDE: the association's list, with Chinese headers, a BOM and an extra column.
#[test]
fn a_csv_with_chinese_headers_is_read() {
    let csv = "\u{feff}序号,年度,服务队名称,项目名称,奖项\n\
               1,2023,沈阳农业大学科技志愿服务队,科技助农,一等奖\n\
               \n\
               2,2023年, 和平区科普队 ,\"社区科普, 进万家\",三等奖\n";
    let sheet = parse(csv.as_bytes());
    assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
    assert_eq!(
        sheet.rows,
        vec![
            SheetRow {
                row: 2,
                year: 2023,
                team_name: "沈阳农业大学科技志愿服务队".into(),
                project_name: "科技助农".into(),
                tier: Tier::First,
            },
            SheetRow {
                row: 4,
                year: 2023,
                team_name: "和平区科普队".into(),
                project_name: "社区科普, 进万家".into(),
                tier: Tier::Third,
            },
        ]
    );
    assert_eq!(sheet.keys.len(), 2);
}

#[test]
fn csv_rows_keep_their_line_numbers_across_blank_lines_and_crlf() {
    let csv = "\r\nyear,team,project,prize\r\n\r\n\r\n2022,A,P,first\r\n\n2022,B,\"two\nlines\",second\n2022,C,Q,third";
    let sheet = parse(csv.as_bytes());
    assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
    let rows: Vec<u32> = sheet.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![5, 7, 9]);
}

#[test]
fn english_headers_and_prize_names_are_read() {
    let csv = "Year,Team,Project,Prize\n2022,Team A,Science Day,second\n2022,Team B,Robots,FIRST\n";
    let sheet = parse(csv.as_bytes());
    assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
    assert_eq!(sheet.rows[0].tier, Tier::Second);
    assert_eq!(sheet.rows[1].tier, Tier::First);
}

/// Every bad row is reported with its number and reason; good rows are still parsed.
#[test]
fn every_bad_row_is_reported() {
    let csv = "年份,队伍名称,项目名称,获奖等级\n\
               2023,甲队,科普进校园,一等奖\n\
               20x3,乙队,科普进社区,二等奖\n\
               2023,丙队,科普进社区,特等奖\n\
               2023,丁队,,三等奖\n\
               2023,戊队,一二三四五六七八九十一二三四五六七八九十一,三等奖\n\
               2023,甲队,又一个项目,二等奖\n\
               1999,,x,一等奖\n";
    let sheet = parse(csv.as_bytes());
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].row, 2);
    assert!(reasons_for(&sheet, 3)[0].contains("malformed year"));
    assert!(reasons_for(&sheet, 4)[0].contains("unknown prize"));
    assert!(reasons_for(&sheet, 5)[0].contains("project"));
    assert!(reasons_for(&sheet, 6)[0].contains("20 characters"));
    assert!(reasons_for(&sheet, 7)[0].contains("duplicates row 2"));
    let row8 = reasons_for(&sheet, 8);
    assert_eq!(row8.len(), 2, "{row8:?}");
    assert!(reasons_for(&sheet, 2).is_empty());
    // Keys cover bad rows too, so unknown teams are reported everywhere.
    let keyed: Vec<u32> = sheet.keys.iter().map(|k| k.row).collect();
    assert_eq!(keyed, vec![2, 3, 4, 5, 6, 7]);
    assert_eq!(sheet.keys[1].year, None);
}

#[test]
fn a_header_without_the_required_columns_is_refused() {
    let sheet = parse("名称,等级\n甲队,一等奖\n".as_bytes());
    assert!(sheet.rows.is_empty());
    assert_eq!(sheet.problems.len(), 1);
    assert_eq!(sheet.problems[0].row, 1);
    assert!(sheet.problems[0].reason.contains("year, team, project, prize"));
}

#[test]
fn empty_and_unreadable_files_are_refused() {
    assert_eq!(parse(b"").problems.len(), 1);
    assert_eq!(parse(b"\n\n").problems.len(), 1);
    assert!(
        parse(b"year,team,project,prize\n").problems[0]
            .reason
            .contains("no rows")
    );
    // "年度" in GBK is not UTF-8 but reads as GBK (issue 18.7): the header then lacks columns.
    let gbk = b"\xc4\xea\xb6\xc8,team\n";
    assert!(!parse(gbk).problems[0].reason.contains("UTF-8"));
    // Neither UTF-8 nor GB18030.
    assert!(
        parse(b"\xff\xff\xff\n").problems[0]
            .reason
            .contains("UTF-8 or GBK")
    );
    assert!(parse(b"PK\x03\x04 broken").problems[0].reason.contains("xlsx"));
}

/// Row numbers are the sheet's own, even when the table starts lower down.
#[test]
fn an_xlsx_is_read_with_sheet_row_numbers() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "2023年获奖名单").unwrap();
    for (c, h) in ["年度", "服务队", "项目名称", "奖项"].into_iter().enumerate() {
        ws.write_string(2, c as u16, h).unwrap();
    }
    ws.write_number(3, 0, 2023.0).unwrap();
    ws.write_string(3, 1, "甲队").unwrap();
    ws.write_string(3, 2, "科技助农").unwrap();
    ws.write_string(3, 3, "二等奖").unwrap();
    ws.write_number(4, 0, 2023.0).unwrap();
    ws.write_string(4, 1, "乙队").unwrap();
    ws.write_string(4, 2, "科普").unwrap();
    ws.write_string(4, 3, "优秀奖").unwrap();
    let sheet = parse(&book.save_to_buffer().unwrap());
    // The title row above the header is skipped; rows keep the sheet's numbers.
    assert_eq!(sheet.rows.len(), 1, "{:?}", sheet.problems);
    assert_eq!(sheet.rows[0].row, 4);
    assert_eq!(sheet.problems.len(), 1);
    assert_eq!(sheet.problems[0].row, 5);

    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["年度", "服务队", "项目名称", "奖项"].into_iter().enumerate() {
        ws.write_string(1, c as u16, h).unwrap();
    }
    ws.write_number(2, 0, 2023.0).unwrap();
    ws.write_string(2, 1, "甲队").unwrap();
    ws.write_string(2, 2, "科技助农").unwrap();
    ws.write_string(2, 3, "二等奖").unwrap();
    ws.write_string(3, 0, "2023").unwrap();
    ws.write_string(3, 1, "乙队").unwrap();
    ws.write_string(3, 2, "科普").unwrap();
    ws.write_string(3, 3, "优秀奖").unwrap();
    let sheet = parse(&book.save_to_buffer().unwrap());
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].row, 3);
    assert_eq!(sheet.rows[0].year, 2023);
    assert_eq!(sheet.rows[0].tier, Tier::Second);
    assert_eq!(sheet.problems.len(), 1);
    assert_eq!(sheet.problems[0].row, 4);
}

#[test]
fn prizes_and_years_parse() {
    assert_eq!(parse_prize(" 一等奖 "), Some(Tier::First));
    assert_eq!(parse_prize("Third"), Some(Tier::Third));
    assert_eq!(parse_prize("优秀奖"), None);
    assert_eq!(parse_year("2023"), Some(2023));
    assert_eq!(parse_year(" 2024 年"), Some(2024));
    assert_eq!(parse_year("1999"), None);
    assert_eq!(parse_year("2101"), None);
    assert_eq!(parse_year("二〇二三"), None);
}

/// R-EXCLUDE: the preview shows every data row as written, bad ones too, with the Chinese
/// reason beside it.
#[test]
fn every_data_row_is_kept_as_written_for_the_preview() {
    let csv = "年度,服务队名称,项目名称,奖项\n2023, 甲队 ,科技助农,一等奖\n20x3,乙队,社区科普,特等奖\n";
    let sheet = parse(csv.as_bytes());
    let raw: Vec<(u32, &str, &str, &str)> = sheet
        .raw
        .iter()
        .map(|r| (r.row, r.year.as_str(), r.team_name.as_str(), r.prize.as_str()))
        .collect();
    assert_eq!(
        raw,
        vec![(2, "2023", "甲队", "一等奖"), (3, "20x3", "乙队", "特等奖")]
    );
    assert_eq!(sheet.raw[1].project_name, "社区科普");
    assert_eq!(sheet.problems.len(), 2);
    assert!(sheet.problems.iter().all(|p| p.row == 3 && !p.zh.contains(" / ")));
    assert!(sheet.problems[0].reason.starts_with(&sheet.problems[0].zh));
}
